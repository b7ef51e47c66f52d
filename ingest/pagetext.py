"""Build a page's text and its ``Word`` list from lines of raw words.

Words are normalised (``normalize_text``) *before* the text is assembled, so every
``Word.start/end`` indexes ``Page.text`` exactly: words joined by one space, lines by "\\n".

This is the hot loop of text-layer ingest (hundreds of words a page, ~1000 pages a second
is the goal), so it normalises a page in one call instead of once per word, and builds
``Word``/``Box`` objects without re-validating values it produced itself
(``_word``: the fields of ``model_construct``, a fifth of its cost).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate, chain, groupby, repeat

import numpy as np

from models.pages import Word
from models.provenance import Box

from .normalize import normalize_text

RawWord = tuple[str, float, float, float, float, float]
"""(text, x0, y0, x1, y1, confidence): a box in PDF points (top-left origin), confidence in [0, 1]."""


@dataclass
class RawWords:
    """One page's words in reading order, as columns (cheap to fill from PyMuPDF or Tesseract).

    Consecutive words with equal ``line_keys`` form a line.  Boxes are in PDF points,
    top-left origin, already rounded; ``conf`` in [0, 1].
    """

    texts: list[str] = field(default_factory=list)
    x0: list[float] = field(default_factory=list)
    y0: list[float] = field(default_factory=list)
    x1: list[float] = field(default_factory=list)
    y1: list[float] = field(default_factory=list)
    conf: list[float] = field(default_factory=list)
    line_keys: list[Hashable] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def from_lines(cls, lines: Iterable[Iterable[RawWord]]) -> RawWords:
        raw = cls()
        for k, line in enumerate(lines):
            for text, x0, y0, x1, y1, conf in line:
                raw.texts.append(text)
                raw.x0.append(x0)
                raw.y0.append(y0)
                raw.x1.append(x1)
                raw.y1.append(y1)
                raw.conf.append(conf)
                raw.line_keys.append(k)
        return raw


# Every field is set, so all instances can share one fields-set: pydantic only ever adds
# field names to it (on assignment), and copies it in ``model_copy``.
_WORD_FIELDS = {"text", "start", "end", "box", "confidence", "line"}
_BOX_FIELDS = {"x0", "y0", "x1", "y1"}


def _fast_construct_ok() -> bool:
    """The unvalidated constructor is only used while the models are plain field holders."""
    for cls, names in ((Word, _WORD_FIELDS), (Box, _BOX_FIELDS)):
        if set(cls.model_fields) != names or cls.__pydantic_root_model__ or cls.__pydantic_post_init__:
            return False
        if cls.model_config.get("extra") == "allow" or cls.__private_attributes__:
            return False
    return True


_new = object.__new__
_set = object.__setattr__


def _box_fast(x0: float, y0: float, x1: float, y1: float) -> Box:
    b = _new(Box)
    _set(b, "__dict__", {"x0": x0, "y0": y0, "x1": x1, "y1": y1})
    _set(b, "__pydantic_fields_set__", _BOX_FIELDS)
    _set(b, "__pydantic_extra__", None)
    _set(b, "__pydantic_private__", None)
    return b


def _word_fast(text: str, start: int, end: int, box: Box, confidence: float, line: int) -> Word:
    w = _new(Word)
    _set(w, "__dict__", {"text": text, "start": start, "end": end, "box": box,
                         "confidence": confidence, "line": line})
    _set(w, "__pydantic_fields_set__", _WORD_FIELDS)
    _set(w, "__pydantic_extra__", None)
    _set(w, "__pydantic_private__", None)
    return w


def _box_checked(x0: float, y0: float, x1: float, y1: float) -> Box:
    return Box(x0=x0, y0=y0, x1=x1, y1=y1)


def _word_checked(text: str, start: int, end: int, box: Box, confidence: float, line: int) -> Word:
    return Word(text=text, start=start, end=end, box=box, confidence=confidence, line=line)


if _fast_construct_ok():
    _box, _word = _box_fast, _word_fast
else:  # pragma: no cover - the models grew validators or defaults we must not skip
    _box, _word = _box_checked, _word_checked


def _normalized_texts(texts: list[str]) -> list[str] | None:
    """The words normalised, one call for the page; None if a word vanishes or splits.

    The words are joined by "\n" (normalisation never crosses, creates or removes a line
    break) and normalised at once; that is only taken as the answer if it comes back as
    exactly one whitespace-free piece per word.
    """
    joined = "\n".join(texts)
    if joined.isascii():  # extractWORDS/Tesseract words hold no whitespace; ASCII needs no normalising
        norm = joined
    else:
        norm = normalize_text(joined)
    pieces = norm.split()
    if (len(pieces) == len(texts) and norm.count("\n") == len(texts) - 1
            and "\n\n" not in norm and not norm.startswith("\n") and not norm.endswith("\n")):
        return pieces
    return None


def build_page_text(raw: RawWords) -> tuple[str, list[Word]]:
    """(page text, words): words joined by " ", lines by "\\n"; offsets index the text."""
    if not raw.texts:
        return "", []
    texts = _normalized_texts(raw.texts)
    if texts is None:
        return _build_slow(raw)
    counts = [sum(1 for _ in g) for _, g in groupby(raw.line_keys)]
    line_nos = list(chain.from_iterable(repeat(i, n) for i, n in enumerate(counts)))
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends_np = np.cumsum(lens + 1) - 1  # every separator (" " or "\\n") is one character
    ends = ends_np.tolist()
    starts = (ends_np - lens).tolist()
    seps = [" "] * len(texts)
    for last in accumulate(counts):
        seps[last - 1] = "\n"
    seps[-1] = ""
    text = "".join(chain.from_iterable(zip(texts, seps)))
    box, word = _box, _word
    words = [word(t, s, e, box(a, b, c, d), cf, ln)
             for t, s, e, a, b, c, d, cf, ln in zip(texts, starts, ends, raw.x0, raw.y0, raw.x1, raw.y1,
                                                    raw.conf, line_nos)]
    return text, words


def _build_slow(raw: RawWords) -> tuple[str, list[Word]]:
    """Word by word, for pages where normalising splits a word or empties one."""
    parts: list[str] = []
    words: list[Word] = []
    pos = 0
    line_no = 0
    prev_key: object = object()
    first = True
    for t, x0, y0, x1, y1, conf, key in zip(raw.texts, raw.x0, raw.y0, raw.x1, raw.y1, raw.conf, raw.line_keys):
        if key != prev_key:
            prev_key = key
            if not first:
                line_no += 1
            first = True
        pieces = normalize_text(t).split()
        if not pieces:
            continue
        b = _box(x0, y0, x1, y1)
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
            words.append(_word(piece, pos, pos + len(piece), b, conf, line_no))
            pos += len(piece)
    return "".join(parts), words
