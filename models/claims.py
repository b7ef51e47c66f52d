"""The self-assessment sheet as read: one claim per sub-criterion row."""

from __future__ import annotations

from pydantic import BaseModel


class Citation(BaseModel):
    """One item of the 'Tài liệu kiểm chứng' cell."""

    raw: str
    number: str | None = None  # canonical document number if the item names one
    file_name: str | None = None  # if the item names a file
    issued_on: str | None = None  # ISO date stated with the number, if any
    pages: list[int] = []  # "trang 3", "tr. 2-4"
    section: str | None = None  # "mục II"


class Claim(BaseModel):
    row: int  # 1-based row in the sheet (spreadsheet row number)
    code: str
    stt: str = ""  # the unit's own numbering of the row (the STT column as written: "I", "1", "a"); "" if none
    title: str = ""
    max_score: float | None = None
    claimed_score: float | None = None
    citations: list[Citation] = []
    self_reported: str | None = None  # raw 'Giá trị tự báo cáo'
    self_reported_value: float | None = None  # parsed number (percent or count)
    self_reported_date: str | None = None  # parsed ISO date if it is a date
    explanation: str | None = None  # 'Giải trình'


class SheetIssue(BaseModel):
    row: int | None = None
    column: str | None = None
    message: str  # English, for logs
    message_vi: str  # for appraisers


class Sheet(BaseModel):
    file: str
    unit: str | None = None
    year: int | None = None
    header_row: int | None = None
    columns: dict[str, str] = {}  # canonical column key -> header text found
    claims: list[Claim] = []
    issues: list[SheetIssue] = []
