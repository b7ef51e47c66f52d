"""report.xlsx shaped like the appraisal table appraisers already use.

Sheet "Thẩm định": one row per sub-criterion under its field, claimed vs
supported score, verdict, findings, evidence (file + page, linked); field
totals and the overall total. Sheet "Phát hiện": one row per finding with its
proof. Sheet "Tệp minh chứng": how every file was read, failures, and digital signatures.

Every cell is written through ``cells`` (``put``/``write_row``), so text from the submission
(titles, file names, quotes, comments) is never a formula; the totals are computed values.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from models.report import Report

from ..messages import SEVERITY_VI, VERDICT_VI, file_notes
from ..signatures import describe as describe_signature
from .cells import put, write_row

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_FIELD_FILL = PatternFill("solid", fgColor="F2F2F2")
_VERDICT_FILL = {
    "SUPPORTED": PatternFill("solid", fgColor="D9EAD3"),
    "REFUTED": PatternFill("solid", fgColor="F4CCCC"),
    "NOT_ENOUGH_EVIDENCE": PatternFill("solid", fgColor="FCE5CD"),
    "MANUAL_REVIEW": PatternFill("solid", fgColor="FFF2CC"),
}


def _table(ws, header: list[str], widths: list[int], row: int) -> None:
    for i, (c, w) in enumerate(zip(write_row(ws, row, header), widths), start=1):
        c.font = Font(bold=True)
        c.fill = _HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = _BORDER
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _row(ws, row: int, values: list, fill=None, bold=False) -> None:
    for c in write_row(ws, row, values):
        c.alignment = _WRAP
        c.border = _BORDER
        if fill is not None:
            c.fill = fill
        if bold:
            c.font = Font(bold=True)


def write_xlsx(report: Report, path: Path, *, evidence_root: Path | None = None,
               decisions: dict[str, dict] | None = None) -> Path:
    """Write the workbook. ``decisions`` (code -> {score, comment, by, at}) adds the appraiser's columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thẩm định"
    ncol = 11
    title = f"KẾT QUẢ KIỂM TRA TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {report.year or ''}".strip()
    put(ws, 1, 1, title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    put(ws, 2, 1, f"Đơn vị: {report.unit or '—'}")
    put(ws, 3, 1, f"Bộ tiêu chí: {report.rubric_title} ({report.rubric_id}) — lập lúc {report.generated_at}")
    header = ["STT", "Mã tiêu chí", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Điểm theo minh chứng",
              "Kết luận", "Phát hiện", "Tài liệu kiểm chứng (tệp, trang)", "Điểm thẩm định", "Ý kiến thẩm định"]
    _table(ws, header, [6, 10, 42, 9, 10, 11, 16, 60, 36, 10, 30], 5)
    decisions = decisions or {}
    r = 6
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    by_field: dict[str, list] = {}
    for c in report.criteria:
        by_field.setdefault(c.field_code or "?", []).append(c)
    for n, ft in enumerate(report.totals.by_field):
        _row(ws, r, [roman[n] if n < len(roman) else str(n + 1), ft.code, ft.title, ft.max_score,
                     ft.claimed_score, ft.supported_score, "", "", "", None, ""], fill=_FIELD_FILL, bold=True)
        r += 1
        for i, c in enumerate(by_field.get(ft.code, []), start=1):
            findings = "\n".join(f"[{f.code.value}] {f.message}" for f in c.findings if f.severity.value != "info")
            if not findings:
                findings = "\n".join(f.message for f in c.findings[:2])
            pages = []
            for f in c.findings:
                for e in f.evidence:
                    label = f"{e.file} tr.{e.page}"
                    if label not in pages:
                        pages.append(label)
            d = decisions.get(c.code, {})
            _row(ws, r, [i, c.code, c.title, c.max_score, c.claimed_score, c.supported_score,
                         VERDICT_VI[c.verdict.value], findings, "\n".join(pages) or "\n".join(c.documents),
                         d.get("score"), d.get("comment")])
            ws.cell(row=r, column=7).fill = _VERDICT_FILL[c.verdict.value]
            if evidence_root is not None and pages:
                first = next(e for f in c.findings for e in f.evidence)
                target = (evidence_root / first.file).resolve()
                ws.cell(row=r, column=9).hyperlink = f"{target.as_uri()}#page={first.page}"
            r += 1
    others = [c for c in report.criteria if not c.field_code]
    for c in others:
        _row(ws, r, ["", c.code, c.title, c.max_score, c.claimed_score, c.supported_score,
                     VERDICT_VI[c.verdict.value], "\n".join(f.message for f in c.findings), "", None, ""])
        r += 1
    t = report.totals
    _row(ws, r, ["", "", "TỔNG ĐIỂM", t.max_score, t.claimed_score, t.supported_score,
                 ", ".join(f"{VERDICT_VI[k]}: {v}" for k, v in sorted(t.by_verdict.items())), "", "",
                 sum(d.get("score") or 0 for d in decisions.values()) if decisions else None, ""], bold=True)

    wf = wb.create_sheet("Phát hiện")
    _table(wf, ["Mã tiêu chí", "Mức độ", "Mã phát hiện", "Nội dung", "Tệp", "Trang", "Trích dẫn", "Độ tin cậy"],
           [10, 10, 22, 60, 30, 7, 60, 10], 1)
    r = 2
    for c in report.criteria:
        for f in c.findings:
            evs = f.evidence or [None]
            for e in evs:
                _row(wf, r, [c.code, SEVERITY_VI[f.severity.value], f.code.value, f.message,
                             e.file if e else "", e.page if e else None, e.text if e else "",
                             round(e.confidence, 2) if e else None])
                r += 1

    wfiles = wb.create_sheet("Tệp minh chứng")
    _table(wfiles, ["Tệp", "Trạng thái", "Số trang", "Trang OCR", "Số, ký hiệu", "Loại văn bản", "Ngày ban hành",
                    "Lỗi", "Ghi chú", "Chữ ký số"], [36, 10, 8, 14, 18, 14, 12, 50, 40, 60], 1)
    for r, fs in enumerate(report.files, start=2):
        _row(wfiles, r, [fs.name, "Đọc được" if fs.status == "ok" else "Lỗi", fs.pages,
                         ", ".join(map(str, fs.pages_ocr)), fs.number, fs.doc_type, fs.issued_on,
                         f"{fs.error.code.value}: {fs.error.message_vi or fs.error.message}" if fs.error else "",
                         "; ".join(file_notes(fs)), "\n".join(describe_signature(sig) for sig in fs.signatures)])
    if report.sheet_issues:
        wi = wb.create_sheet("Lỗi bảng tự đánh giá")
        _table(wi, ["Dòng", "Cột", "Nội dung"], [8, 22, 80], 1)
        for r, issue in enumerate(report.sheet_issues, start=2):
            _row(wi, r, [issue.row, issue.column, issue.message_vi])
    wb.save(path)
    return path
