"""A submission (folder or ZIP) → the list of files to read, each bad entry rejected alone.

ZIP extraction is defensive: caps on entry count, declared and actually-read sizes and
compression ratio (ZIP_BOMB), no ``..``/absolute/drive paths or symlinks, no path the disk
cannot hold (a name over 255 bytes, folders nested too deep, a path too long to store, a
name that is a file in one entry and a folder in another: UNSAFE_PATH), no encrypted
entries (ENCRYPTED_ARCHIVE_ENTRY), no data that does not decompress (CORRUPT_ARCHIVE), no
archives inside (NESTED_ARCHIVE; an XLSX is a sheet, not an archive).  When the archive as a
whole is refused (unreadable, too many entries, too large) ``Expanded.refused`` says why.
Names are NFC with forward slashes; legacy (non-UTF-8 flagged) names are recovered from
their cp437 bytes when those are valid UTF-8.
"""

from __future__ import annotations

import copy
import errno
import logging
import lzma
import os
import stat
import unicodedata
import zipfile
import zlib
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
_MAX_NAME_BYTES = 255  # one path component (NAME_MAX of Linux file systems)
_MAX_DEPTH = 32  # folders inside folders (real submissions use 2-4)
_MAX_PATH_CHARS = 300  # a whole relative path: what the database stores as a file or sheet name
_SHOWN_CHARS = 200  # a refused name longer than this is shown shortened
# reading an entry's data: a damaged stream (zlib/lzma/bz2 raise their own types; bz2 raises OSError)
_READ_ERRORS = (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error,
                lzma.LZMAError, OSError)
# creating an entry's file: errors that come from the name, not from the server (a full disk is not one)
_PATH_ERRNOS = {errno.EEXIST, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP, errno.EINVAL}


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
    refused: IngestedFile | None = None  # the whole archive was refused (also in ``rejected``): why

    def add(self, got: Entry | IngestedFile) -> None:
        """A classified file: an ``Entry`` to read, or the rejection saying why not."""
        if isinstance(got, Entry):
            self.entries.append(got)
        else:
            self.rejected.append(got)

    @property
    def evidence(self) -> list[Entry]:
        return [e for e in self.entries if e.kind in EVIDENCE_KINDS]

    @property
    def sheets(self) -> list[Entry]:
        return [e for e in self.entries if e.kind in SHEET_KINDS]


def _shown(name: str) -> str:
    """A name fit to store and show: control characters replaced, a very long one shortened in the middle."""
    name = "".join("\ufffd" if unicodedata.category(ch) == "Cc" else ch for ch in name)
    if len(name) <= _SHOWN_CHARS:
        return name
    return name[: _SHOWN_CHARS - 61] + "…" + name[-60:]


def _reject(name: str, err: IngestError, kind: FileKind = FileKind.UNKNOWN, size: int = 0) -> IngestedFile:
    name = _shown(name)
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
    if name.lower().endswith(".zip"):
        return _reject(name, _not_a_zip(name), size=size)
    return _reject(name, UnsupportedType(f"{name}: not a PDF, image, ZIP or sheet by its content"), size=size)


def _not_a_zip(name: str) -> CorruptArchive:
    shown = _shown(name)
    return CorruptArchive(f"{shown}: named .zip but its content is not a ZIP archive",
                          f"Tệp {shown} không phải tệp ZIP hợp lệ.")


def _path_problem(rel: str) -> UnsafePath | None:
    """A path the extraction folder (or the database) cannot hold, with the reason."""
    shown = _shown(rel)
    parts = rel.split("/")
    for part in parts:
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > _MAX_NAME_BYTES:
            return UnsafePath(f"{shown}: a name of {size} bytes; the limit is {_MAX_NAME_BYTES}",
                              f"Tên tệp hoặc thư mục trong {shown} dài {size} byte, vượt giới hạn "
                              f"{_MAX_NAME_BYTES} byte; đã bỏ qua tệp này.")
    if len(parts) - 1 > _MAX_DEPTH:
        return UnsafePath(f"{shown}: {len(parts) - 1} nested folders; the limit is {_MAX_DEPTH}",
                          f"Tệp {shown} nằm trong {len(parts) - 1} cấp thư mục lồng nhau, vượt giới hạn "
                          f"{_MAX_DEPTH} cấp; đã bỏ qua tệp này.")
    if len(rel) > _MAX_PATH_CHARS:
        return UnsafePath(f"{shown}: a path of {len(rel)} characters; the limit is {_MAX_PATH_CHARS}",
                          f"Đường dẫn {shown} dài {len(rel)} ký tự, vượt giới hạn {_MAX_PATH_CHARS} ký tự; "
                          "đã bỏ qua tệp này.")
    return None


def _refuse(out: Expanded, archive_name: str, err: IngestError) -> Expanded:
    out.refused = _reject(archive_name, err, kind=FileKind.ZIP)
    out.rejected.append(out.refused)
    return out


def _unique_names(out: Expanded) -> None:
    """Two entries refused under one (shown) name stay two files: a submission's file names are unique."""
    used = {e.name for e in out.entries}
    for r in out.rejected:
        name, n = r.name, 2
        while name in used:
            name, n = f"{r.name} ({n})", n + 1
        r.name = name
        used.add(name)


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
            if (problem := _path_problem(rel)) is not None:
                out.rejected.append(_reject(rel, problem))
                continue
            out.add(_classify(rel, path, s))
    out.entries.sort(key=lambda e: e.name)
    out.rejected.sort(key=lambda r: r.name)
    _unique_names(out)
    return out


def _entry_name(info: zipfile.ZipInfo) -> str:
    name = info.orig_filename  # zipfile cuts ``filename`` at a NUL ("a.pdf\x00.exe" → "a.pdf"): keep it, to refuse
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


def _clash(rel: str, files: set[str], folders: set[str]) -> UnsafePath | None:
    """``x.pdf`` extracted as a file and ``x.pdf/y.pdf`` needing it as a folder (in either order)."""
    shown = _shown(rel)
    if rel in folders:
        return UnsafePath(f"{shown}: already a folder in this archive",
                          f"Trong tệp nén, {shown} vừa là tệp vừa là thư mục; đã bỏ qua tệp này.")
    parts = rel.split("/")
    for i in range(1, len(parts)):
        parent = "/".join(parts[:i])
        if parent in files:
            return UnsafePath(f"{shown}: {parent} is a file in this archive, not a folder",
                              f"Trong tệp nén, {_shown(parent)} vừa là tệp vừa là thư mục; đã bỏ qua tệp {shown}.")
    return None


def _corrupt_entry(rel: str, e: Exception) -> CorruptArchive:
    return CorruptArchive(f"{_shown(rel)}: cannot extract: {e}",
                          f"Không giải nén được tệp {_shown(rel)}: dữ liệu trong tệp nén bị hỏng.")


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str, target: Path, s: Settings,
             budget: list[int]) -> None:
    """Stream one entry to ``target`` enforcing the actual-size and ratio caps."""
    limit = min(s.max_file_bytes, budget[0])
    written = 0
    # zipfile stops at the declared size and then reports a bad CRC: let it read on up to the caps, so an
    # entry that lies about its size (to slip past the declared-size checks) is caught as the bomb it is
    probe = copy.copy(info)
    probe.file_size = max(info.file_size, limit) + 1
    try:
        src = zf.open(probe)
    except _READ_ERRORS as e:
        raise _corrupt_entry(rel, e) from e
    try:
        with src:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                dst = open(target, "wb")
            except OSError as e:
                if e.errno in _PATH_ERRNOS:
                    raise UnsafePath(f"{rel}: cannot be created: {e.strerror}") from e
                raise
            with dst:
                while True:
                    try:
                        chunk = src.read(_CHUNK)
                    except _READ_ERRORS as e:
                        raise _corrupt_entry(rel, e) from e
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > info.file_size or written > limit:
                        raise ZipBomb(f"{rel}: expands beyond its declared size or the size caps")
                    if written > 1024 * 1024 and written / max(info.compress_size, 1) > s.zip_max_ratio:
                        raise ZipBomb(f"{rel}: compression ratio above {s.zip_max_ratio:.0f}")
                    dst.write(chunk)
    except BaseException:
        if target.is_file():
            target.unlink()
        raise
    budget[0] -= written


def zip_limits_error(archive_name: str, infos: list[zipfile.ZipInfo], *, max_entries: int,
                     max_total_bytes: int) -> ZipBomb | None:
    """ZIP_BOMB naming the limit when an archive has too many entries or declares too many bytes."""
    shown = _shown(archive_name)
    if len(infos) > max_entries:
        return ZipBomb(f"{shown}: the ZIP has {len(infos)} entries, the limit is {max_entries}",
                       f"Tệp nén {shown} có {len(infos)} tệp, vượt giới hạn {max_entries} tệp.")
    declared = sum(i.file_size for i in infos)
    if declared > max_total_bytes:
        return ZipBomb(f"{shown}: declares {declared} bytes uncompressed, the limit is {max_total_bytes}",
                       f"Tệp nén {shown} giải nén ra {declared / 1048576:.0f} MB, vượt giới hạn "
                       f"{max_total_bytes / 1048576:.0f} MB.")
    return None


def ratio_exceeded(info: zipfile.ZipInfo, max_ratio: float) -> bool:
    """An entry over 1 MB uncompressed whose declared compression ratio is above ``max_ratio``."""
    return info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > max_ratio


def _expand_zip(path: Path, workdir: Path, s: Settings) -> Expanded:
    out = Expanded()
    archive_name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except UnicodeDecodeError as e:  # a name flagged UTF-8 that is not: zipfile cannot list the archive
        return _refuse(out, archive_name, CorruptArchive(
            f"{archive_name}: an entry name flagged UTF-8 is not valid UTF-8: {e}",
            f"Tệp nén {_shown(archive_name)} có tên tệp không đọc được (không phải UTF-8 hợp lệ); không giải nén "
            "được."))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        return _refuse(out, archive_name, CorruptArchive(
            f"{archive_name}: not a readable ZIP: {e}",
            f"Tệp {_shown(archive_name)} không phải tệp ZIP hợp lệ hoặc đã bị hỏng."))
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        too_big = zip_limits_error(archive_name, infos, max_entries=s.zip_max_entries,
                                   max_total_bytes=s.zip_max_total_bytes)
        if too_big is not None:
            return _refuse(out, archive_name, too_big)
        workdir.mkdir(parents=True, exist_ok=True)
        root = workdir.resolve()
        budget = [s.zip_max_total_bytes]
        seen: set[str] = set()
        files: set[str] = set()  # extracted so far, and the folders they made: a name cannot be both
        folders: set[str] = set()
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
            if (problem := _path_problem(rel)) is not None:
                out.rejected.append(_reject(rel, problem))
                continue
            if info.flag_bits & 0x1:
                out.rejected.append(_reject(rel, EncryptedArchiveEntry(f"{rel}: encrypted archive entry")))
                continue
            if info.file_size > s.max_file_bytes:
                out.rejected.append(_reject(rel, FileTooLarge(
                    f"{rel}: {info.file_size} bytes; the limit is {s.max_file_bytes}"), size=info.file_size))
                continue
            if ratio_exceeded(info, s.zip_max_ratio):
                out.rejected.append(_reject(rel, ZipBomb(
                    f"{rel}: compression ratio {info.file_size / max(info.compress_size, 1):.0f} above "
                    f"{s.zip_max_ratio:.0f}")))
                continue
            if (clash := _clash(rel, files, folders)) is not None:
                out.rejected.append(_reject(rel, clash))
                continue
            target = (root / rel).resolve()
            if not target.is_relative_to(root):
                out.rejected.append(_reject(rel, UnsafePath(f"{rel}: resolves outside the extraction folder")))
                continue
            parts = rel.split("/")
            folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
            try:
                _extract(zf, info, rel, target, s, budget)
            except IngestError as e:
                out.rejected.append(_reject(rel, e))
                continue
            files.add(rel)
            out.add(_classify(rel, target, s))
    _unique_names(out)
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
    out.add(_classify(unicodedata.normalize("NFC", path.name), path, s))
    return out
