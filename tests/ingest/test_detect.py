import io
import json
import zipfile

import pytest

from ingest.detect import detect_kind, is_archive
from models.pages import FileKind

from .builders import VIET_LINES, png_bytes, text_pdf, write


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "_rels/.rels": b"<r/>"})


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, format="JPEG")
    return buf.getvalue()


def tiff_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (20, 20), 255).save(buf, format="TIFF")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("a.pdf", text_pdf(VIET_LINES[:2]), FileKind.PDF),
        ("scan.jpg", jpeg_bytes(), FileKind.JPEG),
        ("x.png", png_bytes(), FileKind.PNG),
        ("x.tif", tiff_bytes(), FileKind.TIFF),
        ("bundle.zip", _zip({"a.pdf": b"%PDF-1.7"}), FileKind.ZIP),
        ("sheet.xlsx", xlsx_bytes(), FileKind.XLSX),
        ("doc.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), FileKind.UNKNOWN),
        ("t.csv", "mã;tên;điểm\n1.1.1;Kế hoạch;1\n1.1.2;Thực hiện;0,5\n".encode(), FileKind.CSV),
        ("titled.csv", ("BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024\nĐơn vị: Sở Tư pháp tỉnh Đồng Nai\n"
                        "STT;Mã;Điểm tối đa;Điểm tự đánh giá\n1;1.1.1;1;1\n2;1.1.2;2;1,5\n").encode(), FileKind.CSV),
        ("prose.txt", "Năm 2024, đơn vị đã hoàn thành kế hoạch.\nKết quả tốt.\nCảm ơn.\n".encode(), FileKind.UNKNOWN),
        ("t.json", json.dumps({"criteria": [{"code": "1.1.1", "score": 1}]}).encode(), FileKind.JSON),
        ("notes.txt", "Đây là ghi chú không phải bảng.".encode(), FileKind.UNKNOWN),
        ("empty.pdf", b"", FileKind.UNKNOWN),
        ("fake.pdf", b"<html><body>not a pdf</body></html>", FileKind.UNKNOWN),
        ("archive.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 50, FileKind.UNKNOWN),
    ],
)
def test_detect_by_content(tmp_path, name, data, kind):
    assert detect_kind(write(tmp_path, name, data)) == kind


def test_name_is_ignored(tmp_path):
    assert detect_kind(write(tmp_path, "looks-like.jpg", text_pdf(VIET_LINES[:1]))) == FileKind.PDF
    assert detect_kind(write(tmp_path, "looks-like.pdf", png_bytes())) == FileKind.PNG


def test_is_archive(tmp_path):
    assert is_archive(write(tmp_path, "a.zip", _zip({"x.txt": b"x"})))
    assert is_archive(write(tmp_path, "a.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 10))
    assert not is_archive(write(tmp_path, "s.xlsx", xlsx_bytes()))


def test_a_web_page_named_pdf_is_not_a_sheet(tmp_path):
    from ingest import detect_kind
    from models.pages import FileKind

    page = tmp_path / "bao-cao.pdf"
    page.write_text("<!DOCTYPE html>\n<html><head><title>Báo cáo</title></head>\n"
                    "<body><table><tr><td>a,b,c</td></tr><tr><td>d,e,f</td></tr></table></body></html>\n",
                    encoding="utf-8")
    assert detect_kind(page) == FileKind.UNKNOWN
