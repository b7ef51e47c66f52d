"""Metric subjects at word boundaries, using underthesea's word segmentation (optional).

``metric_subjects._subject`` cuts a prose subject at a syllable count (16 after a percentage, 14 before
the number; inside a table cell the cell bounds it instead), which can split a compound word: "tiền lương trước khi bị đình chỉ công"
("công việc"), "tiền lương thực trả hằng tháng của người" ("người lao động").
:func:`snap_subject` re-segments the cut with ``underthesea.word_tokenize`` and moves
each open end to the nearest word boundary outward.  It never shortens a subject.

Measured in ``bench/bench_extract.py`` (``subjects_underthesea``): snapping keeps all
29 labelled gold subjects and changes ~19% of subjects on law text (split compounds
repaired) at ~0.25 ms per subject, so ``find_metrics`` applies it by default
(``SNAP_SUBJECTS``; skipped if underthesea is not installed).  A noun-phrase cut by
underthesea POS tags was measured and rejected: Vietnamese metric subjects are often
verb-bearing clauses ("hồ sơ giải quyết đúng hạn") and the POS cut lost 11 of 29
labelled subjects.  underthesea is never used to find numbers or references.

The second half of the module compares subjects and the rubric's subject hints as
segmented, accent-folded lemmas (:func:`segment`, :func:`match_phrase`), with word order
free; :func:`subject_matches` is the gold sets' definition of a right subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from models.extraction import Metric

from .normalize import fold
from .patterns import DATA_DIR

_STOP = re.compile(r"[,.;:()\n|\t]")
CONTEXT_SYLLABLES = 3


def _syllables(s: str) -> list[str]:
    return s.split()


def _extend(core: list[str], extra: list[str], forward: bool) -> list[str]:
    """Syllables of ``extra`` that belong to the word cut at the joint with ``core``."""
    if not extra or not core:
        return []
    try:
        from underthesea import word_tokenize
    except ImportError:  # optional dependency: subjects stay as cut
        return []

    seq = core + extra if forward else extra + core
    words = word_tokenize(" ".join(seq))
    joint = len(core) if forward else len(extra)
    pos = 0
    for w in words:
        n = len(w.split()) if any(c.isalnum() for c in w) else 0  # "," is no syllable of ``seq``
        if pos < joint < pos + n:  # this word straddles the cut
            return seq[joint:pos + n] if forward else seq[pos:joint]
        pos += n
        if pos >= joint:
            break
    return []


def whole_word_end(core: list[str], after: list[str]) -> list[str]:
    """The syllables of ``after`` that finish the word cut at the end of ``core`` ("… đối với cá"
    + "nhân là người" -> ["nhân"]); none when ``after`` does not go on in letters."""
    if not after or not after[0][:1].isalpha() or not core or not core[-1][-1:].isalpha():
        return []
    return _extend(core, after, True)


def whole_word_before(core: list[str], before: list[str]) -> list[str]:
    """The syllables of ``before`` that begin the word cut at the start of ``core`` ("… trừ trường"
    + "hợp người thuê mua" -> ["trường"]); none when ``before`` does not end in letters."""
    if not before or not before[-1][-1:].isalpha() or not core or not core[0][:1].isalpha():
        return []
    return _extend(core, before, False)


def snap_subject(text: str, metric: Metric) -> str:
    """``metric.subject`` with both ends moved out to whole words (as found in ``text``)."""
    return snap(text, metric.subject, metric.start, metric.end)


def snap(text: str, subj: str, start: int, end: int) -> str:
    """``subj`` (found in ``text`` near ``start:end``) with both ends moved out to whole words."""
    if not subj:
        return subj
    lo, hi = max(0, start - 400), min(len(text), end + 400)
    at = text.find(subj, lo, hi)
    if at < 0:
        return subj
    end = at + len(subj)
    after = _STOP.split(text[end:end + 60], 1)[0]
    before = _STOP.split(text[max(0, at - 60):at][::-1], 1)[0][::-1]
    core = _syllables(subj)
    tail = _extend(core, _syllables(after)[:CONTEXT_SYLLABLES], True) if after.lstrip()[:1].isalpha() else []
    head = _extend(core, _syllables(before)[-CONTEXT_SYLLABLES:], False) if before.rstrip()[-1:].isalpha() else []
    if not tail and not head:
        return subj
    return " ".join(head + core + tail)


# --------------------------------------------------------------------------- lemmas
#
# Subjects and the rubric's subject hints are compared as segmented, accent-folded lemmas:
# underthesea's words, folded ("Hồ sơ" -> "ho_so"), with the syllables kept so that a word the
# segmenter split one way in a hint and another way in a report still meets itself.


@dataclass(frozen=True)
class Segmented:
    """A phrase as lemmas: ``tokens`` ("ho_so", "giai_quyet", "dung", "han") and their syllables."""

    tokens: tuple[str, ...]
    syllables: tuple[str, ...]
    token_of: tuple[int, ...]  # token index of each syllable
    starts: frozenset[int]  # syllable indexes that begin a token

    def __len__(self) -> int:
        return len(self.tokens)

    def slice(self, lo: int, hi: int) -> Segmented:
        """The words lying wholly within syllables ``lo:hi``."""
        keep = [k for k in range(len(self.tokens))
                if self.token_of.index(k) >= lo and self.token_of.index(k) + len(self.tokens[k].split("_")) <= hi]
        tokens: list[str] = []
        syllables: list[str] = []
        token_of: list[int] = []
        starts: set[int] = set()
        for k in keep:
            starts.add(len(syllables))
            for x in self.tokens[k].split("_"):
                syllables.append(x)
                token_of.append(len(tokens))
            tokens.append(self.tokens[k])
        return Segmented(tuple(tokens), tuple(syllables), tuple(token_of), frozenset(starts))


@lru_cache(maxsize=1)
def subject_words() -> dict:
    """The word lists of ``extractors/data/metric_subjects.yaml`` (folded)."""
    with open(DATA_DIR / "metric_subjects.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["stop_lemmas"] = frozenset(data["stop_lemmas"])
    data["generic_subjects"] = frozenset(data["generic_subjects"])
    return data


def _tokenize(text: str) -> list[str]:
    try:
        from underthesea import word_tokenize
    except ImportError:  # optional dependency: syllables as words
        return text.split()
    return word_tokenize(text)


@lru_cache(maxsize=16384)
def segment(text: str) -> Segmented:
    """``text`` as folded lemmas; tokens without a letter (numbers, punctuation) are left out."""
    tokens: list[str] = []
    syllables: list[str] = []
    token_of: list[int] = []
    starts: set[int] = set()
    for tok in _tokenize(text) if text.strip() else []:
        syls = [x for x in _SYLLABLE.findall(fold(tok)) if not x.isdigit()]
        if not syls:
            continue
        starts.add(len(syllables))
        for s in syls:
            syllables.append(s)
            token_of.append(len(tokens))
        tokens.append("_".join(syls))
    return Segmented(tuple(tokens), tuple(syllables), tuple(token_of), frozenset(starts))


_SYLLABLE = re.compile(r"[a-z0-9]+")


def syllables(text: str) -> list[str]:
    """The folded syllables :func:`segment` keeps for ``text``, without segmenting it (cheap)."""
    return [x for x in _SYLLABLE.findall(fold(text)) if not x.isdigit()]


def lemmas(text: str) -> tuple[str, ...]:
    """Folded underthesea words of ``text``: "Tỷ lệ hồ sơ đúng hạn" -> ("ty_le", "ho_so", "dung", "han")."""
    return segment(text).tokens


def occurrences(lemma: str, hay: Segmented) -> list[int]:
    """Syllable positions in ``hay`` where ``lemma`` ("giai_quyet") occurs as a word.

    The syllables must be consecutive in ``hay`` and each end must either be a word boundary of
    ``hay`` or continue a word the same way on both sides; so "dung_han" is found in "đúng" "hạn"
    and "han" in "đúng_hạn" only where "đúng" precedes it in the lemma's own phrase (callers pass
    that through :func:`match_phrase`), while "hoa" is never found inside "hàng_hóa".
    """
    syls = lemma.split("_")
    n, out = len(syls), []
    hs = hay.syllables
    for i in range(len(hs) - n + 1):
        if hs[i:i + n] != tuple(syls):
            continue
        if i in hay.starts and (i + n == len(hs) or (i + n) in hay.starts):
            out.append(i)
    return out


def match_phrase(phrase: Segmented, hay: Segmented, content: bool = True,
                 near: int | None = None) -> list[tuple[int, int] | None]:
    """For each (content) lemma of ``phrase``, the syllable span in ``hay`` where it occurs (the
    occurrence nearest syllable ``near`` when given, else the first), or None.

    Word order is free. A lemma whose syllables sit inside one word of ``hay`` that the phrase
    itself spells out over several lemmas ("đúng" "hạn" against "đúng_hạn") is matched through
    the run of the phrase's syllables, so segmentation differences do not lose a match.
    """
    stop = subject_words()["stop_lemmas"] if content else frozenset()
    spans: list[tuple[int, int] | None] = []
    for k, tok in enumerate(phrase.tokens):
        if tok in stop:
            continue
        hit = occurrences(tok, hay)
        if hit:
            n = len(tok.split("_"))
            at = hit[0] if near is None else min(hit, key=lambda i: min(abs(i - near), abs(i + n - near)))
            spans.append((at, at + n))
            continue
        spans.append(_within_word(phrase, k, hay))
    return spans


def _within_word(phrase: Segmented, k: int, hay: Segmented) -> tuple[int, int] | None:
    """Token ``k`` of ``phrase`` as part of one word of ``hay`` made of the phrase's consecutive tokens."""
    first = phrase.syllables.index(phrase.tokens[k].split("_")[0], _syl_start(phrase, k))
    for lo in range(max(0, k - 2), k + 1):
        for hi in range(k + 1, min(len(phrase.tokens), k + 3) + 1):
            if hi - lo < 2:
                continue
            run = "_".join(phrase.tokens[lo:hi])
            for i in occurrences(run, hay):
                # the syllables of token k inside the run
                off = first - _syl_start(phrase, lo)
                return (i + off, i + off + len(phrase.tokens[k].split("_")))
    return None


def _syl_start(phrase: Segmented, k: int) -> int:
    return phrase.token_of.index(k)


def subject_matches(expected: str, found: str, unit: str = "") -> bool:
    """The gold-set definition of a right subject: every content lemma of ``expected`` occurs as a
    word (:func:`match_phrase`) in the found subject, or in the metric's unit (a count's noun is
    part of what it counts: "hoàn thành" + "nhiệm vụ")."""
    want = segment(expected)
    hay = segment(f"{found} | {unit}" if unit and unit != "%" else found)
    spans = match_phrase(want, hay) or match_phrase(want, hay, content=False)  # a label of function words only
    return bool(spans) and all(s is not None for s in spans)
