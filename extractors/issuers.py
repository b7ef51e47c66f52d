"""Issuing bodies named in a text, and whether a number's issuer codes agree with them.

A symbol's issuer code is the initials of its body (``BTC``: Bộ Tài chính; ``TW``: Trung
ương).  Two places name a body beside a number: the header (``identity``: the issuing body
over ``Số:``) and the clause of a normative citation (``references``: "Thông tư số
12/2025/TT-BTC ngày 5 tháng 3 năm 2025 của Bộ trưởng Bộ Tài chính").  When the body is
one the code tables know and no issuer code of the number is its initials, one of the two is
misprinted or misread — OCR swaps one capital for another with high confidence (``BTC`` read
``BTP``) — and the number needs a person (issue #11: consistency with other mentions).
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import patterns as P
from .normalize import fold_chars

_INITIALS_SKIP = {"va", "-", "&"}  # "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" is BNNMT


def initials(name: str) -> str:
    """Initials of an issuing body's name as its symbol writes them (``Trung ương`` is ``TW``),
    folded (``Đ`` as ``D``): ``"ĐOÀN CHỦ TỊCH ỦY BAN TRUNG ƯƠNG"`` -> ``"DCTUBTW"``."""
    words = [w for w in fold_chars(name).replace("-", " ").split() if w not in _INITIALS_SKIP]
    out, i = [], 0
    while i < len(words):
        if words[i] == "trung" and i + 1 < len(words) and words[i + 1] == "uong":
            out.append("TW")
            i += 2
            continue
        if words[i][:1].isalpha():
            out.append(words[i][0].upper())
        i += 1
    return "".join(out)


# where a normative citation's clause goes on (after the date stated with it, which the caller
# skips): "của <body>" ("…/TT-BTC ngày 5 tháng 3 năm 2025 của Bộ trưởng Bộ Tài chính")
_NAMED = re.compile(r"[ \t]*\)?[ \t]*,?\s*của\s+(?P<body>[^.;:,()]{3,90})", re.IGNORECASE)
# the office of the person who signs for the body ("Bộ trưởng Bộ Tài chính": the body is Bộ Tài chính)
_TITLE = re.compile(r"^(?:bo truong|thu truong|thong doc|tong kiem toan nha nuoc|chanh an|vien truong|tong thanh tra"
                    r"|chu nhiem|chu tich|tong giam doc|giam doc|truong ban)\s+")
# where the body's name ends: the clause goes on with what the document is about
# (matched before folding: "tại" is not "Tài chính", "năm" not "Việt Nam")
_NAME_END = re.compile(r"\s(?:về|quy định|hướng dẫn|ban hành|sửa đổi|bổ sung|thì|đã|được|có|trong|tại|đối với|nay là|là"
                       r"|theo|để|trước|sau|do|với|năm|ngày|tháng)(?!\w)")
_PRIME_MINISTER = "thu tuong"


def _named_bodies(body: str) -> list[str]:
    """The initials of each body of a "của …" clause ("Bộ trưởng Bộ Tài chính và Bộ trưởng Bộ
    Công an" -> ``["BTC", "BCA"]``; the Prime Minister signs as ``TTg``)."""
    name = " ".join(body.split()).lower()
    cut = _NAME_END.search(name)
    folded = fold_chars(name[:cut.start()] if cut else name)
    out = []
    for part in re.split(r"\s+va\s+|,\s*", folded):
        part = part.strip()
        if part.startswith(_PRIME_MINISTER):
            out.append("TTG")
            continue
        part = _TITLE.sub("", part)
        if part:
            out.append(initials(part))
    return out


def bare_code(code: str) -> str:
    """An issuer code as its body's folded initials: no term number, ``Đ`` as ``D`` (``UBTVQH15`` -> ``UBTVQH``)."""
    return fold_chars(code.rstrip("0123456789")).upper()


def _known(body: str) -> bool:
    """A body the code tables know by its initials ("UBNDTDN": Ủy ban nhân dân tỉnh Đồng Nai)."""
    return any(body == c or body.startswith(c) for c in _table_codes() if len(c) >= 2)


@lru_cache(maxsize=1)
def _table_codes() -> tuple[str, ...]:
    return tuple(sorted({bare_code(c) for c in P.tables()["issuers"]} - {""}))


def named_body_disagrees(text: str, end: int, issuers: list[str]) -> str | None:
    """Why the issuer codes of a normative number ending at ``end`` disagree with the body its
    clause names ("12/2025/TT-BTP ngày … của Bộ trưởng Bộ Tài chính"), else ``None`` (no
    body named, a body the tables do not know, or one code that is its initials)."""
    if not issuers:
        return None
    m = _NAMED.match(text, end)
    if not m:
        return None
    bodies = [b for b in _named_bodies(m["body"]) if b]
    if not any(_known(b) for b in bodies):
        return None
    codes = [c for c in (bare_code(x) for x in issuers) if c]
    if any(c in b or b in c for c in codes for b in bodies):
        return None
    return f"issuer code {'-'.join(issuers)} disagrees with the body named after it ({' '.join(m['body'].split())})"
