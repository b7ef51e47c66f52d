"""The hostile-input corpus of issue #12, generated in test setup (pymupdf, PIL, zipfile; small files).

Every case is one submission: the example's self-assessment sheet, the two smallest born-digital
evidence PDFs of the example (text layer only, so no OCR is needed) and the bad input. A ``Case``
says how to build it, the error code a user must see (on the bad file, or for the submission as a
whole) and whether the submission must still reach ``done``. The same cases run through the CLI,
REST with a real RQ worker and (a few) the web upload.

Bad files that stand for a cited document are named ``04-BC-CCHC-nam-2024.pdf``: criterion 3.2.2 of
the sheet cites that file by name, so it must come out ``DOCUMENT_UNREADABLE``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import pymupdf
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.conftest import EXAMPLE
from tests.ingest.builders import FONT, VIET_LINES, huge_png_header, text_pdf

SHEET = "00-bang-tu-danh-gia-2024.xlsx"
# The two smallest born-digital PDFs of the example (every page has a text layer: no OCR).
GOOD = ("05-KH-kiem-tra-CCHC.pdf", "07-BC-vi-tri-viec-lam-2024.pdf")
GOOD_NUMBERS = {GOOD[0]: "20/KH-STP", GOOD[1]: "150/BC-STP"}
# Criteria of the sheet that cite the good files: 1.3.1 by number (20/KH-STP), 5.1.1 by file name.
GOOD_CRITERIA = {"1.3.1": GOOD[0], "5.1.1": GOOD[1]}
CITED = "04-BC-CCHC-nam-2024.pdf"  # cited by file name in criterion 3.2.2
CITED_BY = "3.2.2"

FILE, SUBMISSION = "file", "submission"
SHEET_CODES = frozenset({"SHEET_INVALID", "SHEET_TOO_LARGE"})
# A file/folder collision, a 300-byte name, a path deeper than PATH_MAX: models/errors.py has no code
# of their own (yet), so UNSAFE_PATH is the specific code they must get.
PATH_CODES = frozenset({"UNSAFE_PATH"})

FORMULA_TITLE = '=HYPERLINK("http://example.invalid","x")'
FORMULA_FILE = "=cmd|' A0.pdf"

# Where absolute and ``..`` entry names would land if they were ever written as given.
ABSOLUTE_TARGETS = (Path("/etc/x.pdf"), Path("/evil.pdf"), Path("/tmp/evil.pdf"))

Payload = Callable[[], bytes]


@dataclass(frozen=True, repr=False)
class Case:
    name: str
    build: Callable[[Path], Path]  # writes the submission under an empty folder; returns the folder or .zip
    codes: frozenset[str] = frozenset()  # what the user must see (any of these)
    level: str = FILE  # FILE: on the bad file(s); SUBMISSION: for the submission as a whole
    done: bool = True  # the submission still reaches ``done``
    bad: tuple[str, ...] = ()  # file-level: a file whose reported name contains this carries one of ``codes``
    ok: tuple[str, ...] = ()  # files that must be read normally (no error)
    cites_bad: bool = False  # the bad file is ``CITED``: criterion 3.2.2 must be DOCUMENT_UNREADABLE
    limits: tuple[tuple[str, int], ...] = ()  # Settings overrides (KIEMCHUNG_* in subprocesses)
    jobless: str | None = None  # a file (path in the built folder) that must get no ingest/page-range job
    xlsx_text: tuple[str, ...] = ()  # strings that reach report.xlsx as text, never inside a formula
    rest: bool = False  # also in the REST leg (each case there costs a submission on a real worker)
    folder_only: bool = False  # cannot travel over HTTP (a symbolic link)

    def __repr__(self) -> str:
        return f"Case({self.name})"

    @property
    def settings(self) -> dict[str, int]:
        return dict(self.limits)

    @property
    def env(self) -> dict[str, str]:
        return {f"KIEMCHUNG_{k.upper()}": str(v) for k, v in self.limits}


# --------------------------------------------------------------------------- example parts


def example(name: str) -> bytes:
    return (EXAMPLE / name).read_bytes()


def base_files() -> list[tuple[str, bytes]]:
    """The sheet and the good evidence files, as (name, bytes)."""
    return [(SHEET, example(SHEET))] + [(n, example(n)) for n in GOOD]


def has_text_layer(data: bytes) -> bool:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return all(page.get_text().strip() for page in doc)


@lru_cache(maxsize=1)
def sheet_rows() -> list[list]:
    ws = load_workbook(EXAMPLE / SHEET)["TuDanhGia"]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _claims() -> list[dict]:
    """The example sheet's sub-criterion rows as JSON claims."""
    out = []
    for row in sheet_rows():
        code = row[1]
        if isinstance(code, str) and code.count(".") == 2:
            out.append({"code": code, "title": row[2], "max_score": row[3], "claimed_score": row[4],
                        "self_reported_value": row[5], "evidence": row[6]})
    return out


# --------------------------------------------------------------------------- bad files


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<<"


def _cut(data: bytes, share: float = 0.6) -> bytes:
    return data[: int(len(data) * share)]


@lru_cache(maxsize=1)
def truncated_text_pdf() -> bytes:
    """A six-page born-digital report (fonts subset, streams deflated) cut at 60%, as an interrupted upload
    leaves it: the page tree survives, pages 1-2 are whole, page 3 is cut and pages 4-6 are gone."""
    with pymupdf.open() as doc:
        for i in range(6):
            page = doc.new_page()
            page.insert_font(fontname="dv", fontfile=FONT)
            for k in range(32):
                page.insert_text((60, 72 + 22 * k), f"{VIET_LINES[k % len(VIET_LINES)]} (trang {i + 1}, dòng {k + 1})",
                                 fontname="dv", fontsize=10)
        doc.subset_fonts()
        return _cut(doc.tobytes(deflate=True))


def truncated_scan_pdf() -> bytes:
    """The example's two-page scanned report (file 04) cut at 60%."""
    return _cut(example(CITED))


def encrypted_pdf() -> bytes:
    with pymupdf.open(stream=text_pdf(VIET_LINES), filetype="pdf") as doc:
        return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="nguoi-dung", owner_pw="chu-so-huu",
                           permissions=0)


def blank_pdf(pages: int) -> bytes:
    with pymupdf.open() as doc:
        for _ in range(pages):
            doc.new_page()
        return doc.tobytes()


def script_pdf() -> bytes:
    """A readable page with a JavaScript open action, a JavaScript name tree entry and an embedded file."""
    with pymupdf.open(stream=text_pdf(VIET_LINES), filetype="pdf") as doc:
        doc.embfile_add("dinh-kem.pdf", text_pdf(["Tệp đính kèm bên trong PDF"]), filename="dinh-kem.pdf")
        cat = doc.pdf_catalog()
        doc.xref_set_key(cat, "OpenAction", "<</S/JavaScript/JS(app.launchURL\\('http://127.0.0.1:9/'\\))>>")
        js = doc.get_new_xref()
        doc.update_object(js, "<</S/JavaScript/JS(this.exportDataObject\\({cName: 'dinh-kem.pdf', nLaunch: 2}\\))>>")
        names = doc.get_new_xref()
        doc.update_object(names, f"<</Names[(mo) {js} 0 R]>>")
        doc.xref_set_key(cat, "Names/JavaScript", f"{names} 0 R")
        return doc.tobytes()


def padded_pdf(size: int) -> bytes:
    """A valid PDF grown past ``size`` bytes by a comment after its end."""
    data = text_pdf(VIET_LINES)
    return data + b"\n%" + b"0" * max(0, size - len(data)) + b"\n"


def html_page() -> bytes:
    return ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Báo cáo</title></head>"
            "<body><p>Trang web lưu với đuôi .pdf</p><script>alert(1)</script></body></html>").encode()


def pixel_bomb() -> bytes:
    return huge_png_header(100_000, 100_000)


# --------------------------------------------------------------------------- ZIP archives


def zip_bytes(entries: list[tuple[str | zipfile.ZipInfo, bytes]], *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", level) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def patch_entry(data: bytes, name: str, *, flags: int = 0, file_size: int | None = None,
                raw_name: bytes | None = None) -> bytes:
    """Rewrite one entry's headers (local and central) as no ZIP writer would: set general-purpose flag
    bits, declare another uncompressed size, or give it a raw name of the same length (a NUL inside)."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
        p = zf.start_dir
    local = info.header_offset
    assert buf[local:local + 4] == b"PK\x03\x04"
    while buf[p:p + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack("<HHH", buf[p + 28:p + 34])
        if struct.unpack("<I", buf[p + 42:p + 46])[0] == local:
            break
        p += 46 + n + m + k
    else:
        raise AssertionError(f"no central directory record for {name}")
    central = p
    if flags:
        for at in (local + 6, central + 8):
            struct.pack_into("<H", buf, at, struct.unpack("<H", buf[at:at + 2])[0] | flags)
    if file_size is not None:
        struct.pack_into("<I", buf, local + 22, file_size)
        struct.pack_into("<I", buf, central + 24, file_size)
    if raw_name is not None:
        assert len(raw_name) == len(name.encode()), "a raw name must keep the length"
        buf[local + 30:local + 30 + len(raw_name)] = raw_name
        buf[central + 46:central + 46 + len(raw_name)] = raw_name
    return bytes(buf)


def symlink_entry(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode bits below are read
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def zip_with(*extra: tuple[str | zipfile.ZipInfo, bytes]) -> bytes:
    return zip_bytes(base_files() + list(extra))


def nul_name_zip() -> bytes:
    shown = "nul-evil.pdf_.exe"
    return patch_entry(zip_with((shown, text_pdf(VIET_LINES))), shown, raw_name=b"nul-evil.pdf\x00.exe")


def bomb_zip() -> bytes:
    """An entry of 24 MiB that deflates ~1000:1."""
    return zip_with(("bom.pdf", b"%PDF-1.7\n" + bytes(24 * 1024 * 1024)))


def size_lie_zip() -> bytes:
    """An entry declaring 2,000 bytes that inflates to 4 MiB."""
    data = zip_with(("khai-sai.pdf", b"%PDF-1.7\n" + bytes(4 * 1024 * 1024)))
    return patch_entry(data, "khai-sai.pdf", file_size=2000)


def encrypted_entry_zip() -> bytes:
    data = zip_with(("mat-khau.pdf", text_pdf(VIET_LINES)))
    return patch_entry(data, "mat-khau.pdf", flags=0x1)


def all_encrypted_zip() -> bytes:
    data = zip_bytes(base_files())
    for name, _ in base_files():
        data = patch_entry(data, name, flags=0x1)
    return data


def many_entries_zip(total: int = 5001) -> bytes:
    filler = [(f"rac/{i:04d}.txt", b"x") for i in range(total - len(base_files()))]
    return zip_bytes(base_files() + filler)


def random_bytes(n: int = 64 * 1024) -> bytes:
    return random.Random(12).randbytes(n)


def truncated_zip() -> bytes:
    return _cut(zip_bytes(base_files()), 0.5)


# --------------------------------------------------------------------------- sheets


def json_sheet(**meta) -> bytes:
    body = {"unit": "Sở Tư pháp tỉnh Đồng Nai", "year": 2024, **meta, "claims": _claims()}
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def deep_json_sheet(depth: int = 100_000) -> bytes:
    head = json_sheet()[:-1].rstrip()[:-1].rstrip()  # without its closing "]}": the claims list is still open
    return head + b"], \"phu_luc\": " + b"[" * depth + b"]" * depth + b"}"


def csv_sheet(long_field: int = 0) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    for row in sheet_rows():
        cells = ["" if v is None else str(v) for v in row]
        if long_field and cells[1] == "1.3.1":
            cells[7] = "Giải trình " + "x" * long_field
        w.writerow(cells)
    return buf.getvalue().encode()


def _xlsx_cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def huge_xlsx(cells: int = 1_000_000, width: int = 10) -> bytes:
    """The example sheet's rows, then ``cells`` numbers in columns I.. (no criterion code, so no claims)."""
    rows = []
    for r, row in enumerate(sheet_rows(), start=1):
        rows.append(f'<row r="{r}">' + "".join(_xlsx_cell(f"{get_column_letter(c)}{r}", v)
                                                for c, v in enumerate(row, start=1)) + "</row>")
    first = len(rows) + 1
    cols = [get_column_letter(9 + c) for c in range(width)]
    for r in range(first, first + cells // width):
        rows.append(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{r % 97}</v></c>' for col in cols) + "</row>")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
            'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="TuDanhGia" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>' + "".join(rows)
            + "</sheetData></worksheet>"),
    }
    return zip_bytes([(k, v.encode()) for k, v in parts.items()])


def formula_sheet() -> bytes:
    """The example sheet plus a row whose title is a formula and whose evidence is a formula-like file name
    (criterion 9.9.9 is not in the rubric: its title, from the sheet, reaches the report)."""
    wb = load_workbook(EXAMPLE / SHEET)
    ws = wb["TuDanhGia"]
    r = ws.max_row + 1
    for col, value in enumerate(["c", "9.9.9", FORMULA_TITLE, 1, 1, None, FORMULA_FILE, None], start=1):
        cell = ws.cell(row=r, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # the unit's text, not a formula of the input sheet
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- builders


def folder(*extra: tuple[str, Payload], sheet: tuple[str, Payload] | None = None) -> Callable[[Path], Path]:
    """A submission folder: the sheet (or another), the good files, then ``extra``."""
    def build(dest: Path) -> Path:
        sub = dest / "ho-so"
        sub.mkdir(parents=True)
        name, data = sheet if sheet else (SHEET, lambda: example(SHEET))
        (sub / name).write_bytes(data())
        for n in GOOD:
            (sub / n).write_bytes(example(n))
        for n, payload in extra:
            (sub / n).write_bytes(payload())
        return sub
    return build


def archive(payload: Payload, name: str = "ho-so.zip") -> Callable[[Path], Path]:
    """A submission that is one archive file (built whole by ``payload``)."""
    def build(dest: Path) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        path = dest / name
        path.write_bytes(payload())
        return path
    return build


def linked_folder(dest: Path) -> Path:
    """A folder whose cited file is a symbolic link to a PDF outside the submission."""
    outside = dest / "ngoai"
    outside.mkdir(parents=True)
    (outside / "bi-mat.pdf").write_bytes(text_pdf(VIET_LINES))
    sub = folder()(dest)
    (sub / CITED).symlink_to(outside / "bi-mat.pdf")
    return sub


# --------------------------------------------------------------------------- the cases


def _file_case(name: str, build, codes, *bad: str, **kw) -> Case:
    return Case(name=name, build=build, codes=frozenset(codes), level=FILE, done=True, bad=bad, **kw)


def _submission_case(name: str, build, codes, **kw) -> Case:
    return Case(name=name, build=build, codes=frozenset(codes), level=SUBMISSION, done=False, **kw)


CASES: list[Case] = [
    # controls: the harness itself (these pass before any fix)
    Case("baseline", folder(), rest=True),
    Case("baseline-zip", archive(lambda: zip_bytes(base_files()))),
    Case("baseline-json-sheet", folder(sheet=("bang-tu-danh-gia.json", json_sheet))),
    Case("baseline-csv-sheet", folder(sheet=("bang-tu-danh-gia.csv", csv_sheet))),
    # PDFs
    _file_case("pdf-corrupt", folder((CITED, corrupt_pdf)), {"CORRUPT_PDF"}, CITED, cites_bad=True, rest=True),
    _file_case("pdf-truncated", folder((CITED, truncated_text_pdf)), {"CORRUPT_PDF", "DAMAGED_PDF"}, CITED,
               cites_bad=True, rest=True),
    _file_case("pdf-truncated-scan", folder((CITED, truncated_scan_pdf)), {"CORRUPT_PDF", "DAMAGED_PDF"}, CITED,
               cites_bad=True),
    _file_case("pdf-encrypted", folder((CITED, encrypted_pdf)), {"ENCRYPTED_PDF"}, CITED, cites_bad=True,
               rest=True),
    _file_case("pdf-too-many-pages", folder((CITED, lambda: blank_pdf(12))), {"TOO_MANY_PAGES"}, CITED,
               cites_bad=True, limits=(("max_pages", 5), ("job_pages", 4)), jobless=CITED, rest=True),
    _file_case("pdf-javascript-embedded-file", folder(("08-co-javascript.pdf", script_pdf)), set(),
               ok=("08-co-javascript.pdf",)),
    # any file
    _file_case("png-pixel-bomb", folder(("anh-chup-bao-cao.png", pixel_bomb)), {"PIXEL_LIMIT"}, "anh-chup-bao-cao.png",
               rest=True),
    _file_case("empty-file", folder((CITED, bytes)), {"EMPTY_FILE"}, CITED, cites_bad=True),
    _file_case("file-too-large", folder((CITED, lambda: padded_pdf(300_000))), {"FILE_TOO_LARGE"}, CITED,
               cites_bad=True, limits=(("max_file_bytes", 150_000),)),
    _file_case("html-named-pdf", folder((CITED, html_page)), {"UNSUPPORTED_TYPE"}, CITED, cites_bad=True),
    _file_case("folder-symlink", linked_folder, {"UNSAFE_PATH"}, CITED, cites_bad=True, folder_only=True),
    # entries of a ZIP
    _file_case("zip-nul-in-name", archive(nul_name_zip), {"UNSAFE_PATH"}, "nul-evil", rest=True),
    _file_case("zip-path-traversal", archive(lambda: zip_with(("../../evil.pdf", text_pdf(VIET_LINES)))),
               {"UNSAFE_PATH"}, "evil.pdf"),
    _file_case("zip-absolute-path", archive(lambda: zip_with(("/etc/x.pdf", text_pdf(VIET_LINES)))),
               {"UNSAFE_PATH"}, "x.pdf"),
    _file_case("zip-symlink-entry", archive(lambda: zip_with((symlink_entry("lien-ket.pdf", "/etc/passwd"),
                                                              b"/etc/passwd"))), {"UNSAFE_PATH"}, "lien-ket.pdf"),
    _file_case("zip-nested-archive", archive(lambda: zip_with(("ho-so-con.zip", zip_bytes(
        [("ben-trong.pdf", text_pdf(VIET_LINES))])))), {"NESTED_ARCHIVE"}, "ho-so-con.zip"),
    _file_case("zip-bomb-ratio", archive(bomb_zip), {"ZIP_BOMB"}, "bom.pdf"),
    _file_case("zip-declared-size-lie", archive(size_lie_zip), {"ZIP_BOMB"}, "khai-sai.pdf"),
    _file_case("zip-encrypted-entry", archive(encrypted_entry_zip), {"ENCRYPTED_ARCHIVE_ENTRY"}, "mat-khau.pdf"),
    _file_case("zip-file-then-folder", archive(lambda: zip_with(("trung/x.pdf", text_pdf(VIET_LINES)),
                                                                ("trung/x.pdf/y.pdf", text_pdf(VIET_LINES)))),
               PATH_CODES, "trung/x.pdf/y.pdf", rest=True),
    _file_case("zip-folder-then-file", archive(lambda: zip_with(("trung/x.pdf/y.pdf", text_pdf(VIET_LINES)),
                                                                ("trung/x.pdf", text_pdf(VIET_LINES)))),
               PATH_CODES, "trung/x.pdf"),
    _file_case("zip-name-over-255-bytes", archive(lambda: zip_with(("dai-" + "a" * 300 + ".pdf",
                                                                    text_pdf(VIET_LINES)))),
               PATH_CODES, "dai-aaaa"),
    _file_case("zip-deep-nesting", archive(lambda: zip_with(("/".join(["d"] * 2100) + "/sau.pdf",
                                                             text_pdf(VIET_LINES)))),
               PATH_CODES, "sau.pdf", rest=True),
    # the submission as a whole
    _submission_case("zip-5001-entries", archive(many_entries_zip), {"ZIP_BOMB"}, rest=True),
    _submission_case("zip-random-bytes", archive(random_bytes), {"CORRUPT_ARCHIVE"}, rest=True),
    _submission_case("zip-truncated", archive(truncated_zip), {"CORRUPT_ARCHIVE"}),
    _submission_case("zip-all-entries-encrypted", archive(all_encrypted_zip), {"ENCRYPTED_ARCHIVE_ENTRY"},
                     rest=True),
    # sheets
    _submission_case("json-unit-number", folder(sheet=("bang-tu-danh-gia.json", lambda: json_sheet(unit=12345))),
                     SHEET_CODES),
    _submission_case("json-unit-list", folder(sheet=("bang-tu-danh-gia.json", lambda: json_sheet(
        unit=["Sở Tư pháp", "Sở Nội vụ"]))), SHEET_CODES),
    _submission_case("json-deep-nesting", folder(sheet=("bang-tu-danh-gia.json", deep_json_sheet)), SHEET_CODES,
                     rest=True),
    _submission_case("json-year-99999", folder(sheet=("bang-tu-danh-gia.json", lambda: json_sheet(year=99999))),
                     SHEET_CODES),
    _submission_case("csv-field-over-128kb", folder(sheet=("bang-tu-danh-gia.csv", lambda: csv_sheet(200_000))),
                     SHEET_CODES),
    _submission_case("xlsx-1m-cells", folder(sheet=(SHEET, huge_xlsx)), SHEET_CODES),
    # formulas in what the unit wrote reach report.xlsx as text
    _file_case("xlsx-formula-injection", archive(lambda: zip_bytes(
        [(SHEET, formula_sheet())] + [(n, example(n)) for n in GOOD] + [(FORMULA_FILE, text_pdf(VIET_LINES))])),
        set(), ok=(FORMULA_FILE,), xlsx_text=(FORMULA_TITLE, FORMULA_FILE), rest=True),
]

BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
