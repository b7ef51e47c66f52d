import json

import openpyxl
import pytest

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
