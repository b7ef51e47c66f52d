"""Vietnamese texts shown to appraisers. Code, logs and docs stay in English."""

from __future__ import annotations

VERDICT_VI = {
    "SUPPORTED": "Khớp minh chứng",
    "REFUTED": "Không khớp",
    "NOT_ENOUGH_EVIDENCE": "Thiếu minh chứng",
    "MANUAL_REVIEW": "Cần thẩm định thủ công",
}

SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}

CHECK_VI = {
    "type": "loại văn bản",
    "issuer": "cơ quan ban hành",
    "title": "trích yếu",
    "period": "năm/kỳ đánh giá",
}


def score(v: float | None) -> str:
    """0.5 -> '0,5'; 2.0 -> '2' (decimal comma, as in the sheets)."""
    if v is None:
        return "—"
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent(v: float) -> str:
    return score(v) + "%"


def doc_label(f) -> str:
    number = f.number or "không rõ số"
    return f"{number} ({f.name})"


def issuer_label(f) -> str:
    """The issuer as printed in the header: 'ỦY BAN NHÂN DÂN TỈNH / ĐỒNG NAI' when it spans two lines."""
    from .matching import expand_abbreviations, issuing_body

    doc = f.extraction.document
    body = issuing_body(doc.issuer, doc.parent_issuer)
    if doc.parent_issuer and doc.issuer and body and body != expand_abbreviations(doc.issuer):
        return f"{doc.parent_issuer} {doc.issuer}"
    return doc.issuer or "không rõ"
