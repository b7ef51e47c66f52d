"""What is this file?  Decided by its bytes, never by its name.

Evidence kinds: PDF, JPEG, PNG, TIFF.  Containers: ZIP.  Sheet kinds the caller looks for
when it picks the self-assessment out of a submission: XLSX (a ZIP holding
``[Content_Types].xml`` and ``xl/``), CSV and JSON (sniffed from text).  Other OOXML / ODF
documents (Word, PowerPoint, LibreOffice) and other archive formats are UNKNOWN here;
``is_archive`` recognises the archive formats so they can be rejected as nested archives.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

from models.pages import FileKind

EVIDENCE_KINDS = frozenset({FileKind.PDF, FileKind.JPEG, FileKind.PNG, FileKind.TIFF})
IMAGE_KINDS = frozenset({FileKind.JPEG, FileKind.PNG, FileKind.TIFF})
SHEET_KINDS = frozenset({FileKind.XLSX, FileKind.CSV, FileKind.JSON})
_CSV_DELIMITERS = ",;\t|"

_HEAD = 2048
_JSON_PARSE_MAX = 1024 * 1024  # text starting with { or [ is parsed to confirm it is JSON up to this size
_OTHER_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",  # RAR 4/5
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
)


def _head(path: Path, n: int = _HEAD) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return FileKind.ZIP  # looks like a ZIP; extraction will report it as corrupt
    if "[Content_Types].xml" in names:
        if any(n.startswith("xl/") for n in names):
            return FileKind.XLSX
        return FileKind.UNKNOWN  # docx / pptx: an Office document, not an archive of evidence
    if "mimetype" in names and any(n == "content.xml" for n in names):
        return FileKind.UNKNOWN  # OpenDocument
    return FileKind.ZIP


def _decode_text(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3:  # a multi-byte character cut by our read window
            return data[: e.start].decode("utf-8-sig", errors="strict")
        return None


def sniff_csv(lines: list[str]) -> type[csv.Dialect] | None:
    """The CSV dialect of a sheet's first lines, sniffed on the lines that have a delimiter: a sheet
    exported with its title rows ("BẢNG TỰ ĐÁNH GIÁ…", the unit's name) starts with lines of one cell."""
    tabular = [ln for ln in lines if any(d in ln for d in _CSV_DELIMITERS)][:20]
    if not tabular:
        return None
    try:
        return csv.Sniffer().sniff("\n".join(tabular), delimiters=_CSV_DELIMITERS)
    except csv.Error:
        return None


def _text_kind(path: Path, head: bytes) -> FileKind:
    sample = head + _head(path, 65536)[len(head):]
    text = _decode_text(sample)
    if text is None or not text.strip():
        return FileKind.UNKNOWN
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        if path.stat().st_size > _JSON_PARSE_MAX:
            return FileKind.JSON  # too big to parse just to know its kind: read_sheet checks it, within its caps
        try:
            json.loads(_decode_text(path.read_bytes()) or "")
            return FileKind.JSON
        except RecursionError:
            return FileKind.JSON  # JSON nested too deep to parse: read_sheet says so (SHEET_TOO_LARGE)
        except (ValueError, TypeError):
            pass
    if stripped[:1] == "<":
        return FileKind.UNKNOWN  # HTML or XML (a web page saved as ".pdf"): markup, not a sheet
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    if len(sample) == 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    if not lines:
        return FileKind.UNKNOWN
    dialect = sniff_csv(lines)
    if dialect is None:
        return FileKind.UNKNOWN
    rows = list(csv.reader(lines, dialect))
    wide = [len(r) for r in rows if len(r) >= 2]
    if len(rows) == 1 and wide:
        return FileKind.CSV
    # a table: several rows of two or more cells, most of them of one width, and most lines tabular
    if len(wide) >= 2 and max(wide.count(w) for w in set(wide)) >= 2 and 2 * len(wide) >= len(rows):
        return FileKind.CSV
    return FileKind.UNKNOWN


def detect_kind(path: Path) -> FileKind:
    """The kind of ``path`` from its content; UNKNOWN for empty, unreadable or other files."""
    path = Path(path)
    try:
        head = _head(path)
    except OSError:
        return FileKind.UNKNOWN
    if not head:
        return FileKind.UNKNOWN
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return FileKind.TIFF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path)
    if is_archive_head(head):
        return FileKind.UNKNOWN
    if b"%PDF-" in head[:1024]:  # the PDF spec tolerates leading junk
        return FileKind.PDF
    return _text_kind(path, head)


def is_archive_head(head: bytes) -> bool:
    return head.startswith(_OTHER_ARCHIVE_MAGIC)


def is_archive(path: Path, kind: FileKind | None = None) -> bool:
    """ZIP (not XLSX/DOCX) or another archive format: something we refuse to nest."""
    kind = kind or detect_kind(path)
    if kind == FileKind.ZIP:
        return True
    try:
        return is_archive_head(_head(Path(path), 8))
    except OSError:
        return False
