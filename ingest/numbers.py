"""Confirm the digits of an OCR page before anything trusts them.

Tesseract drops or swaps digits with high word confidence; every number-bearing word is
therefore checked (``ingest.digits`` holds the signals and the calibrated policy):

1. :func:`gather` runs where the page image is (the OCR worker): it finds the number words,
   cuts out each one's crop for the second engine, computes the signals that need only the
   page (format, ink beside the box, repetition) and, for words the policy wants it for,
   Tesseract's own multi-view re-read.  The result, :class:`NumberWork`, is small and picklable
   (the crops are a few KB each).
2. :func:`settle` runs where the second engine is loaded: the process that started the OCR
   pool, not each worker (one onnxruntime session per ingesting process, ~70 MB, instead of
   one per worker: bench/ingest_cache_rss).  It reads the crops, completes the signals and
   decides; unconfirmed words get a confidence below the extractors' review bar.

Text is never changed: a second reading can confirm a number, not replace it.

Tesseract's own re-read of a word cut out of the page (``--psm 13``, REREAD_MARGINS of its
height around it) helped numbers Tesseract was unsure of on a page ("50%." alone on a line:
41-96% depending on what else is on the page, ~96% cut out), but the second engine settles
those too, and on the calibration set the re-read adds nothing to it while rejecting half the
right numbers; it costs a Tesseract start (~0.1 s CPU a page).  So it runs only for words read
below the policy's ``reread_below`` (0 by default) and, in the bench, on every word.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

import numpy as np

from . import digits
from ._exec import rapidocr, tesseract
from .exceptions import OcrFailed, OcrTimeout

log = logging.getLogger(__name__)

REREAD_ACCEPT = digits.policy().reread_accept  # every view of Tesseract's re-read gives the text at least this confident
REREAD_MARGINS = (0.2, 0.3, 0.4)  # one view per margin, in word heights
REREAD_MAX_WORDS = 25  # per page: a page of doubtful numbers is a bad scan, not a few bad crops
SECOND_REACH = 0.8  # the second engine's crop reaches at most this far beyond the word's box (word heights),
SECOND_SPACE = 0.35  # over ink that touches it: this many blank columns (word heights) are a space ...
SECOND_MARGIN = 0.25  # ... and has this much paper around it
INK_CONTRAST = 20  # gray levels below the paper that count as ink (a faded "1" can be ~25 below)


@dataclass(frozen=True)
class NumberCheck:
    """One number-bearing word of the page: what was read, the signals, the decision."""

    index: int  # into the page's words
    text: str
    prev: str | None  # the word before it on its line
    signals: digits.Signals | None  # None: not checked (a list marker, an article's number, over the cap)
    confirmed: bool
    second_text: str | None = None  # what the second engine read (restricted decode)
    second_conf: float | None = None  # its least certain character's probability
    reread_texts: tuple[tuple[str, float], ...] = ()  # Tesseract's re-reads that differ: (text, confidence 0..1)


@dataclass
class NumberReport:
    checked: int = 0
    confirmed: int = 0
    reread: int = 0
    unchecked: int = 0  # list markers and article numbers
    over_cap: int = 0  # past the policy's max_words
    second_failed: str = ""
    checks: list[NumberCheck] = field(default_factory=list)

    def note(self) -> str:
        """The page decision's account of the check ("" when the page has no numbers)."""
        n = len(self.checks)
        if not n:
            return ""
        note = f"{n} number{'s' if n > 1 else ''}: {self.checked} checked by a second reading, {self.confirmed} confirmed"
        if self.reread:
            note += f" ({self.reread} low-confidence read again)"
        if self.unchecked:
            note += f", {self.unchecked} list or article number{'s' if self.unchecked > 1 else ''} not checked"
        if self.over_cap:
            note += f", {self.over_cap} past the first {self.checked} not checked"
        if self.second_failed:
            note += "; second engine unavailable"
        return note


@dataclass(frozen=True)
class FoundNumber:
    """A number-bearing word as the worker saw it: everything :func:`settle` needs but the
    second engine's reading."""

    index: int  # into the page's words
    text: str
    prev: str | None
    conf: float  # Tesseract's, 0..100
    checked: bool  # False: a list marker, an article's number, or past the cap
    crop: np.ndarray | None = None  # the second engine's view of the word (None: none could be cut)
    charset: str = ""
    outside_ink: float = 0.0
    box_ratio: float = 0.0
    format_ok: bool = False
    repeated: bool = False
    reread: tuple[str, float] | None = None  # Tesseract's re-read: ("agree" | "differ", lowest view confidence)
    reread_texts: tuple[tuple[str, float], ...] = ()  # the re-read views that read another text: (text, confidence)


@dataclass
class NumberWork:
    """One page's number words, gathered in the worker, to be settled by :func:`settle`."""

    found: list[FoundNumber] = field(default_factory=list)
    over_cap: int = 0
    reread: int = 0


def _word_views(image: np.ndarray, w: tesseract.TsvWord, margins: tuple[float, ...] = REREAD_MARGINS
                ) -> list[np.ndarray]:
    """The word cut out of the page, once per margin (in word heights).

    Only the word's own pixels (its box plus 3% of its height) are kept; the margin around
    them is filled with the paper's gray, so no neighbouring word or line leaks in."""
    ih, iw = image.shape
    h = max(w.height, 1)
    m = max(1, round(0.03 * h))
    y0, y1 = max(0, w.top - m), min(ih, w.top + w.height + m)
    x0, x1 = max(0, w.left - m), min(iw, w.left + w.width + m)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    paper = int(np.percentile(crop, 75))  # a word's box is mostly paper
    views = []
    for margin in margins:
        p = max(2, round(margin * h))
        view = np.full((crop.shape[0] + 2 * p, crop.shape[1] + 2 * p), paper, dtype=np.uint8)
        view[p:p + crop.shape[0], p:p + crop.shape[1]] = crop
        views.append(view)
    return views


def _number_words(words: list[tesseract.TsvWord]) -> list[tuple[int, str | None, bool]]:
    """(index, previous word on the line, first in its line) of every word with digits."""
    out: list[tuple[int, str | None, bool]] = []
    key: tuple[int, int, int] | None = None
    prev: str | None = None
    for i, w in enumerate(words):
        line = (w.block, w.par, w.line)
        first = line != key
        if first:
            key, prev = line, None
        if digits.has_digit(w.text):
            out.append((i, prev, first))
        prev = w.text
    return out


def _ink_reach(image: np.ndarray, y0: int, y1: int, edge: int, limit: int, gap: int, paper: int) -> int:
    """The word's edge moved from ``edge`` towards ``limit`` over the ink that touches it: up to
    the last inked column before ``gap`` blank columns in a row (a space: the next word)."""
    if limit > edge:  # rightwards: columns edge .. limit - 1
        cols = image[y0:y1, edge:limit]
    else:  # leftwards: columns edge - 1 down to limit
        cols = image[y0:y1, limit:edge][:, ::-1]
    ink = (cols < paper - INK_CONTRAST).sum(axis=0) >= 2  # two pixels: not a grain of noise
    touching, blank = 0, 0
    for k, dark in enumerate(ink):
        if dark:
            touching, blank = k + 1, 0
        else:
            blank += 1
            if blank >= gap:
                break
    return edge + touching if limit > edge else edge - touching


def _digit_crop(image: np.ndarray, words: list[tesseract.TsvWord], i: int) -> tuple[np.ndarray, float] | None:
    """The second engine's crop of word ``i`` and how far beyond its box ink touches it.

    Tesseract's LSTM gives a word the box of the characters it read, so a digit it dropped (the
    faded "1" of "118/2015", read "18/2015" at 0.96) lies outside the box: the crop takes in the
    ink next to the box, up to a space (SECOND_SPACE word heights of blank columns),
    SECOND_REACH word heights or the neighbouring word's box (not a "word" of marks alone: Tesseract
    makes a faded digit a "'" or "-" of its own), whichever comes first (a space between two words is
    blank from one box to the other, so ink there belongs to no reading); then
    SECOND_MARGIN of paper all round.  The second number returned is the widest such reach, in
    word heights: ink no reading accounts for (``digits.Signals.outside_ink``)."""
    w = words[i]
    ih, iw = image.shape
    h = max(w.height, 1)
    m = max(1, round(0.06 * h))
    y0, y1 = max(0, w.top - m), min(ih, w.top + w.height + m)
    left, right = max(0, w.left), min(iw, w.left + w.width)
    box = image[y0:y1, left:right]
    if box.size == 0:
        return None
    paper = int(np.percentile(box, 75))  # a word's box is mostly paper
    lo, hi = max(0, int(w.left - SECOND_REACH * h)), min(iw, int(w.left + w.width + SECOND_REACH * h))
    line = (w.block, w.par, w.line)
    for k in (i - 1, i + 1):
        if 0 <= k < len(words) and (words[k].block, words[k].par, words[k].line) == line:
            n = words[k]
            if not any(c.isalnum() for c in n.text):
                continue  # a lone "'" or "-": often a faded digit Tesseract made a word of its own
            if k < i:
                lo = max(lo, min(n.left + n.width + 1, left))
            else:
                hi = min(hi, max(n.left - 1, right))
    gap = max(2, round(SECOND_SPACE * h))
    x0 = _ink_reach(image, y0, y1, left, lo, gap, paper)
    x1 = _ink_reach(image, y0, y1, right, hi, gap, paper)
    outside = max(left - x0, x1 - right) / h
    crop = image[y0:y1, max(0, x0 - m):min(iw, x1 + m)]
    p = max(2, round(SECOND_MARGIN * h))
    view = np.full((crop.shape[0] + 2 * p, crop.shape[1] + 2 * p), paper, dtype=np.uint8)
    view[p:p + crop.shape[0], p:p + crop.shape[1]] = crop
    return view, outside


Reread = tuple[str, float, tuple[tuple[str, float], ...]]
"""("agree" | "differ", lowest view confidence, the other texts the views read with their confidence)."""


def _rereads(image: np.ndarray, words: list[tesseract.TsvWord], todo: list[int], *, lang: str, dpi: int,
             timeout: float, where: str) -> dict[int, Reread]:
    """Tesseract's multi-view re-read: index -> ("agree" | "differ", lowest view confidence, other readings)."""
    views, owner = [], []
    for i in todo:
        for v in _word_views(image, words[i]):
            views.append(v)
            owner.append(i)
    if not views:
        return {}
    try:
        reads = tesseract.lines_to_words(views, lang=lang, dpi=dpi, timeout=timeout)
    except (OcrFailed, OcrTimeout) as e:  # the first read stands, unconfirmed
        log.warning("re-reading numbers failed on %s: %s", where, e)
        return {}
    seen: dict[int, list[float]] = {}
    agree: dict[int, bool] = {}
    other: dict[int, dict[str, float]] = {}
    for i, got in zip(owner, reads, strict=False):
        same = len(got) == 1 and got[0].text == words[i].text and got[0].conf >= REREAD_ACCEPT * 100
        agree[i] = agree.get(i, True) and same
        seen.setdefault(i, []).append(got[0].conf if got else 0.0)
        text = " ".join(x.text for x in got).strip()
        if text and text != words[i].text:
            conf = min(x.conf for x in got) / 100
            other.setdefault(i, {})[text] = max(conf, other.get(i, {}).get(text, 0.0))
    return {i: ("agree" if ok and len(seen[i]) == len(REREAD_MARGINS) else "differ", min(seen[i]) / 100,
                tuple(sorted(other.get(i, {}).items(), key=lambda kv: -kv[1])))
            for i, ok in agree.items()}


def gather(image: np.ndarray, words: list[tesseract.TsvWord], *, lang: str, dpi: int, timeout: float,
           where: str = "", reread_all: bool = False) -> NumberWork:
    """The page's number words with their crops and page-side signals (in the worker).

    ``image`` is the image Tesseract read.  List markers and article numbers, which are never
    values, are not checked, nor words past the policy's ``max_words``.  A word Tesseract read
    at ``tess_min`` .. ``reread_below`` is also read again by Tesseract in a few views (all such
    words of the page in one run); ``reread_all`` re-reads every checked word (bench/bench_digits
    measures what that would add)."""
    work = NumberWork()
    found = _number_words(words)
    if not found:
        return work
    pol = digits.policy()
    todo = [i for i, prev, first in found if not digits.is_structural(words[i].text, prev, first)]
    work.over_cap = max(0, len(todo) - pol.max_words)
    checked = set(todo[:pol.max_words])
    again = [i for i in todo if i in checked and (reread_all or pol.tess_min * 100 <= words[i].conf < pol.reread_below * 100)]
    again = again if reread_all else again[:REREAD_MAX_WORDS]
    rereads = _rereads(image, words, again, lang=lang, dpi=dpi, timeout=timeout, where=where)
    work.reread = len(again)
    seen_runs: dict[str, int] = {}
    for i in checked:
        for r in set(digits.digit_runs(words[i].text)):
            seen_runs[r] = seen_runs.get(r, 0) + 1
    for i, prev, _ in found:
        w = words[i]
        if i not in checked:
            work.found.append(FoundNumber(i, w.text, prev, w.conf, False))
            continue
        got = _digit_crop(image, words, i)
        letters = any(c.isalpha() for c in w.text)
        work.found.append(FoundNumber(
            i, w.text, prev, w.conf, True,
            crop=got[0] if got else None,
            charset=rapidocr.DIGITS + rapidocr.SEPARATORS + (rapidocr.LATIN if letters else ""),
            outside_ink=round(got[1], 3) if got else 0.0,
            box_ratio=round(digits.box_ratio(w.text, w.width, w.height), 3),
            format_ok=digits.format_ok(w.text, prev),
            repeated=any(seen_runs.get(r, 0) > 1 for r in digits.digit_runs(w.text)),
            reread=rereads[i][:2] if i in rereads else None,
            reread_texts=rereads[i][2] if i in rereads else ()))
    return work


def _second_signal(tess_text: str, reading: rapidocr.Reading | None) -> tuple[str | None, float]:
    if reading is None:
        return None, 0.0
    if digits.digit_runs(reading.text) != digits.digit_runs(tess_text):
        return "differ", 0.0
    probs = [p for a, b in digits.run_spans(reading.text) for p in reading.probs[a:b]]
    return "agree", (min(probs) if probs else 0.0)


def settle(work: NumberWork, where: str = "") -> tuple[dict[int, float], NumberReport]:
    """Read the crops with the second engine and decide: (new confidence 0..100 by word
    index, the report).

    A confirmed word's confidence is at least the second engine's (the calibrated set says it
    is right); any other word with digits gets at most the policy's ``unconfirmed_conf``.  When
    the second engine cannot run, nothing is confirmed (and the report says why)."""
    pol = digits.policy()
    report = NumberReport(over_cap=work.over_cap, reread=work.reread)
    todo = [(f, f.crop) for f in work.found if f.checked and f.crop is not None]
    readings: dict[int, rapidocr.Reading] = {}
    if todo:
        try:
            got = rapidocr.read_each([crop for _, crop in todo], [f.charset for f, _ in todo])
            readings = {f.index: r for (f, _), r in zip(todo, got, strict=True)}
        except rapidocr.SecondEngineError as e:
            report.second_failed = str(e)
            log.warning("second engine unavailable on %s: %s", where, e)
    confs: dict[int, float] = {}
    low = pol.unconfirmed_conf * 100
    for f in work.found:
        if not f.checked:
            report.unchecked += 1
            report.checks.append(NumberCheck(f.index, f.text, f.prev, None, False))
            confs[f.index] = min(f.conf, low)
            continue
        reading = readings.get(f.index)
        state, rconf = _second_signal(f.text, reading)
        v_state, v_conf = f.reread or (None, 0.0)
        sig = digits.Signals(tess_conf=f.conf / 100, reread=v_state, reread_conf=v_conf, second=state,
                             second_conf=rconf, format_ok=f.format_ok, outside_ink=f.outside_ink,
                             box_ratio=f.box_ratio, repeated=f.repeated)
        ok = pol.confirms(sig)
        report.checks.append(NumberCheck(f.index, f.text, f.prev, sig, ok, reading.text if reading else None,
                                         round(reading.conf, 4) if reading else None, f.reread_texts))
        report.checked += 1
        if ok:
            report.confirmed += 1
            confs[f.index] = max(f.conf, rconf * 100)
        else:
            confs[f.index] = min(f.conf, low)
    report.unchecked -= report.over_cap  # past the cap is counted on its own
    return confs, report


def alternatives(report: NumberReport) -> list[tuple[int, str, str, float | None]]:
    """The other readings of the page's number words, to show beside the first one: (word index, text, source,
    confidence). The second engine's reading is one when its digits differ from Tesseract's (its letters are a
    restricted decode: a "D" for "Đ" is no other reading); a re-read view's text is one when it differs at all."""
    out: list[tuple[int, str, str, float | None]] = []
    for c in report.checks:
        seen = {c.text}
        if c.second_text and digits.digit_runs(c.second_text) != digits.digit_runs(c.text):
            out.append((c.index, c.second_text, "second_engine", c.second_conf))
            seen.add(c.second_text)
        for text, conf in c.reread_texts:
            if text not in seen:
                out.append((c.index, text, "reread", round(conf, 4)))
                seen.add(text)
    return out


def confirm_numbers(image: np.ndarray, words: list[tesseract.TsvWord], *, lang: str, dpi: int, timeout: float,
                    where: str = "", reread_all: bool = False) -> tuple[list[tesseract.TsvWord], NumberReport]:
    """:func:`gather` then :func:`settle` in this process: the words with their confidences
    settled, and the report (tests and bench/bench_digits; the pipeline splits the two steps)."""
    confs, report = settle(gather(image, words, lang=lang, dpi=dpi, timeout=timeout, where=where,
                                  reread_all=reread_all), where)
    out = [w if confs.get(i, w.conf) == w.conf else dataclasses.replace(w, conf=confs[i]) for i, w in enumerate(words)]
    return out, report


__all__ = ["NumberCheck", "NumberReport", "NumberWork", "FoundNumber", "gather", "settle", "alternatives",
           "confirm_numbers"]
