"""Map a character span onto the page's words: box, confidence, needs_review.

For text-layer pages (or pages without words) the confidence is 1.0.  For OCR
pages it is the minimum confidence of the words the span overlaps, and a value
is flagged for review when that minimum is below ``THRESHOLD`` or when any word
that contributed digits is below ``DIGIT_THRESHOLD`` (handwritten numbers come
out as confident-looking garbage, so digits get a stricter bar).
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
    """Words of one page sorted by start offset, for fast span lookups."""

    def __init__(self, page: Page):
        self.page = page
        self.words = sorted(page.words, key=lambda w: w.start)
        self.starts = [w.start for w in self.words]
        self.is_ocr = page.method == PageMethod.OCR

    def locate(self, start: int, end: int) -> Located:
        if not self.words:
            if self.is_ocr:
                conf = self.page.ocr_confidence if self.page.ocr_confidence is not None else NO_WORDS_OCR_CONFIDENCE
                conf = min(conf, NO_WORDS_OCR_CONFIDENCE)
                return Located(None, conf, True)
            return Located(None, 1.0, False)
        i = max(bisect_left(self.starts, start) - 1, 0)
        hit = []
        n = len(self.words)
        while i < n and self.words[i].start < end:
            w = self.words[i]
            if w.end > start:
                hit.append(w)
            i += 1
        if not hit:
            return Located(None, 1.0 if not self.is_ocr else NO_WORDS_OCR_CONFIDENCE, self.is_ocr)
        box = Box.union([w.box for w in hit])
        if not self.is_ocr:
            return Located(box, 1.0, False)
        conf = min(w.confidence for w in hit)
        digit_conf = min((w.confidence for w in hit if any(c.isdigit() for c in w.text)), default=1.0)
        review = conf < THRESHOLD or digit_conf < DIGIT_THRESHOLD
        return Located(box, round(conf, 4), review)


def locate(page: Page, start: int, end: int) -> Located:
    """One-off span lookup (build a :class:`WordIndex` when locating many spans)."""
    return WordIndex(page).locate(start, end)
