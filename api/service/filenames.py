"""The names of the files people download, and the ``Content-Disposition`` that carries them (RFC 6266).

A report is named after its unit and year in Vietnamese (``bao-cao-Sở-Tư-pháp-tỉnh-Đồng-Nai-2024.xlsx``).
The header sends that name as UTF-8 in ``filename*=UTF-8''…`` (RFC 8187 percent-encoding), which every
current browser uses, and an ASCII fallback in ``filename="…"`` for clients that read only that one: the
same name transliterated (accents stripped, đ → d, Đ → D: ``bao-cao-So-Tu-phap-tinh-Dong-Nai-2024.xlsx``),
never a name with its Vietnamese letters cut out.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# What a file name may not hold on common systems, control characters, and runs of white space.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]+')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_VIET_D = str.maketrans({"đ": "d", "Đ": "D"})  # the one Vietnamese letter that does not decompose


def safe_filename(name: str, default: str = "tai-lieu") -> str:
    """``name`` as a file name (NFC, Vietnamese letters kept): separators, control characters and white space
    become single hyphens."""
    text = _UNSAFE.sub("-", unicodedata.normalize("NFC", name))
    return re.sub(r"-{2,}", "-", text).strip("-.") or default


def ascii_filename(name: str, default: str = "tai-lieu") -> str:
    """``name`` transliterated to ASCII letters, digits, ``.``, ``_`` and ``-``: accents stripped, đ → d,
    Đ → D ('bao-cao-Sở-Tư-pháp' → 'bao-cao-So-Tu-phap'); anything else becomes a hyphen."""
    folded = unicodedata.normalize("NFD", name.translate(_VIET_D))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    text = _NOT_ASCII_SAFE.sub("-", unicodedata.normalize("NFC", plain))
    return re.sub(r"-{2,}", "-", text).strip("-.") or default


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` value for a download named ``name`` (RFC 6266): the ASCII fallback as a
    quoted ``filename``, then the UTF-8 name as ``filename*`` when it differs from the fallback."""
    utf8 = safe_filename(name)
    fallback = ascii_filename(utf8)
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if utf8 != fallback:
        value += f"; filename*=UTF-8''{quote(utf8, safe='')}"
    return value


def report_filename(unit: str | None, year: int | None, fmt: str) -> str:
    """A report's file name: 'bao-cao-Sở-Tư-pháp-tỉnh-Đồng-Nai-2024.xlsx' (the unit's name as it is written)."""
    stem = safe_filename("-".join(str(p) for p in ("bao-cao", unit or "don-vi", year or "") if p), "bao-cao")
    return f"{stem}.{fmt}"


# What an evidence file (PDF or image) is served as, by its kind detected from its content (``Blob.kind``,
# ``ingest.detect_kind``), never from its name: nothing a unit sent is served as HTML or script.
EVIDENCE_MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}
