"""What a file's digital signatures (``Extraction.signatures``) mean for the appraisal.

- A file changed after signing, or whose signed bytes no longer match the signature, is a
  ``SIGNATURE_MODIFIED`` warning on every criterion that uses it.
- A signing time bounds the issue date from above (a document signed on 20/01 was issued by
  20/01): the timeliness rules use it when the issue date was not read, or read with low
  confidence and later than the signature. The time is shown in Vietnam's time zone (UTC+7), the
  zone the date on the document is written in.

Certificate trust is never verified (no trust list offline): every message says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.extraction import Signature
from models.report import Finding, FindingCode, Severity

from .evidence import EvidenceFile
from .messages import VN_TZ

TRUST_VI = "chưa kiểm tra với danh sách tin cậy"
_SOURCE_VI = {
    "timestamp_token": "theo dấu thời gian",
    "signed_attribute": "theo thời điểm ký do phần mềm ký ghi",
    "signature_dictionary": "theo thời điểm ký ghi trong tệp",
}


def local_time(sig: Signature) -> dt.datetime | None:
    """The signing time in Vietnam (a time without a zone is taken as Vietnam's)."""
    if not sig.signing_time:
        return None
    try:
        t = dt.datetime.fromisoformat(sig.signing_time)
    except ValueError:
        return None
    return t.replace(tzinfo=VN_TZ) if t.tzinfo is None else t.astimezone(VN_TZ)


def signer_label(sig: Signature) -> str:
    """“Nguyễn Văn A (UBND TỈNH ĐỒNG NAI)”, or whatever of the subject there is."""
    name, org = sig.signer_name, sig.signer_organization
    if name and org and name != org:
        return f"{name} ({org})"
    return name or org or sig.signer_subject or "người ký không rõ"


def time_label(sig: Signature) -> str:
    """“20/01/2024 10:15 (giờ Việt Nam, theo dấu thời gian)”, or “không rõ thời gian ký”."""
    t = local_time(sig)
    if t is None:
        return "không rõ thời gian ký"
    source = _SOURCE_VI.get(sig.signing_time_source or "", "")
    return f"{t:%d/%m/%Y %H:%M} (giờ Việt Nam{', ' + source if source else ''})"


def describe(sig: Signature) -> str:
    """One line for the report's file table."""
    what = "Dấu thời gian" if sig.kind == "document_timestamp" else "Chữ ký số"
    if sig.intact is None:
        return f"{what} “{sig.field_name}”: không kiểm tra được ({sig.error or 'lỗi không rõ'})"
    if not sig.intact:
        state = "KHÔNG nguyên vẹn (nội dung đã ký bị thay đổi)"
    elif sig.modified_after_signing:
        state = "nguyên vẹn, nhưng tệp bị sửa đổi sau khi ký"
    elif sig.coverage == "entire_file":
        state = "nguyên vẹn, tệp không thay đổi sau khi ký"
    else:
        state = "nguyên vẹn; sau khi ký tệp chỉ được thêm chữ ký khác"
    return f"{what} của {signer_label(sig)}, ký lúc {time_label(sig)}: {state}; {TRUST_VI}"


def signature_findings(f: EvidenceFile) -> list[Finding]:
    """``SIGNATURE_MODIFIED`` for each signature of ``f`` whose file no longer is what was signed."""
    out = []
    for sig in f.extraction.signatures:
        if sig.intact is False:
            msg = (f"Chữ ký số của {signer_label(sig)} (ký lúc {time_label(sig)}) trên tệp {f.name} không còn "
                   f"nguyên vẹn: nội dung đã ký bị thay đổi, tệp không còn là bản đã ký")
        elif sig.modified_after_signing:
            msg = (f"Tệp {f.name} có chữ ký số của {signer_label(sig)}, ký lúc {time_label(sig)}, nhưng tệp đã "
                   f"bị sửa đổi sau khi ký: nội dung hiện tại có thể khác bản đã ký")
        else:
            continue
        out.append(Finding(code=FindingCode.SIGNATURE_MODIFIED, severity=Severity.WARNING,
                           message=f"{msg} (chữ ký {TRUST_VI})."))
    return out


@dataclass(frozen=True)
class SignedBound:
    """The latest day the document can have been issued on, from its earliest intact signature."""

    day: dt.date
    signature: Signature

    def explain(self) -> str:
        return (f"chữ ký số của {signer_label(self.signature)} ký lúc {time_label(self.signature)} cho thấy "
                f"văn bản được ban hành chậm nhất ngày {self.day:%d/%m/%Y} (chữ ký {TRUST_VI})")


def issue_bound(f: EvidenceFile) -> SignedBound | None:
    """The signing bound, when the timeliness rules need it: the issue date was not read, or was read
    with low confidence and falls after the signature (so it cannot be right). None otherwise."""
    if f.issued_on is not None and not f.field_needs_review("issued_on"):
        return None
    best: SignedBound | None = None
    for sig in f.extraction.signatures:
        t = local_time(sig) if sig.intact else None
        if t is not None and (best is None or t.date() < best.day):
            best = SignedBound(t.date(), sig)
    if best is None or (f.issued_on is not None and f.issued_on <= best.day):
        return None  # no usable signature, or the uncertain date agrees with it
    return best
