import io
import json
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from models.errors import ErrorCode
from models.settings import Settings
from verifier import SheetError, read_sheet
from verifier.sheet import column_key

HEADER = ["STT", "Mã tiêu chí", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Giá trị tự báo cáo",
          "Tài liệu kiểm chứng", "Giải trình"]


def _xlsx(path, header=HEADER, rows=(), title=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append(["UBND TỈNH ĐỒNG NAI"])
        ws.append(["BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024"])
        ws.merge_cells("A2:H2")
        ws.append(["Đơn vị: Sở Tư pháp tỉnh Đồng Nai"])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


@pytest.mark.parametrize("header,key", [
    ("Điểm tự đánh giá", "self_score"), ("Diem tu danh gia", "self_score"), ("ĐIỂM TỰ CHẤM", "self_score"),
    ("Tài liệu kiểm chứng", "evidence"), ("TLKC", "evidence"), ("Ma tieu chi", "code"),
    ("Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "title"), ("Giá trị tự báo cáo", "self_reported"),
    ("Điểm thẩm định", "appraised_score"), ("Ghi chú", "note"), ("Không liên quan", None),
])
def test_header_aliases(header, key):
    assert column_key(header) == key


def test_xlsx_with_title_rows(tmp_path):
    p = _xlsx(tmp_path / "s.xlsx", rows=[
        ["I", "1", "Công tác chỉ đạo", 5, None, None, None, None],
        [1, "1.1.1", "Ban hành kế hoạch", 1, "0,5", None, "Kế hoạch số 15/KH-STP ngày 20/02/2024", "Ban hành muộn"],
        [2, "1.1.2", "Mức độ thực hiện", 2, 2, "92,59%", "298/BC-STP (trang 1, mục I)\n04-BC.pdf", None],
    ])
    s = read_sheet(p)
    assert s.unit == "Sở Tư pháp tỉnh Đồng Nai" and s.year == 2024 and s.header_row == 5
    c = {c.code: c for c in s.claims}
    assert c["1.1.1"].claimed_score == 0.5 and c["1.1.1"].row == 7
    assert c["1.1.1"].citations[0].number == "15/KH-STP" and c["1.1.1"].citations[0].issued_on == "2024-02-20"
    assert c["1.1.1"].explanation == "Ban hành muộn"
    assert c["1.1.2"].self_reported_value == pytest.approx(92.59)
    cits = c["1.1.2"].citations
    assert cits[0].number == "298/BC-STP" and cits[0].pages == [1] and cits[0].section == "mục I"
    assert cits[1].file_name == "04-BC.pdf" and cits[1].number is None
    assert not s.issues


def test_headers_without_diacritics_and_no_title(tmp_path):
    header = ["TT", "Ma tieu chi", "Noi dung", "Diem toi da", "Diem tu danh gia", "Tai lieu kiem chung"]
    p = _xlsx(tmp_path / "s.xlsx", header=header, title=False, rows=[[1, "3.2.1", "x", 2, 1, "298/BC-STP"]])
    s = read_sheet(p)
    assert [c.code for c in s.claims] == ["3.2.1"] and s.claims[0].claimed_score == 1
    assert s.unit is None and s.year is None


def test_malformed_cells_name_row_and_column_and_keep_valid_rows(tmp_path):
    p = _xlsx(tmp_path / "s.xlsx", rows=[
        [1, "1.1.1", "a", 1, "một", None, "15/KH-STP", None],
        [2, "1.3.2", "b", 1, 1, "khoảng bốn mươi", "298/BC-STP", None],
        [3, "7.1.1", "c", 1, 1, "56,1%", "298/BC-STP", None],
    ])
    s = read_sheet(p)
    assert len(s.claims) == 3
    by_row = {i.row: i for i in s.issues}
    assert by_row[6].column == "Điểm tự đánh giá" and "một" in by_row[6].message_vi
    assert by_row[7].column == "Giá trị tự báo cáo"
    assert s.claims[2].self_reported_value == pytest.approx(56.1)


def test_no_header_is_an_error(tmp_path):
    p = _xlsx(tmp_path / "s.xlsx", header=["a", "b", "c"], rows=[[1, 2, 3]])
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert "Điểm tự đánh giá" in exc.value.message_vi


def test_csv_semicolon_and_bom(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("\ufeffBẢNG TỰ ĐÁNH GIÁ NĂM 2024\nĐơn vị: UBND huyện Xuân Lộc\n"
                 "STT;Mã tiêu chí;Điểm tối đa;Điểm tự đánh giá;Tài liệu kiểm chứng\n"
                 '1;1.2.1;1;1;"38/BC-UBND; 112/BC-UBND"\n', encoding="utf-8")
    s = read_sheet(p)
    assert s.year == 2024 and s.unit == "UBND huyện Xuân Lộc"
    assert [c.number for c in s.claims[0].citations] == ["38/BC-UBND", "112/BC-UBND"]


def test_json_both_shapes(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"unit": "Sở Tư pháp", "year": 2024, "claims": [
        {"code": "1.1.1", "claimed_score": 1, "evidence": "15/KH-STP"}]}, ensure_ascii=False), encoding="utf-8")
    s = read_sheet(p)
    assert s.unit == "Sở Tư pháp" and s.year == 2024 and s.claims[0].claimed_score == 1
    assert s.claims[0].citations[0].number == "15/KH-STP"
    q = tmp_path / "b.json"
    q.write_text(json.dumps([{"Mã tiêu chí": "3.2.1", "Điểm tự đánh giá": "2", "Giá trị tự báo cáo": "100%"}],
                            ensure_ascii=False), encoding="utf-8")
    s = read_sheet(q)
    assert s.claims[0].code == "3.2.1" and s.claims[0].self_reported_value == 100


def test_vertically_merged_cells_fill_every_row(tmp_path):
    """One evidence cell merged over two criteria rows cites the documents for both."""
    p = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([1, "1.1.1", "a", 1, 1, None, "15/KH-STP", None])
    ws.append([2, "1.1.2", "b", 1, 1, None, None, None])
    ws.merge_cells("G2:G3")
    wb.save(p)
    s = read_sheet(p)
    assert [[c.number for c in cl.citations] for cl in s.claims] == [["15/KH-STP"], ["15/KH-STP"]]


def test_wrong_declared_dimension_does_not_hide_columns(tmp_path):
    """Some writers declare a dimension of "A1"; the cells are still read."""
    p = _xlsx(tmp_path / "s.xlsx", rows=[[1, "1.1.1", "a", 1, 1, None, "15/KH-STP", None]])
    _rewrite_sheet(p, lambda xml: re.sub(rb'<dimension ref="A1:H6"\s*/>', b'<dimension ref="A1"/>', xml))
    s = read_sheet(p)
    assert [c.code for c in s.claims] == ["1.1.1"] and s.claims[0].citations[0].number == "15/KH-STP"


# --------------------------------------------------------------------------- bad sheets: a code, never a crash

def _json(tmp_path, data, name="s.json") -> object:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


CLAIMS = [{"code": "1.1.1", "claimed_score": 1, "evidence": "15/KH-STP"}]


@pytest.mark.parametrize("unit", [5, ["Sở Tư pháp"], {"ten": "x"}, True])
def test_json_unit_must_be_text(tmp_path, unit):
    with pytest.raises(SheetError) as exc:
        read_sheet(_json(tmp_path, {"unit": unit, "year": 2024, "claims": CLAIMS}))
    assert exc.value.code == ErrorCode.SHEET_INVALID
    assert "đơn vị" in exc.value.message_vi.lower() and "unit" in exc.value.message_vi


def test_unit_name_longer_than_the_database_holds_is_invalid(tmp_path):
    with pytest.raises(SheetError) as exc:
        read_sheet(_json(tmp_path, {"unit": "Sở " * 200, "claims": CLAIMS}))
    assert exc.value.code == ErrorCode.SHEET_INVALID and "300 ký tự" in exc.value.message_vi


@pytest.mark.parametrize("year", [99999, 1999, 2101, -1, "20245", True])
def test_sheet_year_outside_2000_2100_is_invalid(tmp_path, year):
    with pytest.raises(SheetError) as exc:
        read_sheet(_json(tmp_path, {"unit": "Sở Tư pháp", "year": year, "claims": CLAIMS}))
    assert exc.value.code == ErrorCode.SHEET_INVALID
    assert "2000" in exc.value.message_vi and "2100" in exc.value.message_vi


def test_sheet_year_in_range_is_kept(tmp_path):
    assert read_sheet(_json(tmp_path, {"unit": "Sở Tư pháp", "year": "2024", "claims": CLAIMS})).year == 2024
    assert read_sheet(_json(tmp_path, {"unit": "Sở Tư pháp", "year": 2100, "claims": CLAIMS})).year == 2100


def test_deeply_nested_json_is_refused_not_a_recursion_error(tmp_path):
    for text in ("[" * 100_000 + "]" * 100_000, json.dumps({"unit": "x", "claims": [{"code": "1.1.1", "evidence":
                                                             json.loads("[" * 50 + "]" * 50)}]})):
        with pytest.raises(SheetError) as exc:
            read_sheet(_json(tmp_path, text))
        assert exc.value.code == ErrorCode.SHEET_TOO_LARGE
        assert "lồng" in exc.value.message_vi and "20" in exc.value.message_vi


def test_csv_field_over_the_limit(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("STT;Mã tiêu chí;Điểm tự đánh giá;Tài liệu kiểm chứng\n1;1.1.1;1;\"" + "x" * 200_000 + "\"\n",
                 encoding="utf-8")
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE
    assert "32767" in exc.value.message_vi and "ký tự" in exc.value.message_vi


def test_csv_rows_and_bytes_caps(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("STT;Mã tiêu chí;Điểm tự đánh giá\n" + "".join(f"{i};1.1.{i};1\n" for i in range(6000)),
                 encoding="utf-8")
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "5000 dòng" in exc.value.message_vi
    with pytest.raises(SheetError) as exc:
        read_sheet(p, settings=Settings(sheet_max_bytes=10_000))
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "vượt giới hạn 9 KB" in exc.value.message_vi


def test_json_bytes_and_rows_caps(tmp_path):
    rows = [{"code": f"1.1.{i}", "claimed_score": 1} for i in range(6000)]
    with pytest.raises(SheetError) as exc:
        read_sheet(_json(tmp_path, {"unit": "x", "claims": rows}))
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "5000" in exc.value.message_vi
    with pytest.raises(SheetError) as exc:
        read_sheet(_json(tmp_path, {"unit": "x", "claims": rows[:10]}), settings=Settings(sheet_max_bytes=100))
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE


# --------------------------------------------------------------------------- XLSX: bounded before parsing

def _rewrite_sheet(path, edit) -> None:
    """Rewrite xl/worksheets/sheet1.xml of a saved workbook (``edit``: bytes -> bytes or an iterable of bytes)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                new = edit(data)
                with out.open(info.filename, "w", force_zip64=True) as dst:
                    for chunk in ([new] if isinstance(new, bytes) else new):
                        dst.write(chunk)
            else:
                out.writestr(info, data)


def _cells_xml(rows: int, cols: int, *, dimension: str | None, first_row: int = 6):
    """sheet1.xml with the title and header of _xlsx and ``rows`` x ``cols`` numeric cells below."""
    letters = [get_column_letter(c) for c in range(1, cols + 1)]

    def edit(xml: bytes):
        head, _, rest = xml.partition(b"</sheetData>")
        head = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode() if dimension
                      else b"", head)
        yield head
        for r in range(first_row, first_row + rows):
            yield (f'<row r="{r}">' + "".join(f'<c r="{x}{r}"><v>{r % 7}</v></c>' for x in letters) + "</row>").encode()
        yield b"</sheetData>" + rest

    return edit


def test_million_cell_xlsx_refused_with_bounded_memory(tmp_path):
    p = _xlsx(tmp_path / "big.xlsx")
    _rewrite_sheet(p, _cells_xml(100_000, 10, dimension="A1:J100005"))
    assert p.stat().st_size < 10 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as exc:
            read_sheet(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_xlsx_declared_dimension_over_the_caps(tmp_path):
    p = _xlsx(tmp_path / "rows.xlsx")
    _rewrite_sheet(p, _cells_xml(3, 8, dimension="A1:H6000"))
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "5000 dòng" in exc.value.message_vi
    p = _xlsx(tmp_path / "cols.xlsx")
    _rewrite_sheet(p, _cells_xml(3, 8, dimension="A1:EZ10"))
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "100 cột" in exc.value.message_vi


def test_xlsx_caps_hold_when_the_dimension_lies(tmp_path):
    p = _xlsx(tmp_path / "rows.xlsx")
    _rewrite_sheet(p, _cells_xml(6000, 3, dimension="A1:H6"))
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "5000 dòng" in exc.value.message_vi
    p = _xlsx(tmp_path / "cols.xlsx")
    _rewrite_sheet(p, _cells_xml(3, 150, dimension="A1:H6"))
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "100 cột" in exc.value.message_vi
    p = _xlsx(tmp_path / "cells.xlsx")
    _rewrite_sheet(p, _cells_xml(400, 50, dimension=None))
    with pytest.raises(SheetError) as exc:
        read_sheet(p, settings=Settings(sheet_max_cells=10_000))
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "10000 ô" in exc.value.message_vi


def test_xlsx_uncompressed_parts_capped(tmp_path):
    p = _xlsx(tmp_path / "s.xlsx", rows=[[1, "1.1.1", "a", 1, 1, None, "15/KH-STP", None]])
    for cap, words in ((2_000, "dung lượng"), (p.stat().st_size + 1, "giải nén")):
        with pytest.raises(SheetError) as exc:
            read_sheet(p, settings=Settings(sheet_max_bytes=cap))
        assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and words in exc.value.message_vi
        assert "giới hạn" in exc.value.message_vi
    assert read_sheet(p).claims  # the default caps are generous
    bomb = _xlsx(tmp_path / "bomb.xlsx")
    _rewrite_sheet(bomb, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (4 * 1024 * 1024)))
    with pytest.raises(SheetError) as exc:
        read_sheet(bomb)
    assert exc.value.code == ErrorCode.SHEET_TOO_LARGE and "tỷ lệ" in exc.value.message_vi


def test_corrupt_xlsx_is_invalid(tmp_path):
    p = tmp_path / "s.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(SheetError) as exc:
        read_sheet(p)
    assert exc.value.code == ErrorCode.SHEET_INVALID and "Excel" in exc.value.message_vi
