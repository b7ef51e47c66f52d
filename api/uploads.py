"""Uploaded files → a submission folder on the server: server-side names, content-type by magic bytes."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from fastapi import UploadFile

import ingest
from models.errors import ErrorCode, ErrorInfo
from models.pages import FileKind

from .pipeline import no_sheet_error

_SAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


class UploadShapeError(ValueError):
    """Neither one ZIP nor a sheet plus files: one file alone that is not a submission. ``info`` says what
    was wrong with it (a lone evidence file: NO_SHEET; bytes named .zip: CORRUPT_ARCHIVE; …)."""

    message = "upload one ZIP, or a sheet plus evidence files"
    message_vi = "Hãy tải lên một tệp ZIP, hoặc bảng tự đánh giá kèm các tệp minh chứng."

    def __init__(self, info: ErrorInfo):
        super().__init__(info.message)
        self.info = info
        self.message, self.message_vi = info.message, info.message_vi

    @property
    def status(self) -> int:
        return 415 if self.info.code == ErrorCode.UNSUPPORTED_TYPE else 422


def safe_name(name: str | None, fallback: str) -> str:
    """A client file name reduced to a harmless base name (kept for display and for citations by file name)."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = _SAFE_NAME.sub("_", base).strip(". ")
    return base[:200] or fallback


def save_uploads(files: list[UploadFile], dest: Path) -> list[Path]:
    paths = []
    for i, up in enumerate(files):
        target = dest / safe_name(up.filename, f"file-{i}")
        while target.exists():
            target = target.with_name(f"{target.stem}-{i}{target.suffix}")
        with open(target, "wb") as out:
            shutil.copyfileobj(up.file, out, 1024 * 1024)
        paths.append(target)
    return paths


def submission_root(paths: list[Path], folder: Path) -> Path:
    """The ZIP itself when one ZIP was uploaded; the folder when a sheet plus files were. One other file
    alone is refused with what was wrong with it (classified like any submission entry, never extracted)."""
    kinds = [ingest.detect_kind(p) for p in paths]
    if len(paths) == 1 and kinds[0] == FileKind.ZIP:
        return paths[0]
    if len(paths) == 1 and kinds[0] not in ingest.SHEET_KINDS:
        raise UploadShapeError(no_sheet_error(ingest.expand_submission(paths[0], folder)).info)
    return folder
