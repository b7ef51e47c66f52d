"""The laws part of the real corpus: a development set outside the vbpl DEV/TEST split.

``<corpus>/laws/`` holds 208 laws and codes with real Decree-30 headers (source: the
CP_Vietnamese-VLC corpus of underthesea; see ``tests/corpus/README.md``).  They are not part
of vbpl, so looking at their failures is not tuning on the vbpl TEST part.

**Gold identity** is the hand-resolved header gold of ``tests/extractors/gold/identity.yaml``
(number, issue date, type, issuer from each file's ``Số:`` / ``Luật số:`` line, its
place-and-date line and its type line, cross-checked against the file name); the signer is
the name under the text's signing title (``CHỦ TỊCH QUỐC HỘI`` / ``Nguyễn Sinh Hùng``;
:func:`signer_of`; none where the text prints a name without a title above it).  Its ``null``
means "the header does not state it", so the gold is exhaustive: a value reported where the
gold has none is wrong (``Gold.exhaustive``).  Files outside that gold set (the two 1957
laws with no modern header) are left out.

**Print layout.**  The laws texts give the header row by row (``QUỐC HỘI -------`` then
``CỘNG HÒA … Độc lập - Tự do - Hạnh phúc ------``, then ``Số: …``, then the date line), with the
web page's rule characters; vbpl gives it cell by cell, left column then right.
:func:`print_layout` rewrites the lines before the type line into the vbpl order (issuing
body, ``Số:`` line, Quốc hiệu, motto, date line; rules dropped, the Quốc hiệu and motto on
lines of their own) so that ``bench.realistic.render_vbpl`` prints both alike.  Nothing after
the type line is changed; other lines of the header zone stay, in order, after the date line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import yaml

from .common import ROOT
from .corpus import Gold

IDENTITY_GOLD = ROOT / "tests" / "extractors" / "gold" / "identity.yaml"
PART = "laws"

_TYPE_LINE = re.compile(r"^(?:LUẬT|BỘ LUẬT|PHÁP LỆNH|SẮC LỆNH)$")
_RULE = re.compile(r"\s*[-_–—=*~.·]{3,}\s*$")
_ONLY_RULE = re.compile(r"^\s*[-_–—=*~.·]{3,}\s*$")
_MOTTO_SPLIT = re.compile(r"\s+(?=Độc\s+lập)")
_QUOC_HIEU = re.compile(r"^CỘNG\s+H[OÒ][AÀ]\s", re.IGNORECASE)
_NUMBER = re.compile(r"^(?:(?:Bộ\s+)?Luật\s+)?S[ốỐ]\s*:", re.IGNORECASE)
_DATE = re.compile(r",\s*ngày\b.*\btháng\b.*\bnăm\b", re.IGNORECASE)
# a type line that carries its title on the same line ("LUẬT BƯU CHÍNH")
_TYPE_WITH_TITLE = re.compile(r"^(LUẬT|BỘ LUẬT)\s+(\S.*)$")
_SIGN_TITLE = re.compile(r"^(?:(?:TM|KT|Q|TL|TUQ)\.\s.+|(?:PHÓ\s+)?CHỦ TỊCH(?:\s+QUỐC HỘI)?)$")
_PERSON = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+\s+){1,4}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")
_SIGNED = "(Đã ký)"


class LawDocument(NamedTuple):
    id: str  # the file name without .txt
    text: str  # in print layout (see the module docstring)
    gold: Gold


def _signing_title(lines: list[str]) -> int | None:
    """Index of the last signing title followed by a person's name (``CHỦ TỊCH QUỐC HỘI`` /
    ``Nguyễn Sinh Hùng``), else ``None``."""
    for i in range(len(lines) - 2, -1, -1):
        if not _SIGN_TITLE.match(lines[i].strip()):
            continue
        j = i + 2 if lines[i + 1].strip() == _SIGNED else i + 1
        if j < len(lines) and _PERSON.match(lines[j].strip()):
            return i
    return None


def signer_of(text: str) -> str | None:
    """The signer's name under the text's signing title (the laws' signer gold), else ``None``."""
    lines = text.split("\n")
    i = _signing_title(lines)
    if i is None:
        return None
    j = i + 2 if lines[i + 1].strip() == _SIGNED else i + 1
    return lines[j].strip()


def print_layout(text: str) -> str:
    """The header zone rewritten cell by cell (vbpl order), a type line carrying its title split
    in two, and the signing block given vbpl's ``(Đã ký)`` placeholder between title and name
    (the renderer prints the block in the right column with a seal and a signature, not the
    placeholder); the rest of the text unchanged."""
    lines = unicodedata.normalize("NFC", text).split("\n")
    k = _signing_title(lines)
    if k is not None and lines[k + 1].strip() != _SIGNED:
        lines[k + 1:k + 1] = [_SIGNED]
    for i, ln in enumerate(lines[:16]):
        m = _TYPE_WITH_TITLE.match(" ".join(ln.split()))
        if m and i > 0 and _DATE.search(lines[i - 1]) or (m and i > 0 and _NUMBER.match(lines[i - 1].strip())):
            if m.group(2).isupper():
                lines[i:i + 1] = [m.group(1), m.group(2)]
            break
    ti = next((i for i, ln in enumerate(lines[:16]) if _TYPE_LINE.match(" ".join(ln.split()))), None)
    if ti is None:
        return "\n".join(lines)
    issuer, number, right, date, other = [], [], [], [], []
    for raw in lines[:ti]:
        if _ONLY_RULE.match(raw) or not raw.strip():
            continue
        t = _RULE.sub("", raw).strip()
        if _QUOC_HIEU.match(t) or t.startswith("Độc lập"):
            right.extend(p.strip() for p in _MOTTO_SPLIT.split(t))
        elif _NUMBER.match(t) and not number:
            number.append(t)
        elif _DATE.search(t) and not date:
            date.append(t)
        elif not number and not right:
            issuer.append(t)
        else:
            other.append(t)
    return "\n".join([*issuer, *number, *right, *date, *other, *lines[ti:]])


def law_documents(corpus: Path) -> Iterator[LawDocument]:
    """Every law of ``<corpus>/laws`` with a gold header label, by file name."""
    folder = Path(corpus) / "laws"
    labels = yaml.safe_load(IDENTITY_GOLD.read_text(encoding="utf-8"))
    for lab in sorted((x for x in labels if str(x.get("file", "")).startswith("laws/")), key=lambda x: x["file"]):
        path = folder / Path(lab["file"]).name
        if not path.is_file():
            continue
        text = print_layout(path.read_text(encoding="utf-8"))
        doc_id = path.stem
        number = lab.get("number")
        yield LawDocument(doc_id, text, Gold(
            id=doc_id, number=number, doc_type=lab.get("doc_type"), printed_number=number,
            header_matches_number=None if number is None else True, issued_on=lab.get("issued_on"),
            issuer=lab.get("issuer"), signer=signer_of(text), exhaustive=True))
