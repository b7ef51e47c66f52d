"""The report shows the criteria set's tree as the unit's sheet has it (issue #15, item 2).

Lĩnh vực → tiêu chí → tiêu chí thành phần, each level with its title, maximum and subtotals
(claimed, supported by the evidence, appraised), labelled with the names appraisers use, and the
unit's own numbering (its STT column: "I" / "1" / "a") beside the rubric's code, never renumbered.
The sheet is a real XLSX read by ``read_sheet``; the reports are read back (openpyxl, parsed HTML);
the subtotals are checked on a real verification with evidence (``report_example``).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from models.report import Report
from verifier import load_rubric, read_sheet, verify
from verifier.messages import label
from verifier.reports import render_html, write_xlsx

from .report_example import example_report

# The unit's sheet: its STT column numbers fields I, II …, criteria 1, 2 … within a field, sub-criteria
# a, b … within a criterion (as provincial templates do); the rubric's codes are 1 / 1.1 / 1.1.1.
SHEET_ROWS = [
    ("I", "1", "Công tác chỉ đạo, điều hành cải cách hành chính", 6, None),
    ("1", "1.1", "Kế hoạch cải cách hành chính năm", 3, None),
    ("a", "1.1.1", "Ban hành kế hoạch CCHC năm", 1, 1),
    ("b", "1.1.2", "Mức độ thực hiện kế hoạch CCHC", 2, 1.5),
    ("2", "1.2", "Báo cáo cải cách hành chính", 1, None),
    ("a", "1.2.1", "Báo cáo CCHC định kỳ đúng hạn", 1, 0),
    ("3", "1.3", "Kiểm tra cải cách hành chính", 2, None),
    ("a", "1.3.1", "Ban hành kế hoạch kiểm tra CCHC", 1, 0.5),
    ("b", "1.3.2", "Tỷ lệ đơn vị trực thuộc được kiểm tra", 1, 1),
    ("II", "3", "Cải cách thủ tục hành chính", 4, None),
    ("1", "3.1", "Công bố, công khai thủ tục hành chính", 1, None),
    ("a", "3.1.1", "Công bố, công khai TTHC", 1, 1),
    ("2", "3.2", "Kết quả giải quyết thủ tục hành chính", 3, None),
    ("a", "3.2.1", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 2, 2),
    ("b", "3.2.2", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC", 1, 0.5),
    ("III", "5", "Cải cách chế độ công vụ", 1, None),
    ("1", "5.1", "Vị trí việc làm", 1, None),
    ("a", "5.1.1", "Tuyển dụng, sử dụng công chức đúng vị trí việc làm", 1, 1),
    ("IV", "7", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", 2, None),
    ("1", "7.1", "Cung cấp dịch vụ công trực tuyến và văn bản điện tử", 2, None),
    ("a", "7.1.1", "Tỷ lệ hồ sơ TTHC trực tuyến toàn trình", 1, 1),
    ("b", "7.1.2", "Tỷ lệ văn bản điện tử gửi, nhận", 1, 1),
]
STT = {code: stt for stt, code, *_ in SHEET_ROWS}
CLAIMED = {code: claimed for _stt, code, _t, _m, claimed in SHEET_ROWS if claimed is not None}
DECISIONS = {"1.1.1": {"score": 1, "comment": ""}, "1.1.2": {"score": 1.5, "comment": ""},
             "1.3.1": {"score": 0.5, "comment": ""}}


def write_sheet(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024"])
    ws.append(["Đơn vị: Sở Tư pháp tỉnh Đồng Nai"])
    ws.append([])
    ws.append(["STT", "Mã tiêu chí", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
               "Tài liệu kiểm chứng"])
    for stt, code, title, mx, claimed in SHEET_ROWS:
        ws.append([stt, code, title, mx, claimed, ""])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def tree_report(tmp_path_factory) -> Report:
    sheet = read_sheet(write_sheet(tmp_path_factory.mktemp("sheet") / "tu-danh-gia.xlsx"))
    return verify(sheet, load_rubric("par-reference"), [], tool_version="test")


@pytest.fixture(scope="module")
def evidence_report(tmp_path_factory) -> Report:
    return example_report(tmp_path_factory.mktemp("example"))


def test_each_sub_criterion_carries_its_criterion_and_the_units_stt(tree_report):
    by_code = {c.code: c for c in tree_report.criteria}
    c = by_code["1.1.2"]
    assert (c.criterion_code, c.criterion_title, c.criterion_max_score) == ("1.1", "Kế hoạch cải cách hành chính năm", 3)
    assert (c.field_stt, c.criterion_stt, c.stt) == ("I", "1", "b")
    assert (by_code["7.1.2"].field_stt, by_code["7.1.2"].criterion_stt, by_code["7.1.2"].stt) == ("IV", "1", "b")
    assert {c.code: c.stt for c in tree_report.criteria} == {k: v for k, v in STT.items() if k in by_code}


def test_the_tree_has_three_levels_with_maxima_and_subtotals_in_report_json(tree_report):
    data = json.loads(tree_report.model_dump_json())
    fields = data["totals"]["by_field"]
    assert [(f["stt"], f["code"], f["max_score"], f["claimed_score"]) for f in fields] == [
        ("I", "1", 6, 4), ("II", "3", 4, 3.5), ("III", "5", 1, 1), ("IV", "7", 2, 2)]
    first = fields[0]["criteria"]
    assert [(c["stt"], c["code"], c["title"], c["max_score"], c["claimed_score"], c["items"]) for c in first] == [
        ("1", "1.1", "Kế hoạch cải cách hành chính năm", 3, 2.5, ["1.1.1", "1.1.2"]),
        ("2", "1.2", "Báo cáo cải cách hành chính", 1, 0, ["1.2.1"]),
        ("3", "1.3", "Kiểm tra cải cách hành chính", 2, 1.5, ["1.3.1", "1.3.2"])]
    assert Report.model_validate(data).tree() == tree_report.tree()


def test_subtotals_add_up_at_every_level(evidence_report):
    report = evidence_report
    by_code = {c.code: c for c in report.criteria}
    tree = report.tree()
    assert any(cr.supported_score for ft in tree for cr in ft.criteria)  # real support, not only zeros
    for ft in tree:
        for key in ("max_score", "claimed_score", "supported_score"):
            assert getattr(ft, key) == pytest.approx(sum(getattr(cr, key) for cr in ft.criteria)), (ft.code, key)
            for cr in ft.criteria:
                items = [by_code[code] for code in cr.items]
                assert getattr(cr, key) == pytest.approx(sum(getattr(i, key) or 0 for i in items)), (cr.code, key)
                assert all(i.criterion_code == cr.code and i.field_code == ft.code for i in items)
    for key in ("max_score", "claimed_score", "supported_score"):
        assert getattr(report.totals, key) == pytest.approx(sum(getattr(ft, key) for ft in tree))


def test_a_report_stored_before_the_tree_still_shows_it(evidence_report):
    data = json.loads(evidence_report.model_dump_json())
    for ft in data["totals"]["by_field"]:
        del ft["criteria"], ft["stt"]
    for c in data["criteria"]:
        for key in ("criterion_title", "criterion_max_score", "stt", "field_stt", "criterion_stt"):
            del c[key]
    old = Report.model_validate(data)
    assert [[(cr.code, cr.max_score, cr.claimed_score, cr.supported_score, cr.items) for cr in ft.criteria]
            for ft in old.tree()] == \
        [[(cr.code, cr.max_score, cr.claimed_score, cr.supported_score, cr.items) for cr in ft.criteria]
         for ft in evidence_report.tree()]


def sheet_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["Thẩm định"]
    assert [c.value for c in ws[5]][:4] == ["STT (đơn vị)", "Mã tiêu chí", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần",
                                            "Điểm tối đa"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=6) if row[1].value]


def test_the_xlsx_shows_the_three_levels_with_the_units_stt(tree_report, tmp_path):
    rows = sheet_rows(write_xlsx(tree_report, tmp_path / "tree.xlsx", decisions=DECISIONS))
    in_order = [(stt, code) for stt, code, *_ in rows if code != ""]
    assert in_order[:len(SHEET_ROWS)] == [(stt, code) for stt, code, *_ in SHEET_ROWS]  # the sheet's order and STT
    by_code = {r[1]: r for r in rows}
    field, criterion, item = by_code["1"], by_code["1.1"], by_code["1.1.2"]
    assert field[2] == f"{label('levels', 'field')}: Công tác chỉ đạo, điều hành cải cách hành chính"
    assert criterion[2] == f"{label('levels', 'criterion')}: Kế hoạch cải cách hành chính năm"
    assert (label("levels", "field"), label("levels", "criterion")) == ("Lĩnh vực", "Tiêu chí")
    assert item[2] == "Mức độ thực hiện kế hoạch CCHC"
    assert field[3:5] == (6, 4) and criterion[3:5] == (3, 2.5) and item[3:5] == (2, 1.5)  # maximum, claimed
    assert criterion[9] == 2.5 and field[9] == 3 and by_code["1.2"][9] is None  # appraised subtotals so far
    assert by_code["3"][:2] == ("II", "3") and by_code["3.2.2"][:2] == ("b", "3.2.2")  # not renumbered


def test_the_xlsx_subtotals_add_up(evidence_report, tmp_path):
    rows = sheet_rows(write_xlsx(evidence_report, tmp_path / "example.xlsx"))
    by_code = {r[1]: r for r in rows}
    for ft in evidence_report.tree():
        assert by_code[ft.code][3:6] == pytest.approx((ft.max_score, ft.claimed_score, ft.supported_score))
        for cr in ft.criteria:
            assert by_code[cr.code][3:6] == pytest.approx(
                tuple(sum(by_code[i][k] or 0 for i in cr.items) for k in (3, 4, 5)))


class _Rows(HTMLParser):
    """The rows of the HTML report's main table: each ``<tr>``'s attributes and its cells' text."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[dict, list[str]]] = []
        self._cell: list[str] | None = None
        self._tables = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._tables += 1
        elif tag == "tr" and self._tables == 2:
            self.rows.append((dict(attrs), []))
        elif tag in ("td", "th") and self._tables == 2 and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_rows(html: str) -> list[tuple[dict, list[str]]]:
    p = _Rows()
    p.feed(html)
    return p.rows


def test_the_html_shows_the_three_levels_with_the_units_stt(tree_report):
    rows = html_rows(render_html(tree_report, DECISIONS))
    head = rows[0][1]
    assert head[:3] == ["STT (đơn vị)", "Mã", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần"]
    body = rows[1:]
    assert [(cells[0], cells[1]) for _a, cells in body][:len(SHEET_ROWS)] == [(s, c) for s, c, *_ in SHEET_ROWS]
    levels = [a.get("class") or ("item" if a.get("id", "").startswith("tc-") else "") for a, _ in body]
    assert levels[:4] == ["field", "criterion", "item", "item"]
    by_code = {cells[1]: (a, cells) for a, cells in body}
    assert by_code["1"][1][2] == "Lĩnh vực: Công tác chỉ đạo, điều hành cải cách hành chính"
    assert by_code["1.1"][1][2] == "Tiêu chí: Kế hoạch cải cách hành chính năm"
    assert by_code["1.1"][1][3:7] == ["3", "2,5", "0", "2,5"]  # maximum, claimed, supported, appraised (both decided)
    assert by_code["1.3"][1][6] == "0,5 (1/2)"  # a partial appraised subtotal says so
    assert by_code["1.2"][1][6] == ""  # nothing decided under it
    assert by_code["3.2.2"][1][:2] == ["b", "3.2.2"]


def test_the_html_subtotals_add_up(evidence_report):
    def num(text: str) -> float:
        return float(text.replace(",", ".")) if text not in ("", "—") else 0

    body = {cells[1]: cells for _a, cells in html_rows(render_html(evidence_report))[1:]}
    for ft in evidence_report.tree():
        for cr in ft.criteria:
            for k in (3, 4, 5):
                assert num(body[cr.code][k]) == pytest.approx(sum(num(body[i][k]) for i in cr.items))
        for k in (3, 4, 5):
            assert num(body[ft.code][k]) == pytest.approx(sum(num(body[cr.code][k]) for cr in ft.criteria))
