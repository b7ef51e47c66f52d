"""Build a page's text and its ``Word`` list from lines of (text, box, confidence).

Words are normalised (``normalize_text``) *before* the text is assembled, so every
``Word.start/end`` indexes ``Page.text`` exactly: words joined by one space, lines by "\\n".
"""

from __future__ import annotations

from collections.abc import Iterable

from models.pages import Word
from models.provenance import Box

from .normalize import normalize_text

RawWord = tuple[str, Box, float]


def build_page_text(lines: Iterable[Iterable[RawWord]]) -> tuple[str, list[Word]]:
    parts: list[str] = []
    words: list[Word] = []
    pos = 0
    line_no = 0
    for line in lines:
        line_words: list[tuple[str, Box, float]] = []
        for text, box, conf in line:
            for piece in normalize_text(text).split():
                line_words.append((piece, box, conf))
        if not line_words:
            continue
        if parts:
            parts.append("\n")
            pos += 1
        for i, (text, box, conf) in enumerate(line_words):
            if i:
                parts.append(" ")
                pos += 1
            parts.append(text)
            words.append(
                Word(text=text, start=pos, end=pos + len(text), box=box, confidence=round(conf, 4), line=line_no)
            )
            pos += len(text)
        line_no += 1
    return "".join(parts), words
