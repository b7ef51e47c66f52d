"""Vietnamese texts shown to appraisers. Code, logs and docs stay in English.

Every code an appraiser could see (verdict, severity, finding, file status, error, document kind,
identity field) has its Vietnamese label in one data file, ``verifier/data/labels_vi.yaml``, read here
and only here. Renderers show the label and keep the code as a tooltip; report.json keeps the code.
"""

from __future__ import annotations

import datetime as dt
import math
from importlib import resources
from zoneinfo import ZoneInfo

import yaml

from .matching import expand_abbreviations, issuing_body

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the one time zone of Vietnam (UTC+07:00, no daylight saving)

LABELS: dict[str, dict[str, str]] = yaml.safe_load(
    resources.files("verifier").joinpath("data/labels_vi.yaml").read_text("utf-8"))

VERDICT_VI = LABELS["verdicts"]
SEVERITY_VI = LABELS["severities"]
FINDING_VI = LABELS["findings"]
FILE_STATUS_VI = LABELS["file_status"]
ERROR_VI = LABELS["errors"]
KIND_VI = LABELS["kinds"]  # models.extraction.DocumentKind, as an appraiser reads it
FIELD_VI = LABELS["fields"]


def label(group: str, code) -> str:
    """The Vietnamese label of ``code`` (a str or a str Enum) in ``group`` (a section of labels_vi.yaml);
    a code the file does not know is shown as it is rather than hidden."""
    key = getattr(code, "value", code)
    return LABELS[group].get(key, key)


def level_title(level: str, title: str) -> str:
    """A field's or a criterion's title after its level as appraisers name it (``levels`` in labels_vi.yaml):
    'Lĩnh vực: Công tác chỉ đạo, điều hành CCHC'."""
    name = label("levels", level)
    return f"{name}: {title}" if title else name


def deadline_time(value: str | dt.datetime | None) -> str:
    """A deadline as people write it: a step that closes at midnight Vietnam time closes at the end of the day
    before ('hết ngày 28/11/2026', not '29/11/2026 00:00'); any other moment as ``local_time``."""
    if not value:
        return "—"
    t = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    t = (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(VN_TZ)
    if (t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0):
        return f"hết ngày {t - dt.timedelta(days=1):%d/%m/%Y}"
    return local_time(t)


def local_time(value: str | dt.datetime | None) -> str:
    """An ISO timestamp (or datetime; naive means UTC) as Vietnam reads it, offset shown:
    '2026-12-02T03:30:04+00:00' -> '02/12/2026 10:30 (UTC+07:00)'."""
    if not value:
        return "—"
    t = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    t = t.astimezone(VN_TZ)
    offset = t.strftime("%z")
    return f"{t:%d/%m/%Y %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def vn_day(value: str | dt.date | None) -> str:
    """'2024-02-20' -> '20/02/2024'; text that is no ISO date is returned as it is."""
    d = iso_date(value)
    if d is not None:
        return d.strftime("%d/%m/%Y")
    return value if isinstance(value, str) else ""  # a date always converts: only text or None is left


def iso_date(value: str | dt.date | None) -> dt.date | None:
    """A date from an ISO 'YYYY-MM-DD' string (FileSummary.issued_on), None when it is not one."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def file_notes(fs) -> list[str]:
    """What an appraiser should know of how a file was read (a ``FileSummary``): its kind when it is not an
    administrative document, the identity fields to check by eye, the ingest notes."""
    out = []
    if fs.status == "ok" and fs.kind in ("no_header", "not_a_document"):  # "unknown": a report from before kinds
        out.append(KIND_VI.get(fs.kind, fs.kind))
    if fs.needs_review:
        out.append("Cần kiểm tra lại: " + ", ".join(FIELD_VI.get(k, k) for k in fs.needs_review))
    return out + list(fs.notes)


def score(v: float | None) -> str:
    """0.5 -> '0,5'; 2.0 -> '2' (decimal comma, as in the sheets)."""
    if v is None:
        return "—"
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_score(raw: str) -> float | None:
    """A number as people type it, decimal comma or point ('0,5', '1.5'); None when it is not a finite number."""
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def percent(v: float) -> str:
    return score(v) + "%"


def doc_label(f) -> str:
    number = f.number or "không rõ số"
    return f"{number} ({f.name})"


def issuer_label(f) -> str:
    """The issuer as printed in the header: 'ỦY BAN NHÂN DÂN TỈNH / ĐỒNG NAI' when it spans two lines."""
    doc = f.extraction.document
    body = issuing_body(doc.issuer, doc.parent_issuer)
    if doc.parent_issuer and doc.issuer and body and body != expand_abbreviations(doc.issuer):
        return f"{doc.parent_issuer} {doc.issuer}"
    return doc.issuer or "không rõ"
