"""Build a page's text and its ``Words`` columns from lines of raw words.

Words are normalised (``normalize_text``) *before* the text is assembled, so every
``Word.start/end`` indexes ``Page.text`` exactly: words joined by one space, lines by "\\n".

This is the hot loop of text-layer ingest (hundreds of words a page, ~1000 pages a second
is the goal), so it normalises a page in one call instead of once per word and hands the
columns it already has to ``Words`` instead of building an object per word.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, groupby

import numpy as np
import numpy.typing as npt

from models.pages import WORD_COLUMNS, Words

from .normalize import normalize_text

RawWord = tuple[str, float, float, float, float, float]
"""(text, x0, y0, x1, y1, confidence): a box in PDF points (top-left origin), confidence in [0, 1]."""

FloatColumn = Sequence[float] | npt.NDArray[np.float64]
"""A numeric column of ``RawWords``: a list (OCR) or a numpy array (text layer)."""
KeyColumn = Sequence[Hashable] | npt.NDArray[np.integer]
"""``RawWords.line_keys``: any hashable line keys, or a numpy array of line numbers."""


@dataclass
class RawWords:
    """One page's words in reading order, as columns (cheap to fill from PyMuPDF or Tesseract).

    Consecutive words with equal ``line_keys`` form a line.  Boxes are in PDF points,
    top-left origin; ``conf`` in [0, 1].  Numeric columns are lists or numpy arrays.
    """

    texts: list[str] = field(default_factory=list)
    x0: FloatColumn = field(default_factory=list)
    y0: FloatColumn = field(default_factory=list)
    x1: FloatColumn = field(default_factory=list)
    y1: FloatColumn = field(default_factory=list)
    conf: FloatColumn = field(default_factory=list)
    line_keys: KeyColumn = field(default_factory=list)
    normalized: list[str] | None = None  # ``texts`` normalised one-to-one, when already known
    line_counts: list[int] | None = None  # words per line, when known (``line_keys`` are then 0, 1, ...)

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def from_lines(cls, lines: Iterable[Iterable[RawWord]]) -> RawWords:
        texts: list[str] = []
        x0s: list[float] = []
        y0s: list[float] = []
        x1s: list[float] = []
        y1s: list[float] = []
        confs: list[float] = []
        keys: list[int] = []
        for k, line in enumerate(lines):
            for text, x0, y0, x1, y1, conf in line:
                texts.append(text)
                x0s.append(x0)
                y0s.append(y0)
                x1s.append(x1)
                y1s.append(y1)
                confs.append(conf)
                keys.append(k)
        return cls(texts, x0s, y0s, x1s, y1s, confs, keys)


def normalized_texts(texts: list[str]) -> list[str] | None:
    """The words normalised, one call for the page; None if a word vanishes or splits.

    The words are joined by "\n" (normalisation never crosses, creates or removes a line
    break) and normalised at once; that is only taken as the answer if it comes back as
    exactly one whitespace-free piece per word.
    """
    joined = "\n".join(texts)
    norm = joined if joined.isascii() else normalize_text(joined)
    n = len(texts)
    if (norm is joined and joined.count("\n") == n - 1 and "\n\n" not in joined and all(texts)
            and not _INNER_SPACE.search(joined)):
        return list(texts)  # nothing to normalise; every word is one non-empty, space-free piece
    pieces = norm.split()
    if (len(pieces) == n and norm.count("\n") == n - 1
            and "\n\n" not in norm and not norm.startswith("\n") and not norm.endswith("\n")):
        return pieces
    return None


# whitespace that would split a word: every character str.split() splits at, except "\n"
# (spelled out: a character class runs faster than [^\S\n]; tests/ingest/test_pagetext checks the list)
_INNER_SPACE = re.compile("[\t\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def build_page_text(raw: RawWords) -> tuple[str, Words]:
    """(page text, words): words joined by " ", lines by "\\n"; offsets index the text."""
    if not raw.texts:
        return "", Words()
    texts = raw.normalized if raw.normalized is not None else normalized_texts(raw.texts)
    if texts is None:
        return _build_slow(raw)
    counts = raw.line_counts or [len(list(g)) for _, g in groupby(raw.line_keys)]
    n = len(texts)
    line_nos = raw.line_keys if raw.line_counts else np.repeat(np.arange(len(counts)), counts)
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    ends = np.cumsum(lens + 1) - 1  # every separator (" " or "\n") is one character
    starts = ends - lens
    bounds = list(accumulate(counts))
    text = "\n".join([" ".join(texts[a:b]) for a, b in zip([0, *bounds[:-1]], bounds, strict=True)])
    return text, Words(texts, starts, ends, raw.x0, raw.y0, raw.x1, raw.y1, raw.conf, line_nos)


def _build_slow(raw: RawWords) -> tuple[str, Words]:
    """Word by word, for pages where normalising splits a word or empties one."""
    parts: list[str] = []
    words = Words()
    pos = 0
    line_no = 0
    prev_key: object = object()
    first = True
    cols = [getattr(words, n) for n in WORD_COLUMNS]
    for t, x0, y0, x1, y1, conf, key in zip(raw.texts, raw.x0, raw.y0, raw.x1, raw.y1, raw.conf, raw.line_keys, strict=True):
        if key != prev_key:
            prev_key = key
            if not first:
                line_no += 1
            first = True
        pieces = normalize_text(t).split()
        if not pieces:
            continue
        for piece in pieces:
            if first:
                if parts:
                    parts.append("\n")
                    pos += 1
                first = False
            else:
                parts.append(" ")
                pos += 1
            parts.append(piece)
            for col, v in zip(cols, (piece, pos, pos + len(piece), x0, y0, x1, y1, conf, line_no), strict=True):
                col.append(v)
            pos += len(piece)
    return "".join(parts), words
