"""spaCy components wrapping the raw-text finders (optional; spaCy imported here only).

``make_nlp()`` returns a blank pipeline (``xx`` by default: fast, no pyvi; ``"vi"``
uses pyvi's word segmentation) with three components that run the regex finders on
``doc.text`` and attach the results twice: as typed objects (``doc._.references``,
``doc._.dates``, ``doc._.metrics``, offsets into ``doc.text``) and as
``doc.spans[...]`` aligned to tokens with ``Doc.char_span(..., alignment_mode="expand")``.
Tokenisers split ``1143/QĐ-UBND`` into ``1143 / QĐ - UBND`` and glue ``ngày24/4/2024``
into one token, so matching happens on raw text first and is then mapped onto tokens
(a span may therefore be wider than its match, never narrower).

Metric subjects are already snapped to underthesea word boundaries by ``find_metrics``
(:mod:`extractors.subjects`); underthesea is never used to find the values themselves.
"""

from __future__ import annotations

from models.pages import Page, PageMethod

from .dates import find_dates
from .metrics import find_metrics
from .references import find_references

_COMPONENTS = {
    "kiemchung_references": ("references", lambda p: find_references(p), lambda r: r.doc_type_code or "REF"),
    "kiemchung_dates": ("dates", lambda p: find_dates(p), lambda d: d.role.value.upper()),
    "kiemchung_metrics": ("metrics", lambda p: find_metrics(p), lambda m: "PERCENT" if m.unit == "%" else "COUNT"),
}
_registered = False


def _page(doc) -> Page:
    return Page(number=1, width=595.0, height=842.0, method=PageMethod.TEXT_LAYER, text=doc.text)


def _spans(doc, items, label_of):
    out = []
    for it in items:
        sp = doc.char_span(it.start, it.end, label=label_of(it), alignment_mode="expand")
        if sp is not None:
            out.append(sp)
    return out


def _register() -> None:
    global _registered
    if _registered:
        return
    from spacy.language import Language
    from spacy.tokens import Doc

    for name, (key, finder, label_of) in _COMPONENTS.items():
        if not Doc.has_extension(key):
            Doc.set_extension(key, default=None)

        def component(doc, key=key, finder=finder, label_of=label_of):
            items = finder(_page(doc))
            setattr(doc._, key, items)
            doc.spans[key] = _spans(doc, items, label_of)
            return doc

        Language.component(name, func=component)
    _registered = True


def make_nlp(lang: str = "xx"):
    """A blank pipeline with the three kiemchung components added."""
    import spacy

    _register()
    nlp = spacy.blank(lang)
    for name in _COMPONENTS:
        nlp.add_pipe(name)
    return nlp
