"""Table rows in a page's text: where a line's cells begin and end.

Cells are joined by `` | `` in text layers, or set apart by tabs or wide runs of spaces; on OCR lines
two words a column-wide gap apart (wider than ``OCR_CELL_GAP`` word heights) are in different cells.
:class:`Rows` gives the cells of the line holding a position; ``VALUE_CELL`` tells a cell holding only a
value ("≥98%", "đạt") from a label cell.
"""

from __future__ import annotations

import re

from models.pages import Page, PageMethod

VALUE_CELL = re.compile(r"^[\s\d.,%≥≤<>=~+\-–x…()/]*$|^(?:đạt|không đạt|có|không|x)$", re.IGNORECASE)
CELL_BREAK = re.compile(r"[ \t]*\|[ \t]*|\t+|[ ]{4,}")
OCR_CELL_GAP = 2.0  # a gap between two words of an OCR line wider than this many word heights parts cells


class Rows:
    """Table rows of a page: lines whose cells are joined by `` | `` (text layers), tabs or wide
    runs of spaces, or (OCR) words of one line set apart by a column-wide gap."""

    def __init__(self, text: str, page: Page):
        self.text = text
        self.gaps = _ocr_gaps(page) if page.method == PageMethod.OCR and len(page.words) else []
        self._cache: dict[int, list[tuple[int, int]] | None] = {}

    def cells(self, pos: int) -> list[tuple[int, int]] | None:
        text = self.text
        lo = text.rfind("\n", 0, pos) + 1
        if lo in self._cache:
            return self._cache[lo]
        hi = text.find("\n", pos)
        hi = len(text) if hi < 0 else hi
        breaks = [(m.start(), m.end()) for m in CELL_BREAK.finditer(text, lo, hi)]
        breaks += [g for g in self.gaps if lo <= g[0] and g[1] <= hi]
        cells: list[tuple[int, int]] | None = None
        if breaks:
            cells, cur = [], lo
            for a, b in sorted(breaks):
                if a > cur:
                    cells.append((cur, a))
                cur = max(cur, b)
            if hi > cur:
                cells.append((cur, hi))
        self._cache[lo] = cells
        return cells


def _ocr_gaps(page: Page) -> list[tuple[int, int]]:
    """Text spans between consecutive words of one OCR line that stand a column apart."""
    w = page.words
    order = sorted(range(len(w)), key=w.start.__getitem__)
    gaps = []
    for i, j in zip(order, order[1:], strict=False):
        if w.line[i] != w.line[j]:
            continue
        height = max(w.y1[i] - w.y0[i], w.y1[j] - w.y0[j], 1.0)
        if w.x0[j] - w.x1[i] > OCR_CELL_GAP * height:
            gaps.append((w.end[i], w.start[j]))
    return gaps
