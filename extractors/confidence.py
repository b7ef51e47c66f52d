"""Map a character span onto the page's words: box, confidence, needs_review.

For text-layer pages (or pages without words) the confidence is 1.0.  For OCR
pages it is the minimum confidence of the words the span overlaps, and a value
is flagged for review when that minimum is below ``THRESHOLD`` or when any word
that contributed digits is below ``DIGIT_THRESHOLD`` (handwritten numbers come
out as confident-looking garbage, so digits get a stricter bar).

Every word with digits has already been checked by ingest (``ingest.ocr.confirm_numbers``: a
second OCR engine reads its crop, ``ingest/data/digits.yaml`` says when the readings confirm it):
a word whose digits are not confirmed comes with a confidence below ``THRESHOLD``.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from models.pages import Page, PageMethod
from models.provenance import Box

THRESHOLD = 0.70
DIGIT_THRESHOLD = 0.80
NO_WORDS_OCR_CONFIDENCE = 0.5  # an OCR page whose words we cannot see is not trusted


@dataclass(frozen=True)
class Located:
    box: Box | None
    confidence: float
    needs_review: bool


class WordIndex:
    """Words of one page in start-offset order, for fast span lookups (reads the word columns)."""

    def __init__(self, page: Page):
        self.page = page
        w = page.words
        self.order = sorted(range(len(w)), key=w.start.__getitem__)
        self.starts = [w.start[i] for i in self.order]
        self.is_ocr = page.method == PageMethod.OCR

    def words_in(self, start: int, end: int) -> list[int]:
        """Indices (into ``page.words``) of the words overlapping ``[start, end)``, in text order."""
        w = self.page.words
        k = max(bisect_left(self.starts, start) - 1, 0)
        hit = []
        n = len(self.order)
        while k < n and self.starts[k] < end:
            i = self.order[k]
            if w.end[i] > start:
                hit.append(i)
            k += 1
        return hit

    def locate(self, start: int, end: int) -> Located:
        w = self.page.words
        if not self.order:
            if self.is_ocr:
                conf = self.page.ocr_confidence if self.page.ocr_confidence is not None else NO_WORDS_OCR_CONFIDENCE
                conf = min(conf, NO_WORDS_OCR_CONFIDENCE)
                return Located(None, conf, True)
            return Located(None, 1.0, False)
        hit = self.words_in(start, end)
        if not hit:
            return Located(None, 1.0 if not self.is_ocr else NO_WORDS_OCR_CONFIDENCE, self.is_ocr)
        box = Box(x0=min(w.x0[i] for i in hit), y0=min(w.y0[i] for i in hit),
                  x1=max(w.x1[i] for i in hit), y1=max(w.y1[i] for i in hit))
        if not self.is_ocr:
            return Located(box, 1.0, False)
        conf = min(w.confidence[i] for i in hit)
        digit_conf = min((w.confidence[i] for i in hit if any(c.isdigit() for c in w.text[i])), default=1.0)
        review = conf < THRESHOLD or digit_conf < DIGIT_THRESHOLD
        return Located(box, round(conf, 4), review)


def locate(page: Page, start: int, end: int) -> Located:
    """One-off span lookup (build a :class:`WordIndex` when locating many spans)."""
    return WordIndex(page).locate(start, end)
