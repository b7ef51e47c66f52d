"""The submission's evidence as the verifier sees it: ingested pages + extraction, per file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from extractors import fold, number_key
from extractors.confidence import locate
from models.extraction import Extraction, Located
from models.pages import IngestedFile, Page
from models.provenance import Box, Evidence

LOW_CONFIDENCE = 0.70
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")


@dataclass
class EvidenceFile:
    ingested: IngestedFile
    extraction: Extraction

    @property
    def name(self) -> str:
        return self.ingested.name

    @property
    def ok(self) -> bool:
        return self.ingested.status == "ok" and self.extraction.status == "ok"

    @property
    def number(self) -> str | None:
        return self.extraction.document.number

    @cached_property
    def number_key(self) -> str | None:
        return number_key(self.number) if self.number else None

    @property
    def doc_type_code(self) -> str | None:
        doc = self.extraction.document
        if doc.doc_type_code:
            return doc.doc_type_code
        if doc.number and "/" in doc.number:
            tail = doc.number.split("/", 1)[1]
            parts = [p for p in re.split(r"[/-]", tail) if p and not p.isdigit()]
            return parts[0] if parts else None
        return None

    @property
    def title(self) -> str:
        return self.extraction.document.title or ""

    @cached_property
    def issued_on(self) -> dt.date | None:
        value = self.extraction.document.issued_on
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def field_confidence(self, name: str) -> float:
        field = self.extraction.document.fields.get(name)
        if field is not None:
            return field.confidence
        return self.extraction.document.confidence.get(name, 1.0)

    def field_needs_review(self, name: str) -> bool:
        field = self.extraction.document.fields.get(name)
        return bool(field and (field.needs_review or field.confidence < LOW_CONFIDENCE))

    def page(self, number: int) -> Page | None:
        for p in self.ingested.pages:
            if p.number == number:
                return p
        return None

    def evidence(self, page: int, start: int, end: int, confidence: float = 1.0, box: Box | None = None) -> Evidence:
        p = self.page(page)
        text = p.text[start:end] if p else ""
        if box is None and p is not None:
            box = span_box(p, start, end)
        return Evidence(
            file=self.name, sha256=self.ingested.sha256, page=page, start=start, end=end,
            text=text, box=box, confidence=confidence,
        )

    def evidence_of(self, value: Located) -> Evidence:
        return self.evidence(value.page, value.start, value.end, value.confidence, value.box)

    def field_evidence(self, name: str) -> list[Evidence]:
        field = self.extraction.document.fields.get(name)
        return [self.evidence_of(field)] if field is not None else []

    def sentence_evidence(self, value: Located) -> Evidence:
        """The clause around a value (what an appraiser reads), bounded to ~240 characters."""
        p = self.page(value.page)
        if p is None:
            return self.evidence_of(value)
        text = p.text
        lo = max(0, value.start - 180)
        start = lo
        for m in _SENTENCE_END.finditer(text, lo, value.start):
            start = m.end()
        while start < value.start and text[start].isspace():
            start += 1
        stop = _SENTENCE_END.search(text, value.end, min(len(text), value.end + 60))
        end = stop.end() if stop else value.end
        return self.evidence(value.page, start, end, value.confidence)

    @cached_property
    def folded_name(self) -> str:
        return fold(self.name.rsplit("/", 1)[-1])


def span_box(page: Page, start: int, end: int) -> Box | None:
    return locate(page, start, end).box
