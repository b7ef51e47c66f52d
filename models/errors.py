"""Stable error codes. They are part of the interface: never renumber or rename."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel


class ErrorCode(str, Enum):
    # ingest: one file is rejected, the rest of the submission goes on
    EMPTY_FILE = "EMPTY_FILE"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    CORRUPT_PDF = "CORRUPT_PDF"
    ENCRYPTED_PDF = "ENCRYPTED_PDF"
    NO_PAGES = "NO_PAGES"
    TOO_MANY_PAGES = "TOO_MANY_PAGES"
    PIXEL_LIMIT = "PIXEL_LIMIT"
    CORRUPT_IMAGE = "CORRUPT_IMAGE"
    ZIP_BOMB = "ZIP_BOMB"
    UNSAFE_PATH = "UNSAFE_PATH"
    NESTED_ARCHIVE = "NESTED_ARCHIVE"
    ENCRYPTED_ARCHIVE_ENTRY = "ENCRYPTED_ARCHIVE_ENTRY"
    CORRUPT_ARCHIVE = "CORRUPT_ARCHIVE"
    OCR_TIMEOUT = "OCR_TIMEOUT"
    OCR_FAILED = "OCR_FAILED"
    # submission level
    NO_SHEET = "NO_SHEET"
    MANY_SHEETS = "MANY_SHEETS"
    SHEET_INVALID = "SHEET_INVALID"
    RUBRIC_INVALID = "RUBRIC_INVALID"
    UNIT_MISMATCH = "UNIT_MISMATCH"  # a unit's token submitting another unit's sheet
    INTERNAL = "INTERNAL"
    SHEET_TOO_LARGE = "SHEET_TOO_LARGE"  # the sheet is over a row/column/cell/size/depth cap (models/settings.py)


# Process exit codes of the CLI (kept stable, documented in README).
EXIT_OK = 0
EXIT_FINDINGS = 1  # check ran; at least one criterion is not SUPPORTED
EXIT_USAGE = 2
EXIT_INPUT = 3  # the submission itself cannot be read (no sheet, bad rubric)
EXIT_INTERNAL = 4


class ErrorInfo(BaseModel):
    """A recorded failure: stable code, English message for logs, Vietnamese for appraisers."""

    code: ErrorCode
    message: str
    message_vi: str = ""
