"""The sheet template and the headers of a wrong sheet (#15 item 5), on real files: the template written
from a rubric is a sheet the check reads (every sub-criterion with its code and maximum, the column names
of sheet_columns.yaml); a sheet without a header row is told which headers it has, which were recognised
and which are missing; a lone corrupt PDF is told it is corrupt as well as that the sheet is missing."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from api.service import intake
from api.service.errors import ServiceError
from api.service.sheet_headers import WrongSheet, header_report
from api.service.sheet_template import template_rows, template_rubric, write_template
from ingest import expand_submission
from tests.conftest import ROOT
from verifier import load_rubric, read_sheet


def _template(tmp_path: Path, **kw) -> Path:
    out = tmp_path / "mau.xlsx"
    write_template(load_rubric("par-reference"), out, **kw)
    return out


def test_the_template_is_a_sheet_the_check_reads(tmp_path):
    sheet = read_sheet(_template(tmp_path, year=2024, unit="Sở Tư pháp tỉnh Đồng Nai"))
    rubric = load_rubric("par-reference")
    claims = {c.code: c for c in sheet.claims}
    for f, c, s in rubric.subcriteria():
        assert claims[s.code].max_score == s.max_score and claims[s.code].title == s.title
        assert claims[s.code].claimed_score is None  # left for the unit
        assert claims[c.code].max_score == sum(i.max_score for i in c.items)
        assert claims[f.code].stt in ("I", "II", "III", "IV")
    assert (sheet.unit, sheet.year, sheet.issues) == ("Sở Tư pháp tỉnh Đồng Nai", 2024, [])
    names = yaml.safe_load((ROOT / "verifier" / "data" / "sheet_columns.yaml").read_text("utf-8"))
    assert list(sheet.columns.values()) == [v[0] for k, v in names.items() if k != "appraised_score"]


def test_a_filled_template_is_read_with_its_scores(tmp_path):
    path = _template(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = next(r for r in ws.iter_rows() if r[0].value == "STT")
    col = {c.value: c.column for c in header}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        if row[col["Mã tiêu chí"] - 1].value == "1.1.1":
            row[col["Điểm tự đánh giá"] - 1].value = 1
            row[col["Tài liệu kiểm chứng"] - 1].value = "Kế hoạch số 15/KH-STP ngày 20/02/2024"
    wb.save(path)
    claim = next(c for c in read_sheet(path).claims if c.code == "1.1.1")
    assert claim.claimed_score == 1 and claim.citations


def test_only_bundled_rubrics_are_offered():
    with pytest.raises(ServiceError) as e:
        template_rubric("/etc/passwd")
    assert e.value.code.value == "RUBRIC_INVALID"


@pytest.mark.parametrize("name,content,found,recognised,missing", [
    ("bang.csv", "STT;Tên;Điểm\n1;abc;1\n", ["STT", "Tên", "Điểm"], {"STT": "STT"}, ["Điểm tự đánh giá"]),
    ("bang.csv", "Đơn vị: X\nMã;Nội dung;Điểm đạt\n1.1.1;abc;1\n", ["Mã", "Nội dung", "Điểm đạt"],
     {"Mã tiêu chí": "Mã", "Nội dung": "Nội dung"}, ["Điểm tự đánh giá"]),
    ("bang.xlsx", [["Số TT", "Tên tiêu chí", "Điểm"], ["1", "x", 1]], ["Số TT", "Tên tiêu chí", "Điểm"],
     {"Nội dung": "Tên tiêu chí"}, ["Mã tiêu chí (hoặc STT)", "Điểm tự đánh giá"]),
])
def test_a_sheet_without_a_header_row_names_the_headers_found(tmp_path, name, content, found, recognised, missing):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        wb = openpyxl.Workbook()
        for row in content:
            wb.active.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        path.write_bytes(buf.getvalue())
    report = header_report(path, name)
    assert report is not None and (report.found, report.recognised, report.missing) == (found, recognised, missing)
    assert "Điểm tự đánh giá" in report.expected and "Mã tiêu chí" in report.expected
    with tempfile.TemporaryDirectory() as work, pytest.raises(WrongSheet) as e:
        intake.pick_sheet(expand_submission(tmp_path, Path(work)), None)
    assert e.value.code.value == "SHEET_INVALID" and e.value.headers == report
    vi = e.value.message_vi
    assert name in vi and all(f"“{h}”" in vi for h in found) and all(m in vi for m in missing), vi


def test_a_sheet_with_its_header_row_is_not_reported(tmp_path):
    assert header_report(_template(tmp_path), "mau.xlsx") is None
    assert header_report(ROOT / "examples" / "submission-2024" / "00-bang-tu-danh-gia-2024.xlsx", "x.xlsx") is None


def test_a_lone_corrupt_pdf_is_told_both_what_is_missing_and_what_is_wrong(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> broken")
    with pytest.raises(ServiceError) as e:
        intake.submission_root([tmp_path / "a.pdf"], tmp_path)
    vi = e.value.message_vi
    assert e.value.code.value == "NO_SHEET" and "thiếu bảng tự đánh giá" in vi
    assert "a.pdf" in vi and "CORRUPT_PDF" in vi and "hỏng" in vi, vi


def test_a_year_in_the_rubric_title_is_not_read_as_the_sheet_year(tmp_path):
    text = (ROOT / "verifier" / "rubrics" / "par-reference.yaml").read_text("utf-8")
    rubric = yaml.safe_load(text)
    rubric["title"] = "Chỉ số CCHC giai đoạn 2022-2030"
    path = tmp_path / "bo.yaml"
    path.write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "mau.xlsx"
    write_template(load_rubric(str(path)), out)
    sheet = read_sheet(out)
    assert sheet.year is None and sheet.issues == []
    assert any("2022-2030" in str(c.value) for row in openpyxl.load_workbook(out).active.iter_rows() for c in row)


def test_several_sheets_are_named_and_told_what_to_do(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        write_template(load_rubric("par-reference"), tmp_path / name)
    with tempfile.TemporaryDirectory() as work, pytest.raises(ServiceError) as e:
        intake.pick_sheet(expand_submission(tmp_path, Path(work)), None)
    vi = e.value.message_vi
    assert e.value.code.value == "MANY_SHEETS" and "a.xlsx" in vi and "b.xlsx" in vi and "bỏ các bảng thừa" in vi, vi


def test_the_template_of_a_provincial_set_has_no_survey_rows_and_marks_bonus_and_penalty():
    rubric = template_rubric("example-province")
    rows = template_rows(rubric)
    codes = {r["code"] for r in rows}
    assert not codes & {s.code for s in rubric.of_role("survey")}  # never self-scored: no row to fill
    assert {s.code for s in rubric.of_role("bonus")} <= codes
    bonus = next(r for r in rows if r["code"] == rubric.of_role("bonus")[0].code)
    penalty = next(r for r in rows if r["code"] == rubric.of_role("penalty")[0].code)
    assert str(bonus["title"]).endswith("(điểm thưởng)") and str(penalty["title"]).endswith("(điểm trừ)")
    assert sum(float(r["max_score"]) for r in rows if r["level"] == 0) == 70  # ordinary items only
    first = rubric.fields[0]
    assert rows[0]["stt"] == (first.stt or "I") and rows[0]["code"] == first.code
