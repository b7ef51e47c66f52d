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


KIND_VI = {  # models.extraction.DocumentKind, as an appraiser reads it
    "nd30": "Văn bản hành chính (có phần đầu theo Nghị định 30/2020/NĐ-CP)",
    "no_header": "Không có phần đầu văn bản (bài báo, bản in trang web, phụ lục, trang sau): không xác định số, ngày",
    "not_a_document": "Không phải văn bản (không có chữ đọc được)",
    "unknown": "Chưa đọc được tệp",
}
FIELD_VI = {"number": "số hiệu", "doc_type": "loại văn bản", "issued_on": "ngày ban hành", "issuer": "cơ quan ban hành",
            "parent_issuer": "cơ quan chủ quản", "place": "địa danh", "title": "trích yếu", "signer": "người ký",
            "signing_mode": "hình thức ký"}


def file_notes(fs) -> list[str]:
    """What an appraiser should know of how a file was read (a ``FileSummary``): its kind when it is not an
    administrative document, the identity fields to check by eye, the ingest notes."""
    out = []
    if fs.status == "ok" and fs.kind in ("no_header", "not_a_document"):  # "unknown": a report from before kinds
        out.append(KIND_VI.get(fs.kind, fs.kind))
    if fs.needs_review:
        out.append("Cần kiểm tra lại: " + ", ".join(FIELD_VI.get(k, k) for k in fs.needs_review))
    return out + list(fs.notes)


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
