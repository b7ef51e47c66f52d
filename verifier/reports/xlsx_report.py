"""report.xlsx shaped like the appraisal table appraisers already use, ready to print.

Sheet "Thẩm định": the criteria set's three levels as appraisers name them (lĩnh vực → tiêu chí →
tiêu chí thành phần, ``Report.tree``): a row per field and per criterion with its maximum and
subtotals (claimed, supported by the evidence, appraised), a row per sub-criterion with claimed vs
supported score, verdict, findings (a document set's per-period checklist on their first line), evidence
(file + page, linked); the unit's own STT ("I", "1", "a") in the first column beside the rubric's code, never renumbered; the overall total. Sheet "Phát hiện": one row per finding with its
proof. Sheet "Tệp minh chứng": how every file was read, failures, and digital signatures.

Every cell is written through ``cells`` (``put``/``write_row``), so text from the submission
(titles, file names, quotes, comments) is never a formula; the totals are computed values.
Codes never show: verdicts, findings, file states and errors read as their Vietnamese labels
(``messages.label``), the code kept in the cell's comment. Scores are numbers with a Vietnamese
number format (decimal comma), dates real dates shown dd/mm/yyyy; every sheet prints on A4
landscape, fitted to the page width, its header row repeated on each page and frozen on screen.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.provenance import Evidence
from models.report import CriterionResult, CriterionTotal, FieldTotal, Report

from ..messages import file_notes, iso_date, label, level_title, local_time, score
from ..signatures import describe as describe_signature
from .cells import put, write_row
from .present import Appraised, appraised_subtotals, appraised_total, has_bonus_or_penalty, period_line, running_version

FONT = "Times New Roman"  # the administrative documents' font (ND 30/2020); LibreOffice maps it to Liberation Serif
SCORE_FORMAT = "[$-42A]General"  # vi-VN: 0,5 · 2 · 97,35 (decimal comma where the reader's locale would not give one)
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0%"
_CHARS_PER_WIDTH = 1.35  # Vietnamese text in 10 pt Times per unit of column width (the width of a "0"), rounded down
_LINE_HEIGHT = 13  # points per wrapped line at 10 pt, room for the stacked diacritics (ấ, ổ, ữ)

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_FIELD_FILL = PatternFill("solid", fgColor="E6E6E6")
_CRITERION_FILL = PatternFill("solid", fgColor="F5F5F5")
_ITEM_WRAP = Alignment(wrap_text=True, vertical="top", indent=1)  # a sub-criterion's title, under its criterion
_VERDICT_FILL = {
    "SUPPORTED": PatternFill("solid", fgColor="D9EAD3"),
    "REFUTED": PatternFill("solid", fgColor="F4CCCC"),
    "NOT_ENOUGH_EVIDENCE": PatternFill("solid", fgColor="FCE5CD"),
    "MANUAL_REVIEW": PatternFill("solid", fgColor="FFF2CC"),
}


def _font(bold: bool = False, size: float = 10) -> Font:
    return Font(name=FONT, size=size, bold=bold)


def _code_note(cell, codes: list[str]) -> None:
    """Keep the codes behind a label as the cell's comment (a tooltip; not printed)."""
    codes = list(dict.fromkeys(c for c in codes if c))
    if codes:
        cell.comment = Comment("Mã: " + ", ".join(codes), "kiemchung", width=220, height=40)


def print_setup(ws: Worksheet, header_row: int, ncol: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every page and frozen below it."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(ncol)}{max(ws.max_row, header_row)}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.right.text = "&A"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _fit_height(ws, row: int, cells: list) -> None:
    """Set the row's height to hold its wrapped text. Neither Excel nor LibreOffice grows a row for
    wrapped text when opening a file, so without it the lines of a long finding overlap the next row."""
    lines = 1
    for c in cells:
        if isinstance(c.value, str) and c.value:
            per_line = max(1, int((ws.column_dimensions[c.column_letter].width or 8) * _CHARS_PER_WIDTH))
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in c.value.split("\n")))
    ws.row_dimensions[row].height = lines * _LINE_HEIGHT + 3


def _table(ws, header: list[str], widths: list[int], row: int) -> None:
    cells = write_row(ws, row, header)
    for i, (c, w) in enumerate(zip(cells, widths, strict=True), start=1):
        c.font = _font(bold=True)
        c.fill = _HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = _BORDER
        ws.column_dimensions[get_column_letter(i)].width = w
    _fit_height(ws, row, cells)


def _row(ws, row: int, values: list, fill=None, bold=False, formats: dict[int, str] | None = None) -> list:
    """One table row; ``formats`` maps a 1-based column to the number format of its number or date."""
    cells = write_row(ws, row, values)
    for col, c in enumerate(cells, start=1):
        c.alignment = _WRAP
        c.border = _BORDER
        c.font = _font(bold=bold)
        if fill is not None:
            c.fill = fill
        if formats and col in formats and c.value is not None and not isinstance(c.value, str):
            c.number_format = formats[col]
    _fit_height(ws, row, cells)
    return cells


_SCORES = {4: SCORE_FORMAT, 5: SCORE_FORMAT, 6: SCORE_FORMAT, 10: SCORE_FORMAT}  # Thẩm định: D E F J


def _group_row(ws, r: int, stt: str, code: str, title: str, node: FieldTotal | CriterionTotal,
               appraised: Appraised | None, fill) -> None:
    """A field's or a criterion's row: the unit's STT, the rubric code, the level and title, the maximum and
    the subtotals; the appraised subtotal once a sub-criterion under it is decided."""
    done = appraised is not None and appraised.done > 0
    _row(ws, r, [stt, code, title, node.max_score, node.claimed_score, node.supported_score, "", "", "",
                 appraised.total if done and appraised else None, ""], fill=fill, bold=True, formats=_SCORES)


def _item_row(ws, r: int, c: CriterionResult, d: dict, evidence_root: Path | None) -> None:
    """A sub-criterion's row: scores, verdict, findings, evidence (file, page; linked), the appraiser's columns."""
    problems = [f for f in c.findings if f.severity.value != "info"]
    shown = problems or c.findings[:2]  # nothing wrong: what was found, in its own words
    findings = "\n".join(f"{label('findings', f.code)}: {f.message}" if problems else f.message for f in shown)
    if c.periods:  # a document set: its checklist first ("Đúng hạn 3/4: Quý I ✓ · … · Quý III ✗ không có · Năm ✓")
        findings = period_line(c.periods) + "\n" + findings
    pages = []
    for f in c.findings:
        for e in f.evidence:
            where = f"{e.file} tr.{e.page}"
            if where not in pages:
                pages.append(where)
    cells = _row(ws, r, [c.stt, c.code, c.title, c.max_score, c.claimed_score, c.supported_score,
                         label("verdicts", c.verdict), findings, "\n".join(pages) or "\n".join(c.documents),
                         d.get("score"), d.get("comment")], formats=_SCORES)
    cells[2].alignment = _ITEM_WRAP
    cells[6].fill = _VERDICT_FILL[c.verdict.value]
    _code_note(cells[6], [c.verdict.value])
    _code_note(cells[7], [f.code.value for f in shown])
    if evidence_root is not None and pages:
        first = next(e for f in c.findings for e in f.evidence)
        target = (evidence_root / first.file).resolve()
        cells[8].hyperlink = f"{target.as_uri()}#page={first.page}"


def write_xlsx(report: Report, path: Path, *, evidence_root: Path | None = None,
               decisions: dict[str, dict] | None = None) -> Path:
    """Write the workbook. ``decisions`` (code -> {score, comment, by, at}) adds the appraiser's columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thẩm định"
    ncol = 11
    title = f"KẾT QUẢ KIỂM TRA TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {report.year or ''}".strip()
    head = put(ws, 1, 1, title)
    head.font = _font(bold=True, size=13)
    head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.row_dimensions[1].height = 22
    put(ws, 2, 1, f"Đơn vị: {report.unit or '—'}").font = _font(bold=True)
    meta = put(ws, 3, 1, f"Bộ tiêu chí: {report.rubric_title or report.rubric_id} — lập lúc "
                         f"{local_time(report.generated_at)} — kiemchung {running_version()}")
    meta.font = _font()
    _code_note(meta, [report.rubric_id])
    header = ["STT (đơn vị)", "Mã tiêu chí", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần", "Điểm tối đa",
              "Điểm tự đánh giá", "Điểm theo minh chứng", "Kết luận", "Phát hiện", "Tài liệu kiểm chứng (tệp, trang)", "Điểm thẩm định", "Ý kiến thẩm định"]
    _table(ws, header, [6, 8, 34, 7, 8, 9, 13, 48, 24, 8, 26], 5)
    decisions = decisions or {}
    subtotals = appraised_subtotals(report, decisions)
    by_code = {c.code: c for c in report.criteria}
    r = 6
    for ft in report.tree():
        _group_row(ws, r, ft.stt, ft.code, level_title("field", ft.title), ft, subtotals.get(ft.code), _FIELD_FILL)
        r += 1
        for cr in ft.criteria:
            if cr.code:  # sub-criteria stored without their criterion (older reports) sit right under the field
                _group_row(ws, r, cr.stt, cr.code, level_title("criterion", cr.title), cr, subtotals.get(cr.code),
                           _CRITERION_FILL)
                r += 1
            for c in (by_code[code] for code in cr.items if code in by_code):
                _item_row(ws, r, c, decisions.get(c.code, {}), evidence_root)
                r += 1
    others = [c for c in report.criteria if not c.field_code]
    for c in others:
        cells = _row(ws, r, [c.stt, c.code, c.title, c.max_score, c.claimed_score, c.supported_score,
                             label("verdicts", c.verdict),
                             "\n".join(f"{label('findings', f.code)}: {f.message}" for f in c.findings), "", None, ""],
                     formats=_SCORES)
        cells[6].fill = _VERDICT_FILL[c.verdict.value]
        _code_note(cells[6], [c.verdict.value])
        _code_note(cells[7], [f.code.value for f in c.findings])
        r += 1
    t = report.totals
    # the count per conclusion on one or two lines of the wide findings column, so the table keeps its pages
    _row(ws, r, ["", "", "TỔNG ĐIỂM", t.max_score, t.claimed_score, t.supported_score, "",
                 " · ".join(f"{label('verdicts', k)}: {v}" for k, v in sorted(t.by_verdict.items())), "",
                 appraised_total(report, decisions).total if decisions else None, ""], bold=True,
         formats=_SCORES)
    if has_bonus_or_penalty(report):  # the net total's parts, penalty points as negative numbers
        for title, top, cap, claimed, supported in (
                ("trong đó: điểm các tiêu chí", t.max_score, None, t.score_claimed, t.score_supported),
                ("điểm thưởng (cộng)", None, t.bonus_cap, t.bonus_claimed, t.bonus_supported),
                ("điểm trừ", None, t.penalty_cap, -t.penalty_claimed, -t.penalty_supported)):
            r += 1
            note = f" — tối đa {score(cap)}" if cap is not None else ""
            _row(ws, r, ["", "", title + note, top, claimed, supported, "", "", "", None, ""], formats=_SCORES)
    print_setup(ws, 5, ncol)

    wf = wb.create_sheet("Phát hiện")
    _table(wf, ["Mã tiêu chí", "Mức độ", "Loại phát hiện", "Nội dung", "Tệp", "Trang", "Trích dẫn", "Độ tin cậy"],
           [9, 10, 16, 50, 24, 6, 44, 8], 1)
    r = 2
    for c in report.criteria:
        for f in c.findings:
            cited: list[Evidence | None] = [*f.evidence] or [None]  # a finding without evidence: one row
            for e in cited:
                cells = _row(wf, r, [c.code, label("severities", f.severity), label("findings", f.code), f.message,
                                     e.file if e else "", e.page if e else None, e.text if e else "",
                                     round(e.confidence, 2) if e else None], formats={8: PERCENT_FORMAT})
                _code_note(cells[2], [f.code.value])
                r += 1
    print_setup(wf, 1, 8)

    wfiles = wb.create_sheet("Tệp minh chứng")
    _table(wfiles, ["Tệp", "Trạng thái", "Số trang", "Trang OCR", "Số, ký hiệu", "Loại văn bản", "Ngày ban hành",
                    "Lý do không đọc được", "Ghi chú", "Chữ ký số"], [28, 11, 7, 10, 15, 12, 11, 34, 34, 40], 1)
    for r, fs in enumerate(report.files, start=2):
        issued = iso_date(fs.issued_on)
        cells = _row(wfiles, r, [fs.name, label("file_status", fs.status), fs.pages,
                                 ", ".join(map(str, fs.pages_ocr)), fs.number, fs.doc_type,
                                 issued if issued else fs.issued_on,
                                 (fs.error.message_vi or label("errors", fs.error.code)) if fs.error else "",
                                 "\n".join(file_notes(fs)),
                                 "\n".join(describe_signature(sig) for sig in fs.signatures)],
                     formats={7: DATE_FORMAT})
        _code_note(cells[1], [fs.status])
        if fs.error:
            _code_note(cells[7], [fs.error.code.value])
    print_setup(wfiles, 1, 10)
    if report.sheet_issues:
        wi = wb.create_sheet("Lỗi bảng tự đánh giá")
        _table(wi, ["Dòng", "Cột", "Nội dung"], [8, 22, 80], 1)
        for r, issue in enumerate(report.sheet_issues, start=2):
            _row(wi, r, [issue.row, issue.column, issue.message_vi])
        print_setup(wi, 1, 3)
    wb.save(path)
    return path
