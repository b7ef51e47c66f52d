"""Document identity from the header (page 1, page 2 if needed) and the signature block.

The header is a two-column table, so its lines come out interleaved and in
varying order.  We therefore classify lines instead of relying on positions:
motto lines, the ``Số:`` line, the place-and-date line, the type line; issuing
body lines are the remaining upper-case lines above the type line.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from models.extraction import DocumentIdentity, IdentityField
from models.pages import Page

from . import patterns as P
from .confidence import WordIndex
from .dates import copy_stamp_at, date_at, time_after
from .normalize import fix_chars, fold_chars
from .references import _parts, doc_type_name

HEADER_LINES = 40
SIGNATURE_CHARS = 4000  # the signature block and Nơi nhận sit in the page's last lines
_DECOR = re.compile(r"[-–—_*=~.]{3,}|[-_*]{2,}\s*$")
_MOTTO = re.compile(
    r"cong\s*hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam|doc\s+lap\s*[-–]?\s*tu\s+do\s*[-–]?\s*hanh\s+phuc"
)
_NUMBER_LINE = re.compile(
    r"(?:^|\s)(?:(?:bo\s+)?luat\s+)?(?:so|s6)\s*[:.]\s*_?\s*(?=\d|$)|^(?:(?:bo\s+)?luat\s+)?so\s+(?=\d)"
)
_PLACE_DATE = re.compile(
    r"(?P<place>[^\W\d_][^,\n:]{0,40}?)\s*,\s*ngay\s*(?P<d>\d{1,2}|[ ._…]*)\s*thang\s*(?P<m>\d{1,2})\s*nam\s*(?P<y>\d{4})"
)
_TYPE_LINE_WORDS = [
    "bo luat", "luat", "phap lenh", "sac lenh", "nghi quyet lien tich", "nghi quyet", "nghi dinh",
    "quyet dinh", "thong tu lien tich", "thong tu", "chi thi", "quy che", "quy dinh", "thong cao",
    "thong bao", "huong dan", "chuong trinh", "ke hoach", "phuong an", "de an", "du an", "bao cao",
    "bien ban", "to trinh", "hop dong", "cong dien", "cong van", "giay moi", "giay gioi thieu",
    "giay uy quyen", "van ban hop nhat", "lenh",
]
_TYPE_LINE = re.compile(r"^(" + "|".join(_TYPE_LINE_WORDS) + r")(?![a-z])\s*(.*)$")
_VV = re.compile(r"^\s*(?:v/v|v\.v|về việc)\s*[:.]?\s*", re.IGNORECASE)
_BODY_START = re.compile(
    r"^(?:can cu|kinh gui|dieu \d|chuong [ivx\d]|phan [ivx\d]|thuc hien|de |nham |trong nam|qua |theo |i\.|1\.|a\)|ngay \d)"
)
_SIGN_MODE = re.compile(r"^\s*(TM|KT|Q|TL|TUQ)\s*\.\s*(\S.*)?$")
_NAME = re.compile(rf"^[{P.VN_UPPER}][{P.VN_LOWER}]+(?:\s+[{P.VN_UPPER}][{P.VN_LOWER}]*){{1,4}}$")
_NAME_STOP = re.compile(r"(?:^|\s)(?:noi nhan|luu|nhu tren|kinh gui|dia chi|dien thoai|email|trang)(?:\s|:|$)")
_RECIPIENTS = re.compile(r"^\s*n[oơ]i\s+nh[aậ]n\s*:?", re.IGNORECASE)
_TRAILING_JUNK = re.compile(r"(?:\s+[^\w\s]+)+\s*$")
_ITEM = re.compile(r"^\s*[-+•–]\s*(.+?)\s*[;.,]?\s*$")


@dataclass
class _Line:
    start: int
    end: int
    text: str  # with decorations removed
    folded: str


def _lines(text: str, limit: int | None = None) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        clean = _DECOR.sub(" ", raw)
        lead = len(clean) - len(clean.lstrip())
        stripped = clean.strip()
        if not stripped:
            out.append(_Line(s, e, "", ""))
        else:
            st = s + lead
            out.append(_Line(st, st + len(stripped), stripped, fold_chars(stripped)))
        if limit and len(out) >= limit:
            break
    return out


def _upper_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


class _Builder:
    def __init__(self) -> None:
        self.ident = DocumentIdentity()

    def set(self, name: str, value, page: Page, idx: WordIndex, start: int, end: int, shown: str | None = None):
        if value is None or value == "" or value == []:
            return
        loc = idx.locate(start, end)
        setattr(self.ident, name, value)
        self.ident.fields[name] = IdentityField(
            text=page.text[start:end], page=page.number, start=start, end=end, box=loc.box,
            confidence=loc.confidence, needs_review=loc.needs_review,
            value=shown if shown is not None else (value if isinstance(value, str) else "; ".join(value)),
        )
        self.ident.confidence[name] = loc.confidence


def _strip_motto(line: _Line) -> tuple[str, int, int]:
    """Remove motto phrases from a line; return the rest and its span."""
    text, folded = line.text, line.folded
    m = _MOTTO.search(folded)
    while m:
        text = (text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():])
        folded = (folded[: m.start()] + " " * (m.end() - m.start()) + folded[m.end():])
        m = _MOTTO.search(folded)
    lead = len(text) - len(text.lstrip())
    rest = text.strip()
    return rest, line.start + lead, line.start + lead + len(rest)


def _header(b: _Builder, page: Page, idx: WordIndex) -> None:
    text = fix_chars(page.text)
    lines = _lines(text, HEADER_LINES)
    num_i = date_i = type_i = None

    for i, ln in enumerate(lines):
        if not ln.text:
            continue
        if num_i is None:
            m = _NUMBER_LINE.search(ln.folded)
            if m:
                rm = P.REFERENCE.search(text, ln.start + m.end(), ln.end + 40)
                if rm and rm.start() - (ln.start + m.end()) <= 2:
                    parts = _parts(rm)
                    b.set("number", parts.canonical, page, idx, rm.start(), rm.end())
                    num_i = i
                    if parts.type_code:
                        b._sym_type = parts.type_code
                    b._sym_has_type = bool(parts.type_code)
                    b._sym_parts = parts
        if date_i is None:
            m = _PLACE_DATE.search(ln.folded)
            if m and not _NUMBER_LINE.match(ln.folded[m.start("place"):]):
                place = ln.text[m.start("place"):m.end("place")].strip()
                # the other column may share the line: keep what follows a symbol or colon
                toks = place.split()
                while toks and re.search(r"[\d/&:\-]", " ".join(toks)):
                    toks = toks[1:]
                place = " ".join(toks)
                ps = ln.start + ln.text.find(place, m.start("place")) if place else ln.start
                if place and place[0].isupper():
                    b.set("place", place, page, idx, ps, ps + len(place))
                d = ln.start + m.end()
                ds = ln.start + m.start("d")
                if m["d"].strip(" ._…").isdigit():
                    try:
                        val = _dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
                    except ValueError:
                        val = None
                    if val:
                        b.set("issued_on", val, page, idx, ds, d)
                date_i = i
        if type_i is None and ln.text and _upper_ratio(ln.text) > 0.8 and not _MOTTO.search(ln.folded):
            m = _TYPE_LINE.match(ln.folded)
            if m and (num_i is not None or date_i is not None or i < 12):
                type_i = i
                tword = m.group(1)
                name = _type_name(tword)
                b.set("doc_type", name, page, idx, ln.start, ln.start + len(tword))
                rest = ln.text[len(tword):].strip()
                b._type_rest = (rest, ln.start + len(ln.text) - len(rest), ln.end) if rest else None
        if type_i is not None and num_i is not None and date_i is not None:
            break

    # issuing body: upper-case lines above the number / type line that are not motto/date/number
    stop = min(x for x in (num_i, type_i, date_i, len(lines)) if x is not None)
    if num_i is not None:
        stop = num_i
    body_lines = []
    for i, ln in enumerate(lines[: max(stop, 0)]):
        if not ln.text or i in (date_i, num_i, type_i):
            continue
        rest, s, e = _strip_motto(ln)
        if not rest or _PLACE_DATE.search(fold_chars(rest)) or _upper_ratio(rest) < 0.6 or re.search(r"\d{3,}", rest):
            continue
        if _TYPE_LINE.fullmatch(fold_chars(rest)):
            continue
        junk = _TRAILING_JUNK.search(rest)  # OCR of decoration: "QUỐC HỘI *&#+"
        if junk and junk.start() > 0:
            e -= len(rest) - junk.start()
            rest = rest[: junk.start()]
        body_lines.append((rest, s, e))
    if body_lines and (num_i is not None or date_i is not None):
        rest, s, e = body_lines[-1]
        b.set("issuer", rest, page, idx, s, e)
        if len(body_lines) >= 2:
            rest, s, e = body_lines[0]
            b.set("parent_issuer", rest, page, idx, s, e)

    # type: from the symbol, or công văn when a V/v line stands under a type-less number
    vv_i = next((i for i, ln in enumerate(lines) if ln.text and _VV.match(ln.text) and re.match(r"(?i)v/v|v\.v", ln.text)), None)
    if b.ident.doc_type is None:
        parts = getattr(b, "_sym_parts", None)
        f = b.ident.fields.get("number")
        if parts is not None and parts.type_code and f:
            b.set("doc_type", doc_type_name(parts.type_code) or parts.type_code, page, idx, f.start, f.end)
        elif parts is not None and f and (vv_i is not None or not parts.type_code):
            name = "Luật" if parts.codes and parts.codes[0].startswith("QH") else "Công văn"
            b.set("doc_type", name, page, idx, f.start, f.end)
    if b.ident.doc_type:
        code = _type_code_for(b.ident.doc_type)
        parts = getattr(b, "_sym_parts", None)
        if parts is not None and parts.type_code:
            code = parts.type_code
        if code:
            f = b.ident.fields["doc_type"]
            b.set("doc_type_code", code, page, idx, f.start, f.end)

    # title: after the type line (or after V/v) until the body starts
    tlines: list[_Line] = []
    first = None
    if type_i is not None:
        tr = getattr(b, "_type_rest", None)
        if tr:
            tlines.append(_Line(tr[1], tr[2], tr[0], fold_chars(tr[0])))
        first = type_i + 1
    elif vv_i is not None:
        ln = lines[vv_i]
        m = _VV.match(ln.text)
        rest = ln.text[m.end():]
        tlines.append(_Line(ln.start + m.end(), ln.end, rest, fold_chars(rest)))
        first = vv_i + 1
    if first is not None:
        for ln in lines[first:]:
            if not ln.text or len(tlines) >= 4:
                break
            if _BODY_START.match(ln.folded) or _MOTTO.search(ln.folded) or _PLACE_DATE.search(ln.folded):
                break
            if _NUMBER_LINE.match(ln.folded):
                break
            if tlines and (tlines[-1].text.endswith((".", ":", ";")) or len(ln.text) > 160):
                break
            if not tlines and len(ln.text) > 200:
                break
            if type_i is None and tlines and ln.text[:1].isupper() and _upper_ratio(ln.text) < 0.5:
                break  # after V/v only lower-case continuation lines belong to the title
            tlines.append(ln)
    if tlines:
        title = " ".join(t.text for t in tlines).strip()
        title = re.sub(r"\s+", " ", title)
        b.set("title", title, page, idx, tlines[0].start, tlines[-1].end)


def _type_name(folded_word: str) -> str:
    for k, v in P.tables()["type_words"].items():
        if fold_chars(k) == folded_word:
            return v
    return folded_word


def _type_code_for(name: str) -> str | None:
    for code, n in P.tables()["types"].items():
        if n == name:
            return code
    return None


def _signature(b: _Builder, pages: list[Page]) -> None:
    for page in reversed(pages):
        text = fix_chars(page.text)
        tail = max(0, len(text) - SIGNATURE_CHARS)
        tail = text.rfind("\n", 0, tail) + 1 if tail else 0
        lines = _lines(text[tail:])
        for ln in lines:
            ln.start += tail
            ln.end += tail
        rec_i = next((i for i in range(len(lines) - 1, -1, -1) if _RECIPIENTS.match(lines[i].text)), None)
        mode_i = next((i for i in range(len(lines) - 1, -1, -1) if _SIGN_MODE.match(lines[i].text)), None)
        if rec_i is None and mode_i is None and page is not pages[-1]:
            continue
        idx = WordIndex(page)
        # the signature block: from the signing-mode line (or a little above Nơi nhận) on
        if mode_i is not None:
            lo = mode_i
        elif rec_i is not None:
            lo = max(0, rec_i - 6)
        else:
            lo = max(0, len(lines) - 12)
        hi = min(len(lines), lo + 30)
        if mode_i is not None:
            m = _SIGN_MODE.match(lines[mode_i].text)
            ln = lines[mode_i]
            b.set("signing_mode", m.group(1) + ".", page, idx, ln.start, ln.start + len(m.group(1)) + 1)
        name = None
        for ln in lines[lo:hi]:
            t = ln.text
            if not t or _ITEM.match(t) or _NAME_STOP.search(ln.folded) or t.startswith("("):
                continue
            t2 = re.sub(r"^(?:\(?đã ký\)?|\[.*?\])\s*", "", t).strip()
            if _NAME.match(t2) and len(t2.split()) >= 2:
                name = (t2, ln.start + (len(t) - len(t2)), ln.end)
        if name:
            b.set("signer", name[0], page, idx, name[1], name[2])
        if rec_i is not None:
            items, s0, e0, misses = [], None, None, 0
            first = lines[rec_i]
            m0 = _RECIPIENTS.match(first.text)
            after = first.text[m0.end():].strip()
            cand = ([_Line(first.start + m0.end(), first.end, after, fold_chars(after))] if after else []) + lines[rec_i + 1:]
            for ln in cand:
                im = _ITEM.match(ln.text)
                if im:
                    items.append(im.group(1).strip())
                    s0 = ln.start if s0 is None else s0
                    e0 = ln.end
                    misses = 0
                elif ln.text:
                    misses += 1
                    if misses > 3:
                        break
            if items:
                b.set("recipients", items, page, idx, s0, e0)
        return


def _copy_stamp(b: _Builder, pages: list[Page]) -> None:
    for page in pages:
        text = fix_chars(page.text)
        for m in P.SAO_Y.finditer(text):
            tm = re.search(r"thời\s+gian\s+ký\s*:?\s*", text[m.end():m.end() + 400], re.IGNORECASE)
            if not tm:
                continue
            pos = m.end() + tm.end()
            got = date_at(text, pos)
            if got and copy_stamp_at(text, got[1]):
                value = got[0].isoformat() + (time_after(text, got[2]) or "")
                tt = P.TIME_OF_DAY.match(text, got[2])
                end = tt.end() if tt else got[2]
                b.set("copy_signed_at", value, page, WordIndex(page), got[1], end)
                return


def read_identity(pages: list[Page]) -> DocumentIdentity:
    """Identity of the document whose pages are given (header on page 1, else page 2)."""
    b = _Builder()
    pages = [p for p in pages if p.text]
    if not pages:
        return b.ident
    for page in pages[:2]:
        _header(b, page, WordIndex(page))
        if b.ident.number or b.ident.doc_type:
            break
    _signature(b, pages)
    _copy_stamp(b, pages)
    return b.ident
