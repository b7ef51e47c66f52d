"""A submission (folder or ZIP) → the list of files to read, each bad entry rejected alone.

ZIP extraction is defensive: caps on entry count, declared and actually-read sizes and
compression ratio (ZIP_BOMB), no ``..``/absolute/drive paths or symlinks (UNSAFE_PATH),
no encrypted entries (ENCRYPTED_ARCHIVE_ENTRY), no archives inside (NESTED_ARCHIVE; an
XLSX is a sheet, not an archive).  Names are NFC with forward slashes; legacy (non-UTF-8
flagged) names are recovered from their cp437 bytes when those are valid UTF-8.
"""

from __future__ import annotations

import logging
import os
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from models import PIPELINE_VERSION
from models.pages import FileKind, IngestedFile
from models.settings import Settings, get_settings

from .detect import EVIDENCE_KINDS, SHEET_KINDS, detect_kind, is_archive
from .exceptions import (
    CorruptArchive,
    EmptyFile,
    EncryptedArchiveEntry,
    FileTooLarge,
    IngestError,
    NestedArchive,
    UnsafePath,
    UnsupportedType,
    ZipBomb,
)

log = logging.getLogger(__name__)

_CHUNK = 256 * 1024
_JUNK_NAMES = {"thumbs.db", "desktop.ini"}


@dataclass
class Entry:
    """One file of a submission."""

    name: str  # relative path inside the submission, forward slashes
    path: Path  # local file to read
    kind: FileKind
    pages: tuple[int, int] | None = None  # read only these pages (1-based, inclusive); see merge_parts


@dataclass
class Expanded:
    entries: list[Entry] = field(default_factory=list)  # evidence and sheet candidates
    rejected: list[IngestedFile] = field(default_factory=list)  # entries that failed alone

    @property
    def evidence(self) -> list[Entry]:
        return [e for e in self.entries if e.kind in EVIDENCE_KINDS]

    @property
    def sheets(self) -> list[Entry]:
        return [e for e in self.entries if e.kind in SHEET_KINDS]


def _reject(name: str, err: IngestError, kind: FileKind = FileKind.UNKNOWN, size: int = 0) -> IngestedFile:
    log.warning("rejected %s: %s %s", name, err.code.value, err.message, extra={"file": name, "code": err.code.value})
    return IngestedFile(name=name, kind=kind, size=size, status="error", error=err.info(),
                        pipeline_version=PIPELINE_VERSION)


def _skipped(rel: str) -> bool:
    parts = rel.split("/")
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or parts[-1].lower() in _JUNK_NAMES


def _classify(name: str, path: Path, s: Settings) -> Entry | IngestedFile:
    """An Entry for a readable file, or the rejection explaining why not."""
    size = path.stat().st_size
    if size == 0:
        return _reject(name, EmptyFile(f"{name}: file is empty"))
    if size > s.max_file_bytes:
        return _reject(name, FileTooLarge(f"{name}: {size} bytes; the limit is {s.max_file_bytes}"), size=size)
    kind = detect_kind(path)
    if kind in EVIDENCE_KINDS or kind in SHEET_KINDS:
        return Entry(name=name, path=path, kind=kind)
    if is_archive(path, kind):
        return _reject(name, NestedArchive(f"{name}: archive inside the submission"), kind=kind, size=size)
    return _reject(name, UnsupportedType(f"{name}: not a PDF, image, ZIP or sheet by its content"), size=size)


def _walk_folder(root: Path, s: Settings) -> Expanded:
    out = Expanded()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__MACOSX")
        for fn in sorted(filenames):
            path = Path(dirpath) / fn
            rel = unicodedata.normalize("NFC", path.relative_to(root).as_posix())
            if _skipped(rel):
                continue
            if path.is_symlink():
                out.rejected.append(_reject(rel, UnsafePath(f"{rel}: symbolic links are not followed")))
                continue
            got = _classify(rel, path, s)
            (out.entries if isinstance(got, Entry) else out.rejected).append(got)
    out.entries.sort(key=lambda e: e.name)
    out.rejected.sort(key=lambda r: r.name)
    return out


def _entry_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: zipfile decoded it as cp437
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _safe_relpath(name: str) -> str | None:
    """The normalised relative path, or None if it escapes the extraction folder."""
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        return None
    parts = PurePosixPath(name).parts
    if any(p == ".." for p in parts):
        return None
    clean = [p for p in parts if p not in ("", ".")]
    return "/".join(clean) if clean else None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, s: Settings, budget: list[int]) -> None:
    """Stream one entry to ``target`` enforcing the actual-size and ratio caps."""
    limit = min(s.max_file_bytes, budget[0])
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zf.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size or written > limit:
                    raise ZipBomb(f"{info.filename}: expands beyond its declared size or the size caps")
                if written > 1024 * 1024 and written / max(info.compress_size, 1) > s.zip_max_ratio:
                    raise ZipBomb(f"{info.filename}: compression ratio above {s.zip_max_ratio:.0f}")
                dst.write(chunk)
    except (ZipBomb, OSError):
        target.unlink(missing_ok=True)
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as e:
        target.unlink(missing_ok=True)
        raise CorruptArchive(f"{info.filename}: cannot extract: {e}") from e
    budget[0] -= written


def _expand_zip(path: Path, workdir: Path, s: Settings) -> Expanded:
    out = Expanded()
    archive_name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        out.rejected.append(_reject(archive_name, CorruptArchive(f"{archive_name}: not a readable ZIP: {e}"),
                                    kind=FileKind.ZIP))
        return out
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > s.zip_max_entries:
            out.rejected.append(_reject(archive_name, ZipBomb(
                f"{archive_name}: {len(infos)} entries; the limit is {s.zip_max_entries}"), kind=FileKind.ZIP))
            return out
        declared = sum(i.file_size for i in infos)
        if declared > s.zip_max_total_bytes:
            out.rejected.append(_reject(archive_name, ZipBomb(
                f"{archive_name}: declares {declared} bytes uncompressed; the limit is {s.zip_max_total_bytes}"),
                kind=FileKind.ZIP))
            return out
        workdir.mkdir(parents=True, exist_ok=True)
        root = workdir.resolve()
        budget = [s.zip_max_total_bytes]
        seen: set[str] = set()
        for info in infos:
            name = _entry_name(info)
            rel = _safe_relpath(name)
            if rel is None or _is_symlink(info):
                out.rejected.append(_reject(name, UnsafePath(f"{name}: unsafe path in archive")))
                continue
            if _skipped(rel):
                continue
            if rel in seen:
                log.warning("duplicate entry %s in %s; keeping the first", rel, archive_name)
                continue
            seen.add(rel)
            if info.flag_bits & 0x1:
                out.rejected.append(_reject(rel, EncryptedArchiveEntry(f"{rel}: encrypted archive entry")))
                continue
            if info.file_size > s.max_file_bytes:
                out.rejected.append(_reject(rel, FileTooLarge(
                    f"{rel}: {info.file_size} bytes; the limit is {s.max_file_bytes}"), size=info.file_size))
                continue
            if info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > s.zip_max_ratio:
                out.rejected.append(_reject(rel, ZipBomb(
                    f"{rel}: compression ratio {info.file_size / max(info.compress_size, 1):.0f} above "
                    f"{s.zip_max_ratio:.0f}")))
                continue
            target = (root / rel).resolve()
            if not target.is_relative_to(root):
                out.rejected.append(_reject(rel, UnsafePath(f"{rel}: resolves outside the extraction folder")))
                continue
            try:
                _extract(zf, info, target, s, budget)
            except IngestError as e:
                out.rejected.append(_reject(rel, e))
                continue
            got = _classify(rel, target, s)
            (out.entries if isinstance(got, Entry) else out.rejected).append(got)
    return out


def expand_submission(path: Path, workdir: Path, settings: Settings | None = None) -> Expanded:
    """List the files of a submission: a folder (walked, hidden files skipped) or a ZIP
    (extracted safely into ``workdir``).  A single evidence or sheet file is a submission
    of one.  Never raises for bad content: bad entries come back in ``rejected``."""
    s = settings or get_settings()
    path = Path(path)
    if path.is_dir():
        return _walk_folder(path, s)
    if not path.exists():
        raise FileNotFoundError(path)
    kind = detect_kind(path)
    if kind == FileKind.ZIP:
        return _expand_zip(path, Path(workdir), s)
    out = Expanded()
    got = _classify(unicodedata.normalize("NFC", path.name), path, s)
    (out.entries if isinstance(got, Entry) else out.rejected).append(got)
    return out
