"""What arrives before anything is stored: uploaded files saved under server-side names, whether a path
is one unit's submission or a batch (one folder or ZIP per unit) and its units, and the one sheet of a
submission — or the real reason there is none. Sheets are told by their suffix
(``verifier.SHEET_SUFFIXES``, what ``read_sheet`` reads) because a batch is recognised before any file is
opened."""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path
from typing import BinaryIO, Protocol

import ingest
from models.claims import Sheet
from models.errors import ErrorCode, ErrorInfo
from models.pages import FileKind, IngestedFile
from models.settings import Settings, get_settings
from verifier import SHEET_SUFFIXES, SheetError, bundled_rubrics, read_sheet

from .access import Principal
from .documents import PDF_LOCK
from .errors import ServiceError, forbidden
from .sheet_headers import WrongSheet, header_report


def looks_like_sheet(name: str) -> bool:
    return name.lower().endswith(SHEET_SUFFIXES)


def _has_sheet(folder: Path, depth_zero_only: bool = False) -> bool:
    it = folder.iterdir() if depth_zero_only else folder.rglob("*")
    return any(p.is_file() and looks_like_sheet(p.name) and not p.name.startswith(".") for p in it)


def find_units(root: Path) -> list[tuple[str, Path]]:
    """The unit submissions of a batch folder: subfolders holding a sheet, and ZIP files."""
    units = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name == "__MACOSX":
            continue
        if child.is_dir() and _has_sheet(child):
            units.append((child.name, child))
        elif child.is_file() and ingest.detect_kind(child) == FileKind.ZIP:
            units.append((child.stem, child))
    return units


def is_batch(path: Path) -> bool:
    """A folder with no sheet of its own and at least two unit submissions inside, or a ZIP like it."""
    if path.is_file():
        return _zip_is_batch(path)
    return path.is_dir() and not _has_sheet(path, depth_zero_only=True) and len(find_units(path)) >= 2


def _zip_is_batch(path: Path) -> bool:
    """A ZIP with no sheet at its top and at least two unit folders or ZIPs (read from its names only)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/") and not n.startswith("__MACOSX")]
    except (zipfile.BadZipFile, OSError):
        return False
    top_sheets = [n for n in names if "/" not in n and looks_like_sheet(n)]
    units = {n.split("/", 1)[0] for n in names if "/" in n} | {n for n in names if "/" not in n
                                                              and n.lower().endswith(".zip")}
    return not top_sheets and len(units) >= 2


# --------------------------------------------------------------------------- uploads

_SAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class Upload(Protocol):
    """An uploaded file as web frameworks hand it over (Starlette's ``UploadFile`` is one)."""

    filename: str | None
    file: BinaryIO


def check_upload(p: Principal, unit: str | None, rubric: str) -> str | None:
    """What an upload from people may ask for, checked before any byte is stored: a bundled rubric (never
    a path on the server), and a unit token only for its own unit. Returns the unit the upload is for."""
    if rubric not in bundled_rubrics():
        raise ServiceError(ErrorCode.RUBRIC_INVALID,
                           f"unknown rubric {rubric!r}; bundled: {', '.join(bundled_rubrics())}",
                           f"Không có bộ tiêu chí “{rubric}” (có sẵn: {', '.join(bundled_rubrics())}).")
    unit_name = (unit or "").strip() or None
    if not p.is_staff and unit_name and unit_name != p.unit_name:
        raise forbidden("Mã truy cập của đơn vị chỉ được nộp hồ sơ của đơn vị mình.")
    return unit_name if p.is_staff else p.unit_name


def display_name(files: list[Upload]) -> str:
    """How a submission made of uploaded files is named in lists: its files' names."""
    return ", ".join(f.filename or "" for f in files)[:300]


def safe_name(name: str | None, fallback: str) -> str:
    """A client file name reduced to a harmless base name (kept for display and for citations by file name)."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = _SAFE_NAME.sub("_", base).strip(". ")
    return base[:200] or fallback


def save_uploads(files: list[Upload], dest: Path) -> list[Path]:
    paths = []
    for i, up in enumerate(files):
        target = dest / safe_name(up.filename, f"file-{i}")
        while target.exists():
            target = target.with_name(f"{target.stem}-{i}{target.suffix}")
        with open(target, "wb") as out:
            shutil.copyfileobj(up.file, out, 1024 * 1024)
        paths.append(target)
    return paths


def require_zip(path: Path) -> None:
    """A batch is one ZIP (one folder or ZIP per unit inside)."""
    if ingest.detect_kind(path) != FileKind.ZIP:
        raise ServiceError(ErrorCode.UNSUPPORTED_TYPE, "a batch is one ZIP", "Lô hồ sơ phải là một tệp ZIP.")


def submission_root(paths: list[Path], folder: Path) -> Path:
    """The ZIP itself when one ZIP was uploaded; the folder when a sheet plus files were. One other file
    alone is refused (``ServiceError``) with what was wrong with it — a lone evidence file: NO_SHEET; bytes
    named .zip: CORRUPT_ARCHIVE; … — classified like any submission entry, never extracted."""
    kinds = [ingest.detect_kind(p) for p in paths]
    if len(paths) == 1 and kinds[0] == FileKind.ZIP:
        return paths[0]
    if len(paths) == 1 and kinds[0] not in ingest.SHEET_KINDS:
        raise no_sheet_error(ingest.expand_submission(paths[0], folder))
    return folder


# --------------------------------------------------------------------------- the sheet


def _said(name: str, message_vi: str, code: ErrorCode) -> str:
    """One file's problem for people: the file, what was wrong, the code (to look up or report)."""
    text = message_vi.rstrip(" .")
    return f"{text if name in text else f'{name}: {text}'} ({code.value})"


def _refusal(entry: IngestedFile) -> ErrorInfo:
    """Why expansion refused an entry (every refused entry carries its reason)."""
    if entry.error is None:
        return ErrorInfo(code=ErrorCode.INTERNAL, message=f"{entry.name} was refused", message_vi="Tệp bị từ chối.")
    return entry.error


def no_sheet_error(expanded: ingest.Expanded, sheet_name: str | None = None) -> ServiceError:
    """Why no sheet was found — the archive's or the entries' own reason when expansion refused them."""
    if expanded.refused is not None:  # the whole ZIP: unreadable, too many entries, too large
        err = _refusal(expanded.refused)
        return ServiceError(err.code, err.message, _said(expanded.refused.name, err.message_vi, err.code) + ".")
    refused_sheets = [r for r in expanded.rejected if looks_like_sheet(r.name)]
    refused = refused_sheets or ([] if expanded.entries else expanded.rejected)
    if refused:  # the sheet was there but refused (encrypted, empty, …), or nothing at all could be taken
        errors = [_refusal(r) for r in refused]
        code = Counter(e.code for e in errors).most_common(1)[0][0]
        shown = [_said(r.name, e.message_vi or e.message, e.code) for r, e in zip(refused[:5], errors, strict=False)]
        more = f"; và {len(refused) - 5} tệp khác" if len(refused) > 5 else ""
        lead = ("Bảng tự đánh giá bị từ chối: " if refused_sheets
                else "" if len(refused) == 1 else "Không có tệp nào trong hồ sơ đọc được: ")
        return ServiceError(code, "; ".join(f"{r.name}: {e.message}" for r, e in zip(refused, errors, strict=True)),
                            lead + "; ".join(shown) + more + ".")
    if len(expanded.entries) == 1 and expanded.entries[0].kind in ingest.EVIDENCE_KINDS:
        entry = expanded.entries[0]
        broken = _lone_file_problem(entry)
        return ServiceError(ErrorCode.NO_SHEET, f"only one evidence file ({entry.name}); the self-assessment sheet "
                            f"is missing" + (f"; the file itself: {broken.message}" if broken else ""),
                            f"Hồ sơ chỉ có một tệp minh chứng ({entry.name}), thiếu bảng tự đánh giá (XLSX, CSV hoặc "
                            f"JSON)." + (" Ngoài ra " + _said(entry.name, broken.message_vi or broken.message,
                                                              broken.code) + "." if broken else ""))
    if sheet_name:
        return ServiceError(ErrorCode.NO_SHEET, f"no self-assessment sheet named {sheet_name} in the submission",
                            f"Không tìm thấy bảng tự đánh giá {sheet_name} trong hồ sơ.")
    return ServiceError(ErrorCode.NO_SHEET, "no self-assessment sheet (XLSX, CSV or JSON) in the submission",
                        "Không tìm thấy bảng tự đánh giá (XLSX, CSV hoặc JSON) trong hồ sơ.")


def _lone_file_problem(entry: ingest.Entry) -> ErrorInfo | None:
    """What is wrong with an evidence file sent alone (a corrupt or encrypted PDF…), from its preflight."""
    with PDF_LOCK:
        check = ingest.preflight(entry.path, get_settings(), entry.kind)
    return check.error


def _sheet_refused(errors: list[tuple[ingest.Entry, SheetError]], settings: Settings | None) -> ServiceError:
    """No candidate sheet could be read: each one's reason; when a sheet had no header row, the headers
    found against those expected (``WrongSheet``)."""
    message = "no readable self-assessment sheet: " + "; ".join(f"{e.name}: {x.message}" for e, x in errors)
    message_vi = "Không đọc được bảng tự đánh giá: " + "; ".join(_said(e.name, x.message_vi, x.code)
                                                                 for e, x in errors) + "."
    for e, x in errors:
        report = header_report(e.path, e.name, settings) if x.code == ErrorCode.SHEET_INVALID else None
        if report is not None:
            return WrongSheet(message, message_vi, report)
    return ServiceError(errors[0][1].code, message, message_vi)


def pick_sheet(expanded: ingest.Expanded, sheet_name: str | None,
               settings: Settings | None = None) -> tuple[ingest.Entry, Sheet]:
    """The one readable sheet of an expanded submission, or a ServiceError with the real reason: the
    archive's or entries' own code when expansion refused them, the sheet's when it cannot be read."""
    candidates = expanded.sheets
    if sheet_name:
        candidates = [e for e in candidates if e.name == sheet_name or Path(e.name).name == sheet_name]
    if not candidates:
        raise no_sheet_error(expanded, sheet_name)
    readable: list[tuple[ingest.Entry, Sheet]] = []
    errors: list[tuple[ingest.Entry, SheetError]] = []
    for e in candidates:
        try:
            readable.append((e, read_sheet(e.path, name=e.name, settings=settings)))
        except SheetError as exc:
            errors.append((e, exc))
    if not readable:
        raise _sheet_refused(errors, settings)
    if len(readable) > 1:
        names = ", ".join(e.name for e, _ in readable)
        raise ServiceError(ErrorCode.MANY_SHEETS, f"several sheets found ({names}); choose one with --sheet",
                           f"Có nhiều bảng tự đánh giá ({names}); một hồ sơ chỉ có một bảng: hãy bỏ các bảng "
                           f"thừa rồi tải lên lại (dòng lệnh: chọn một bảng bằng --sheet).")
    return readable[0]
