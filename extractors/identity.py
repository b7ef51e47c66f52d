"""Document identity from the header zone of page 1 and from the signature block.

A document has an identity only when its first page carries a Decree-30 header in
its top band: the two-column table (issuing body and ``Số:`` on the left, Quốc hiệu
and the place-and-date line on the right), then the type line and the trích yếu.
Anything else — a news article, a web print-out, a slide, a later page of a letter,
an annex, a lone signature page — is ``no_header`` and gets no number, type, date or
issuer, however many numbers its body cites.  A number that is not on a ``Số:`` /
``Luật số:`` line of that zone is never the document's own number.

The header table comes out of a PDF or OCR with its columns interleaved, so the zone is
cut into *cells* (a line, split at wide gaps between its words where word boxes exist)
and each cell is classified: motto, number, place-and-date, type line; issuing body
cells are the remaining upper-case cells above the number.  Word boxes also bound the
zone (the top half of the page).

The signer comes only from a signature block: a signing title (``TM.``, ``KT.``,
``Q.``, ``TL.``, ``TUQ.`` or a position such as ``BỘ TRƯỞNG``), in the right column
where word boxes say where that is, then the name.  A byline has no title above it and
is not a signer.

A printed number that looks odd (blank number, look-alike letters from another script,
private-use characters, a number under 10 without its leading zero, a type code that
disagrees with the type line, a year that disagrees with the date, an unknown code) is
reported as printed — look-alike letters replaced by the Latin letters they imitate —
with ``needs_review`` and a lower confidence, and the reason in ``DocumentIdentity.notes``.
"""

from __future__ import annotations

import datetime as _dt
import re
import statistics
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from models.extraction import DocumentIdentity, DocumentKind, IdentityField
from models.pages import AltSource, Page
from models.provenance import Box

from . import patterns as P
from .confidence import WordIndex
from .date_forms import date_at
from .dates import copy_stamp_at, time_after
from .issuers import bare_code, initials
from .normalize import fix_chars, fold_chars
from .references import doc_type_name, number_key, parts_of, scan_references, split_codes

HEADER_LINES = 40  # the header table, type line and trích yếu sit in page 1's first lines
HEADER_BAND = 0.5  # with word boxes: the header zone is the top half of page 1
SIGNATURE_SPAN = 240.0  # with word boxes: the name sits at most this far (points) under its title
SIGNATURE_COLUMN = 0.35  # with word boxes: a signing title centred left of this is not in the right column
ODD_CONFIDENCE = 0.5  # confidence cap of a value whose printed form is odd
MIN_LETTERS = 10  # fewer letters than this on every page: nothing readable (a photograph)

_DECOR = re.compile(r"[-–—_*=~.]{3,}|[-_*]{2,}\s*$")
_MOTTO = re.compile(
    r"cong\s*hoa\s+xa\s+hoi\s+chu\s+nghia(?:\s+viet(?:\s+nam)?)?|doc\s+lap\s*[-–]?\s*tu\s+do\s*[-–]?\s*hanh\s+phuc"
    r"|dang\s+cong\s+san\s+viet\s+nam"
)
_TYPE_LINE_WORDS = [
    "bo luat", "luat", "phap lenh", "sac lenh", "hien phap", "nghi quyet lien tich", "nghi quyet", "nghi dinh",
    "quyet dinh", "thong tu lien tich", "thong tu", "chi thi", "quy che", "quy dinh", "thong cao",
    "thong bao", "thong tri", "huong dan", "chuong trinh", "ke hoach", "phuong an", "de an", "du an", "bao cao",
    "bien ban", "to trinh", "hop dong", "cong dien", "cong van", "giay moi", "giay gioi thieu",
    "giay uy quyen", "van ban hop nhat", "ket luan", "lenh",
]
_TYPE_ALT = "|".join(_TYPE_LINE_WORDS)
_TYPE_LINE = re.compile(r"^(" + _TYPE_ALT + r")(?![a-z])\s*(.*)$")
# "Số:", "Số 06/…" (capital S, no colon), "Luật số:", "Nghị quyết số:", "Só:465" (OCR)
# "5õ:" (OCR of "Số:", read only with its colon, flagged: :data:`_DAMAGED_SO`)
_NUMBER_CELL = re.compile(r"^(?:(?:" + _TYPE_ALT + r")\s+)?(?P<so>so|s6|s0|5o)(?P<colon>\s*[:.;]\s*_?\s*|\s+(?=\d))")
_DAMAGED_SO = {"5o"}  # readings of "Số" that flag the number
_NUMBER_INNER = re.compile(r"\s(?:so|s6)\s*:\s*_?\s*")  # "SỞ NỘI VỤ Số: 12/…" (two columns on one line)
# a day or month of two digits that OCR split with a space or read with a look-alike of 1
# ("tháng 1 1", "tháng 1 !", "ngày l5"): read, joined and flagged (:func:`_header_digits`)
_SPLIT_1 = r"[1!|il][ ]?\d|\d[ ][\d!|il]"
# a day or month read with a stray digit ("ngày 237 tháng 10", an italic 27): matched so that the
# line is still the place-and-date line; its value comes only from the word's second reading
# (:func:`_second_reading`), flagged
_STRAY_DIGIT = r"\d{3}(?![ ]?\d)"
_PLACE_DATE = re.compile(
    r"(?P<place>[^\W\d_][^,\n:]{0,40}?)\s*(?P<sep>[,.])\s*ngay\s*(?P<d>\d{1,2}(?![ ]\d)|" + _SPLIT_1 + "|" + _STRAY_DIGIT
    + r"|[ ._…]*)\s*thang\s*(?P<m>\d{1,2}(?![ ]\d)|" + _SPLIT_1 + "|" + _STRAY_DIGIT + r")\s*nam\s*(?P<y>\d{4})"
)
_ONE_LOOKALIKES = str.maketrans({"!": "1", "|": "1", "i": "1", "l": "1", " ": None})


def _header_digits(raw: str) -> tuple[str, bool]:
    """The digits of a header date's day or month, and whether they had to be repaired."""
    digits = raw.translate(_ONE_LOOKALIKES)
    return digits, digits != raw


def _second_reading(page: Page, idx: WordIndex, start: int, end: int) -> str | None:
    """The second engine's reading of the one word printed at ``[start, end)``, when it is a day
    or a month (one or two digits); ``None`` without one (``Page.alternatives``, ``ingest.numbers``)."""
    hit = idx.words_in(start, end)
    if len(hit) != 1:
        return None
    return next((a.text for a in page.alternatives if a.word == hit[0] and a.source == AltSource.SECOND_ENGINE
                 and re.fullmatch(r"\d{1,2}", a.text)), None)


def _header_part(page: Page, idx: WordIndex, c: _Cell, m: re.Match, group: str, top: int) -> tuple[str, str | None]:
    """A header date's day (``top`` 31) or month (12) as digits, and the reason it is flagged:
    look-alikes of 1 joined, or a value unreadable as printed ("237") taken from the word's
    second reading; ``""`` when neither gives a value."""
    raw = m[group].strip(" ._…")
    digits, fixed = _header_digits(raw)
    if digits.isdigit() and 1 <= int(digits) <= top:
        return digits, "the issue date's day or month was read split or with a look-alike of 1; joined" \
            if fixed else None
    if not digits:
        return "", None
    second = _second_reading(page, idx, c.start + m.start(group), c.start + m.end(group))
    if second is None or not 1 <= int(second) <= top:
        return "", None
    return second, f"the issue date's {'day' if group == 'd' else 'month'} was read {raw!r}, " \
        f"unreadable; taken from the second reading of the digits ({second})"


_VV = re.compile(r"^\s*(?:v/v|v\.v|về việc)\s*[:.]?\s*", re.IGNORECASE)
_BODY_START = re.compile(
    r"^(?:can cu|kinh gui|dieu \d|chuong [ivx\d]|phan [ivx\d]|thuc hien|de |nham |trong nam|qua |theo |i\.|1\.|a\)|ngay \d)"
)
_BAND_END = re.compile(
    r"^(?:can cu|kinh gui|dieu\s+\d|chuong\s+[ivxl\d]+\b|phan\s+(?:thu\s+)?[ivx\d]+\b|muc\s+\d|theo de nghi"
    r"|[ivx]+\.\s|\d{1,2}\.\s|[a-d]\)\s)"
)
_BLANK_NUMBER = re.compile(
    rf"[ ._…]*(?P<sym>/[ ]?(?:(?P<year>{P.YEAR})[ ]?/[ ]?)?(?P<codes>{P.CODES}))"
)
_CONTINUES = re.compile(r"^[-/]")  # a symbol running on into the next line: "- CP - ĐCTUBTWMTQVN"
_DOTTED = re.compile(r"(?P<a>\d{1,4})\.\d{1,3}(?=[ ]?/)")
_SIGN_MODE = re.compile(r"^\s*(TM|KT|Q|TL|TUQ)\s*\.\s*(\S.*)?$")
_POSITION = re.compile(
    r"^(?:(?:pho|quyen)\s+)?(?:thu tuong|bo truong|thu truong|chu tich|tong giam doc|giam doc|tong cuc truong"
    r"|cuc truong|vu truong|chanh van phong|chanh thanh tra|tong thanh tra|thanh tra truong"
    r"|truong\s+(?:ban|phong|khoa|doan|tram|cong an|thon|ap|van phong|chi nhanh)"
    r"|hieu truong|vien truong|chanh an|tong kiem toan|kiem toan truong|thong doc|chu nhiem|tong thu ky"
    r"|tong bi thu|bi thu|tong bien tap)(?![a-z])"
)
_LEAD_JUNK = " -–—_~.*•|"
_NAME = re.compile(rf"^[{P.VN_UPPER}][{P.VN_LOWER}]+(?:\s+[{P.VN_UPPER}][{P.VN_LOWER}]*){{1,4}}$")
_RANK = re.compile(  # a rank or degree printed before the signer's name
    r"^(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)|Đại\s+úy|Chuẩn\s+đô\s+đốc|Phó\s+đô\s+đốc|Đô\s+đốc"
    r"|(?:GS|PGS|TS|ThS|BS|KS)\.?(?:\s*(?:TS|BS|KS|ThS)\.?)*)\s+"
)
_SIGNED_MARK = re.compile(r"^(?:\(?\s*đã\s+ký\s*\)?|\[.*?\])\s*", re.IGNORECASE)
_FORM_HINT = re.compile(r"^\(\s*(?:ky|ghi ro|dong dau|chu ky)")  # "(Ký, ghi rõ họ tên)": a form to fill in
_NAME_STOP = re.compile(r"(?:^|\s)(?:noi nhan|luu|nhu tren|kinh gui|dia chi|dien thoai|email|trang)(?:\s|:|$)")
_BLOCK_STOP = re.compile(r"^(?:dieu\s+\d|chuong\s|phu luc|mau so|can cu)")
_RECIPIENTS = re.compile(r"^\s*n[oơ]i\s+nh[aậ]n\s*:?", re.IGNORECASE)
_TRAILING_JUNK = re.compile(r"(?:\s+(?:[^\w\s]+|_+))+\s*$")
# a rule of stars or dashes read as letters, digits and symbols after the issuing body
# ("QUỐC HỘI t3 3⁄c3kk ek€", "QUỐC HỘI tk 3 3kc3k 2k s‡€"): trailing tokens that are not words
# in capitals (a body's name is printed in capitals), taken only when they hold a digit or a
# symbol (:func:`_gibberish_tail`)
_TRAILING_GIBBERISH = re.compile(rf"(?:\s+(?:(?=\S*[{P.VN_LOWER}]|\S*[^\w\s])\S+|\d+(?=\s|$)))+\s*$")  # not "PC06"
_JUNK_CHAR = re.compile(r"\d|[^\w\s]")


def _gibberish_tail(rest: str) -> re.Match | None:
    m = _TRAILING_GIBBERISH.search(rest)
    return m if m and _JUNK_CHAR.search(m.group()) else None


_ITEM = re.compile(r"^\s*[-+•–~]\s*(.+?)\s*[;.,]?\s*$")

# Letters of other scripts that look like Latin ones, one for one (offsets are kept).
_LOOKALIKE = str.maketrans({
    **dict(zip("АВСЕНІЈКМОРЅТХУаеорсхуіјѕ", "ABCEHIJKMOPSTXYaeopcxyijs", strict=True)),  # Cyrillic
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοι", "ABEZHIKMNOPTYXoi", strict=True)),  # Greek
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},  # fullwidth A-Z
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},  # fullwidth a-z
    **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},  # fullwidth digits
    **{chr(0xF000 + c): chr(c) for c in range(0x21, 0x7F)},  # a symbol font's private-use copy of ASCII
})
_LOOKALIKE_CHARS = re.compile("[" + "".join(re.escape(chr(k)) for k in _LOOKALIKE if not 0xE000 <= k <= 0xF8FF) + "]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


class _Place(NamedTuple):
    """Where a cell's words sit: their top, left and right edges."""
    y0: float
    x0: float
    x1: float


@dataclass
class _Cell:
    start: int
    end: int
    text: str  # with decorations removed
    folded: str
    place: _Place | None = None  # None: no word boxes


def _cell(text: str, s: int, e: int, place: _Place | None = None) -> _Cell:
    raw = text[s:e]
    clean = _DECOR.sub(" ", raw)
    lead = len(clean) - len(clean.lstrip())
    stripped = clean.strip()
    st = s + lead
    return _Cell(st, st + len(stripped), stripped, fold_chars(stripped), place)


def _line_spans(text: str, limit: int | None = None) -> list[tuple[int, int]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw)))
        pos += len(raw) + 1
        if limit and len(out) >= limit:
            break
    return out


def _cells(page: Page, text: str, limit: int | None = None) -> list[_Cell]:
    """The page's lines as cells, each line split at wide gaps between its words (when boxed)."""
    spans = _line_spans(text, limit)
    w = page.words
    if not len(w):
        return [_cell(text, s, e) for s, e in spans]
    order = sorted(range(len(w)), key=w.start.__getitem__)
    starts = [w.start[i] for i in order]
    heights = [w.y1[i] - w.y0[i] for i in order if w.y1[i] > w.y0[i]]
    gap = max(2.0 * statistics.median(heights), 18.0) if heights else 18.0
    out: list[_Cell] = []
    for s, e in spans:
        k = bisect_left(starts, s)
        ids = []
        while k < len(order) and starts[k] < e:
            ids.append(order[k])
            k += 1
        if not ids:
            out.append(_cell(text, s, e))
            continue
        group = [ids[0]]
        for i in ids[1:]:
            prev = group[-1]
            if abs(w.x0[i] - w.x1[prev]) > gap:
                out.append(_group_cell(text, w, group))
                group = [i]
            else:
                group.append(i)
        out.append(_group_cell(text, w, group))
    return out


def _group_cell(text: str, w, group: list[int]) -> _Cell:
    s, e = w.start[group[0]], w.end[group[-1]]
    place = _Place(min(w.y0[i] for i in group), min(w.x0[i] for i in group), max(w.x1[i] for i in group))
    return _cell(text, s, e, place)


def _upper_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


def _letters(s: str) -> int:
    return sum(c.isalpha() for c in s)


class _Builder:
    def __init__(self) -> None:
        self.ident = DocumentIdentity()

    def set(self, name: str, value, page: Page, idx: WordIndex, start: int, end: int, shown: str | None = None,
            odd: str | None = None, pieces: list[tuple[int, int]] | None = None):
        """Record a field; ``odd`` (a reason) flags it for review and caps its confidence.

        ``pieces``: the spans that hold the value when it is printed in parts (a name wrapped
        over two lines with the other column between them); confidence is theirs only."""
        if value is None or value == "" or value == []:
            return
        locs = [idx.locate(s, e) for s, e in (pieces or [(start, end)])]
        boxes = [x.box for x in locs if x.box is not None]
        box = Box(x0=min(x.x0 for x in boxes), y0=min(x.y0 for x in boxes), x1=max(x.x1 for x in boxes),
                  y1=max(x.y1 for x in boxes)) if boxes else None
        conf, review = min(x.confidence for x in locs), any(x.needs_review for x in locs)
        if odd:
            conf, review = min(conf, ODD_CONFIDENCE), True
            self.note(odd)
        setattr(self.ident, name, value)
        self.ident.fields[name] = IdentityField(
            text=page.text[start:end], page=page.number, start=start, end=end, box=box,
            confidence=conf, needs_review=review,
            value=shown if shown is not None else (value if isinstance(value, str) else "; ".join(value)),
        )
        self.ident.confidence[name] = conf

    def flag(self, name: str, reason: str) -> None:
        """Flag an already recorded field (a disagreement found after it was read)."""
        f = self.ident.fields.get(name)
        if f is None:
            return
        f.needs_review = True
        f.confidence = min(f.confidence, ODD_CONFIDENCE)
        self.ident.confidence[name] = f.confidence
        self.note(reason)

    def note(self, reason: str) -> None:
        if reason not in self.ident.notes:
            self.ident.notes.append(reason)


def _strip_motto(c: _Cell) -> tuple[str, int, int]:
    """Remove motto phrases from a cell; return the rest and its span."""
    text, folded = c.text, c.folded
    m = _MOTTO.search(folded)
    while m:
        text = (text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():])
        folded = (folded[: m.start()] + " " * (m.end() - m.start()) + folded[m.end():])
        m = _MOTTO.search(folded)
    lead = len(text) - len(text.lstrip())
    rest = text.strip()
    return rest, c.start + lead, c.start + lead + len(rest)


def _is_motto(c: _Cell) -> bool:
    """Quốc hiệu / tiêu ngữ as a cell of its own (what is left is another column's upper-case cell)."""
    m = _MOTTO.search(c.folded)
    if not m:
        return False
    if m.group(0).startswith("cong") and _upper_ratio(c.text[m.start():m.end()]) < 0.8:
        return False  # "nước Cộng hòa xã hội chủ nghĩa Việt Nam" inside a sentence
    rest, _, _ = _strip_motto(c)
    return not rest or _upper_ratio(rest) > 0.8 or _letters(rest) <= 3


# ---------------------------------------------------------------------------------------
# header zone


def _band(cells: list[_Cell], page: Page) -> list[_Cell]:
    """Cells of the header zone: page 1's top band, before the body starts."""
    out = []
    for c in cells:
        if not c.text:
            continue
        if _BAND_END.match(c.folded):
            break
        if c.place is not None and c.place.y0 > HEADER_BAND * page.height:
            continue
        out.append(c)
    return out


def _number_at(c: _Cell) -> int | None:
    """Offset in ``c.text`` where the number of a ``Số:`` cell starts, else ``None``."""
    m = _NUMBER_CELL.match(c.folded)
    if m:
        if m["colon"].strip() or c.text[m.start("so")].isupper():  # "số 12/…" wrapped from a sentence is not
            return m.end()
        return None
    m = _NUMBER_INNER.search(c.folded)
    if m:
        rest, _, _ = _strip_motto(_Cell(c.start, c.start + m.start(), c.text[:m.start()], c.folded[:m.start()]))
        if not rest or _upper_ratio(rest) > 0.8:
            return m.end()
    return None


def _date_in(c: _Cell) -> re.Match | None:
    """The place-and-date phrase when it ends the cell (not a date inside a sentence)."""
    m = _PLACE_DATE.search(c.folded)
    if not m or _NUMBER_CELL.match(c.folded[m.start("place"):]):
        return None
    tail = c.folded[m.end():].strip(" .,;:)|")
    return m if len(tail) <= 2 else None


def _type_in(c: _Cell) -> re.Match | None:
    if _upper_ratio(c.text) <= 0.8 or _MOTTO.search(c.folded):
        return None
    m = _TYPE_LINE.match(c.folded)
    if not m:
        return None
    rest = c.text[len(m.group(1)):].strip()
    if rest and _upper_ratio(rest) < 0.8:
        return None
    return m


_TYPE_NAMES = {fold_chars(k): v for k, v in P.tables()["type_words"].items()}


def _type_name(folded_word: str, shown: str) -> str:
    if folded_word in _TYPE_NAMES:
        return _TYPE_NAMES[folded_word]
    return shown[:1].upper() + shown[1:].lower()


def _type_code_for(name: str) -> str | None:
    for code, n in P.tables()["types"].items():
        if n == name:
            return code
    return None


def _cell_below(band: list[_Cell], i: int) -> int | None:
    """Index of the cell under ``band[i]`` in its column (the next line when there are no word boxes)."""
    c = band[i].place
    for j in range(i + 1, min(len(band), i + 4)):
        d = band[j].place
        if c is None or d is None:
            return j
        if d.y0 > c.y0 and d.x0 < c.x1 + 40 and d.x1 > c.x0 - 40:
            return j
    return None


def _number_spans(band: list[_Cell], i: int, at: int, text: str) -> list[tuple[int, int]]:
    """Where the header number is printed: after ``Số:`` in its cell (or in the cell below when
    ``Số:`` ends its cell), plus the next cell of the column when the symbol runs on into it."""
    c = band[i]
    if c.text[at:].strip(" _"):
        spans = [(c.start + at, c.end)]
    else:
        j = _cell_below(band, i)
        if j is None:
            return []
        spans, i = [(band[j].start, band[j].end)], j
    j = _cell_below(band, i)
    first = text[spans[0][0]:spans[0][1]].rstrip()
    if j is not None and (first.endswith(("-", "/")) or _CONTINUES.match(band[j].text)):
        spans.append((band[j].start, band[j].end))
    return spans


def _read_number(b: _Builder, page: Page, idx: WordIndex, text: str, spans: list[tuple[int, int]]):
    """Record the header number printed in ``spans``; return its parts (None for a blank number)."""
    pieces = [text[s:e] for s, e in spans]
    window = " ".join(pieces)
    fixed = window.translate(_LOOKALIKE)  # one for one: offsets into ``window`` hold

    def at(off: int) -> int:  # offset in ``window`` -> offset in the page text
        if len(spans) == 1 or off <= len(pieces[0]):
            return spans[0][0] + off
        return spans[1][0] + off - len(pieces[0]) - 1

    lead = len(fixed) - len(fixed.lstrip(" _"))
    if lead > 3:
        return None
    dot = _DOTTED.match(fixed, lead)  # "66.15/2026/NQ-CP": read with the dot as a digit, then put it back
    if dot:
        fixed = fixed[:dot.end("a")] + "0" + fixed[dot.end("a") + 1:]
    m = P.REFERENCE.match(fixed, lead)
    if m is not None:
        s, e = at(m.start()), at(m.end())
        odd = []
        bad = sorted(set(_LOOKALIKE_CHARS.findall(window, m.start(), m.end())))
        if bad:
            odd.append(f"printed number holds look-alike letters of another script ({''.join(bad)}); read as Latin")
        if _PRIVATE_USE.search(text, max(0, s - 2), min(len(text), e + 2)):
            odd.append("printed number holds private-use characters")
        parts = parts_of(m)
        if parts.num.isdigit() and len(parts.num) == 1:
            odd.append(f"printed number {parts.num} has no leading zero")
        # code tables lag new bodies (BNNMT): on text layers only a legislature's term is checked
        why = parts.suspect() if idx.is_ocr else parts.term_outside_year()
        if why:
            odd.append(f"printed number looks odd: {why}")
        value = parts.canonical
        if dot:
            value = dot.group(0) + value[len(dot.group(0)):]
        b.set("number", value, page, idx, s, e, odd="; ".join(odd) or None)
        return parts
    bm = _BLANK_NUMBER.match(fixed)
    if bm is not None:
        s, e = at(bm.start("sym")), at(bm.end())
        year = re.sub(r"\s", "", bm["year"]) + "/" if bm["year"] else ""
        value = "/" + year + "-".join(P.standard_case(x) for x in split_codes(bm["codes"]))
        b.set("number", value, page, idx, s, e, odd="header number is blank (printed without its digits)")
    return None


def _header(b: _Builder, page: Page, idx: WordIndex) -> DocumentKind:
    text = fix_chars(page.text)
    band = _band(_cells(page, text, HEADER_LINES), page)
    num_i = date_i = type_i = None
    num_at = 0
    date_m = type_m = None
    motto = False
    for i, c in enumerate(band):
        if _is_motto(c):
            motto = True
        if num_i is None:
            at = _number_at(c)
            if at is not None:
                num_i, num_at = i, at
        if date_i is None:
            m = _date_in(c)
            if m:
                date_i, date_m = i, m
        if type_i is None:
            m = _type_in(c)
            if m and (num_i is not None or date_i is not None or motto or i < 12):
                type_i, type_m = i, m
    found = sum(x is not None for x in (date_i, type_i)) + motto
    if not ((num_i is not None and found >= 1) or (motto and found >= 2)):
        return DocumentKind.NO_HEADER

    spans = _number_spans(band, num_i, num_at, text) if num_i is not None else []
    parts = _read_number(b, page, idx, text, spans) if spans else None
    label = band[num_i] if num_i is not None else None
    so = _NUMBER_CELL.match(label.folded) if label is not None else None
    if label is not None and so is not None and so["so"] in _DAMAGED_SO:
        b.flag("number", f"the number's label was read {label.text[:so.end('so')]!r}, not 'Số'")

    if date_i is not None and date_m is not None:  # found together
        c, m = band[date_i], date_m
        place = c.text[m.start("place"):m.end("place")].strip()
        # the other column may share the cell: keep what follows a symbol or colon
        toks = place.split()
        while toks and re.search(r"[\d/&:\-]", " ".join(toks)):
            toks = toks[1:]
        place = " ".join(toks)
        ps = c.start + c.text.find(place, m.start("place")) if place else c.start
        if place and place[0].isupper():
            b.set("place", place, page, idx, ps, ps + len(place))
        day, day_odd = _header_part(page, idx, c, m, "d", 31)
        month, month_odd = _header_part(page, idx, c, m, "m", 12)
        if day and month:
            try:
                val = _dt.date(int(m["y"]), int(month), int(day)).isoformat()
            except ValueError:
                val = None
            sep_odd = "the place-and-date line has a full stop where its comma is (read damaged)" \
                if m["sep"] != "," else None
            odd = "; ".join(x for x in (day_odd, month_odd, sep_odd) if x) or None
            if val:
                b.set("issued_on", val, page, idx, c.start + m.start("d"), c.start + m.end(), odd=odd)

    if type_i is not None and type_m is not None:  # found together
        c = band[type_i]
        tword = type_m.group(1)
        b.set("doc_type", _type_name(tword, c.text[:len(tword)]), page, idx, c.start, c.start + len(tword))

    # issuing body: upper-case cells above the number (or the first marker) that are not motto/date/number/type
    stop = num_i if num_i is not None else min(x for x in (type_i, date_i, len(band)) if x is not None)
    body_cells = []
    for i, c in enumerate(band[:stop]):
        if i in (date_i, num_i, type_i):
            continue
        rest, s, e = _strip_motto(c)
        junk = _TRAILING_JUNK.search(rest) or _gibberish_tail(rest)  # OCR of decoration:
        if junk and junk.start() > 0 and _upper_ratio(rest[:junk.start()]) > 0.8:  # "QUỐC HỘI *&#+", "… t3 ek€"
            e -= len(rest) - junk.start()
            rest = rest[: junk.start()]
        box = idx.locate(s, e).box if c.place is not None and rest else None
        if box is not None and (box.x0 + box.x1) / 2 > page.width / 2:
            continue  # the issuing body sits in the left column (its own words, without the junk)
        if not rest or _PLACE_DATE.search(fold_chars(rest)) or _upper_ratio(rest) < 0.6 or re.search(r"\d{3,}", rest):
            continue
        if _TYPE_LINE.fullmatch(fold_chars(rest)):
            continue
        body_cells.append((rest, [(s, e)]))
    body_cells = _join_wrapped(body_cells)
    if body_cells:
        rest, sp = body_cells[-1]
        b.set("issuer", rest, page, idx, sp[0][0], sp[-1][1], pieces=sp)
        if len(body_cells) >= 2:
            rest, sp = body_cells[0]
            b.set("parent_issuer", rest, page, idx, sp[0][0], sp[-1][1], pieces=sp)

    # type: from the symbol, or công văn when a V/v line stands under a type-less number
    vv_i = next((i for i, c in enumerate(band) if _VV.match(c.text) and re.match(r"(?i)v/v|v\.v", c.text)), None)
    f = b.ident.fields.get("number")
    if b.ident.doc_type is None and parts is not None and f:
        if parts.form == "hyphen":  # "14-KL/TU", "21-LCT/HĐNN8"
            t = P.tables()
            name = t["hyphen_form_types"].get(parts.type_code) or t["types"].get(parts.type_code)
            b.set("doc_type", name, page, idx, f.start, f.end)
        elif parts.type_code:
            b.set("doc_type", doc_type_name(parts.type_code) or parts.type_code, page, idx, f.start, f.end)
        elif vv_i is not None or not parts.type_code:
            name = "Luật" if parts.codes and parts.codes[0].startswith("QH") else "Công văn"
            b.set("doc_type", name, page, idx, f.start, f.end)
    if b.ident.doc_type:
        code = _type_code_for(b.ident.doc_type)
        if parts is not None and parts.type_code:
            code = parts.type_code
        if code:
            tf = b.ident.fields["doc_type"]
            b.set("doc_type_code", code, page, idx, tf.start, tf.end)
    _cross_check(b, parts, type_i is not None)
    _check_issuer_codes(b, parts, [rest for rest, _ in body_cells])
    _title(b, page, idx, band, type_i, type_m, vv_i)
    return DocumentKind.ND30


_WRAP_END = re.compile(r"(?:^|\s)(?:va|ve|cua|thuoc|nhan dan|thuong vu|trung uong|-)$")
_WRAP_START = re.compile(r"^(?:va|ve|cua|thuoc)\s")
# words an issuing body's name starts with: a line starting so is a body of its own
_ORG_HEAD = re.compile(
    r"^(?:bo|so|ubnd|hdnd|uy ban|cuc|tong cuc|chi cuc|vu|vien|truong|ban|phong|hoi dong|hoi|trung tam|van phong"
    r"|thanh tra|kho bac|bao hiem|cong an|quoc hoi|chinh phu|toa an|dang|tinh uy|huyen uy|thanh uy|quan uy"
    r"|mat tran|doan|cong|tap doan|ngan hang|benh vien|hoc vien|dai hoc|dai|bao|kiem toan|lien doan|chu tich)(?![a-z])"
)


def _join_wrapped(cells: list[tuple[str, list[tuple[int, int]]]]) -> list[tuple[str, list[tuple[int, int]]]]:
    """Join an issuing body's name wrapped over two lines ("BỘ NÔNG NGHIỆP VÀ MÔI" / "TRƯỜNG",
    "ỦY BAN NHÂN DÂN" / "TỈNH ĐỒNG NAI", "NGÂN HÀNG NHÀ NƯỚC" / "VIỆT NAM"); a line that starts
    like a body's name ("UBND TỈNH ĐỒNG NAI" / "SỞ NỘI VỤ") is a body of its own."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    for rest, spans in cells:
        if out:
            prev, pspans = out[-1]
            rf = fold_chars(rest)
            if _WRAP_END.search(fold_chars(prev)) or _WRAP_START.match(rf) or len(rest.split()) == 1 \
                    or not _ORG_HEAD.match(rf):
                out[-1] = (f"{prev} {rest}", pspans + spans)
                continue
        out.append((rest, spans))
    return out


def _cross_check(b: _Builder, parts, has_type_line: bool) -> None:
    """Flag a printed number that disagrees with the rest of its own header."""
    ident = b.ident
    if parts is None:
        return
    if has_type_line and parts.type_code and parts.form != "hyphen":
        sym_type = doc_type_name(parts.type_code)
        if sym_type and ident.doc_type and sym_type != ident.doc_type:
            why = f"the number's type code {parts.type_code} disagrees with the type line ({ident.doc_type})"
            b.flag("number", why)
            b.flag("doc_type", why)
    if parts.year and ident.issued_on and parts.year != ident.issued_on[:4]:
        why = f"the number's year {parts.year} disagrees with the issue date {ident.issued_on}"
        b.flag("number", why)
        b.flag("issued_on", why)


def _check_issuer_codes(b: _Builder, parts, bodies: list[str]) -> None:
    """Flag a normative number whose issuer code is neither the initials of a body printed in
    the header nor, by the code tables, one of those bodies (``…-MTQVN`` under "MẶT TRẬN TỔ
    QUỐC VIỆT NAM": a letter lost; ``TT-BCA`` under "BỘ TÀI CHÍNH": another body's code).
    Yearless numbers are left alone: a công văn's second code names the drafting unit, which
    the header does not print."""
    if parts is None or parts.form != "normative" or not bodies or not parts.issuers:
        return
    header = "".join(initials(x) for x in bodies)
    header_folded = " ".join(fold_chars(x) for x in bodies)
    names = P.tables()["issuers"]
    for code in parts.issuers:
        bare = bare_code(code)
        if not bare or bare in header:
            continue
        name = names.get(code.rstrip("0123456789")) or names.get(P.standard_case(code.rstrip("0123456789")))
        if name and (initials(name) in header or fold_chars(name) in header_folded):
            continue
        if name and any(fold_chars(name).endswith(" " + fold_chars(x).strip()) for x in bodies):
            continue  # the head of the body printed ("…/QĐ-TTg", Thủ tướng Chính phủ, under "CHÍNH PHỦ")
        b.flag("number", f"the number's issuer code {code} does not match the issuing body printed in the header")
        return


def _title(b: _Builder, page: Page, idx: WordIndex, band: list[_Cell], type_i, type_m, vv_i) -> None:
    """Trích yếu: after the type line (or after V/v) until the body starts."""
    tcells: list[_Cell] = []
    first = None
    if type_i is not None:
        c = band[type_i]
        rest = c.text[len(type_m.group(1)):].strip()
        if rest:
            s = c.start + len(c.text) - len(rest)
            tcells.append(_Cell(s, c.end, rest, fold_chars(rest)))
        first = type_i + 1
    elif vv_i is not None:
        c = band[vv_i]
        m = _VV.match(c.text)
        assert m is not None  # vv_i is the cell it matched
        rest = c.text[m.end():]
        tcells.append(_Cell(c.start + m.end(), c.end, rest, fold_chars(rest)))
        first = vv_i + 1
    if first is None:
        return
    for c in band[first:]:
        if len(tcells) >= 4:
            break
        if _BODY_START.match(c.folded) or _MOTTO.search(c.folded) or _PLACE_DATE.search(c.folded):
            break
        if _NUMBER_CELL.match(c.folded):
            break
        if tcells and (tcells[-1].text.endswith((".", ":", ";")) or len(c.text) > 160):
            break
        if not tcells and len(c.text) > 300:
            break
        if type_i is None and tcells and c.text[:1].isupper() and _upper_ratio(c.text) < 0.5:
            break  # after V/v only lower-case continuation lines belong to the title
        tcells.append(c)
    if tcells:
        title = re.sub(r"\s+", " ", " ".join(t.text for t in tcells).strip())
        b.set("title", title, page, idx, tcells[0].start, tcells[-1].end)


# ---------------------------------------------------------------------------------------
# signature block


def _is_title(c: _Cell) -> bool:
    """A signing title: ``TM.``/``KT.``/… or an upper-case position line (``BỘ TRƯỞNG``)."""
    t = c.text.lstrip(_LEAD_JUNK)  # a dash or rule of the other column read into the cell
    if not t or len(t) > 90:
        return False
    if _SIGN_MODE.match(t):
        return True
    return _upper_ratio(t) > 0.9 and bool(_POSITION.match(c.folded[len(c.text) - len(t):]))


# positions whose first word a seal or a signature stroke over the title's start damages in OCR
# ("SHỦ TỊCH QUỐC HỘI", "Ủ TỊCH", "CNỦ TỊCH"): the rest of the position must be read exactly
_DAMAGEABLE = [p.split() for p in (
    "chu tich", "pho chu tich", "bo truong", "thu truong", "thu tuong", "pho thu tuong", "giam doc",
    "pho giam doc", "tong giam doc", "chanh van phong", "cuc truong", "vu truong", "chanh an",
    "vien truong", "hieu truong", "chu nhiem", "bi thu", "thong doc", "tong kiem toan")]
_DAMAGE_EDITS = 2  # at most this many letters of the first word lost or misread


def _edits(a: str, b: str) -> int:
    """Levenshtein distance of two short words."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_JUNK_WORDS = 2  # at most this many short marks (seal or stroke fragments) before the damaged title


def _is_damaged_title(c: _Cell) -> bool:
    """An upper-case position line whose first word is damaged, the rest intact, perhaps after
    a few short marks read from the seal (``"óc s CNỦ TỊCH QUỐC HỘI"``); the signer under it is
    then returned with ``needs_review``."""
    t = c.text.lstrip(_LEAD_JUNK)
    if not t or len(t) > 90 or _is_title(c):
        return False
    shown, words = t.split(), c.folded[len(c.text) - len(t):].split()
    if len(shown) != len(words):
        return False
    for i in range(min(_JUNK_WORDS, len(words) - 1) + 1):
        if i and len(words[i - 1]) > 4:
            break  # a real word before the title: not a title line
        if _upper_ratio(" ".join(shown[i:])) <= 0.9:
            continue
        w = words[i:]
        for p in _DAMAGEABLE:
            if len(w) >= len(p) and w[1:len(p)] == p[1:] and w[0] != p[0] and _edits(w[0], p[0]) <= _DAMAGE_EDITS:
                return True
    return False


def _right_column(c: _Cell, page: Page) -> bool:
    if c.place is None:
        return True  # no word boxes: the line structure is all there is
    return (c.place.x0 + c.place.x1) / 2 >= SIGNATURE_COLUMN * page.width


def _column(cells: list[_Cell], k: int, below: bool) -> list[int]:
    """Cells under (``below``) or above ``cells[k]`` in its column, nearest first; without word
    boxes, the next (previous) cells in reading order."""
    c = cells[k].place
    if c is None:
        return list(range(k + 1, min(len(cells), k + 16))) if below else list(range(k - 1, max(-1, k - 9), -1))
    lo, hi = c.x0 - 60, c.x1 + 60
    near = [(j, d.place) for j, d in enumerate(cells) if j != k and d.place is not None
            and lo <= (d.place.x0 + d.place.x1) / 2 <= hi
            and (0 < d.place.y0 - c.y0 <= SIGNATURE_SPAN if below else 0 < c.y0 - d.place.y0 <= SIGNATURE_SPAN / 3)]
    return [j for j, _ in sorted(near, key=lambda jd: abs(jd[1].y0 - c.y0))]


def _name_after(cells: list[_Cell], k: int) -> tuple[int, str, int, int] | None:
    """The signer's name under a signing title, else ``None`` (also for a blank form)."""
    for j in _column(cells, k, below=True):
        c = cells[j]
        t = c.text
        if not t or _ITEM.match(t) or _RECIPIENTS.match(t) or _NAME_STOP.search(c.folded):
            continue
        if _BLOCK_STOP.match(c.folded) or _SIGN_MODE.match(t) or _FORM_HINT.match(c.folded):
            return None  # another block, the annex, or a form to fill in ("(Ký, ghi rõ họ tên)")
        if _upper_ratio(t) > 0.9 or _letters(t) < 4:
            continue  # title continuation, seal or signature strokes read as letters
        t2 = _SIGNED_MARK.sub("", t).strip()
        rank = _RANK.match(t2)
        t2 = t2[rank.end():] if rank else t2
        if not t2:
            continue
        if _NAME.match(t2):
            if len(t2.split()[-1]) == 1:
                return None  # "Nguyễn Văn A": a form's sample name
            return j, t2, c.start + (len(t) - len(t2)), c.end
        if len(t) > 60:
            return None  # prose: the block is over
    return None


def _block(cells: list[_Cell], page: Page) -> tuple[_Cell | None, tuple[int, str, int, int], bool] | None:
    """The last signature block on the page: its signing-mode cell (if any), the name, and
    whether its title was read damaged."""
    for k in range(len(cells) - 1, -1, -1):
        c = cells[k]
        damaged = _is_damaged_title(c)
        if not (damaged or _is_title(c)) or not _right_column(c, page):
            continue
        got = _name_after(cells, k)
        if got is None:
            continue
        # the title lines above (TM. CHÍNH PHỦ / KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG): a long title
        # wraps, and in reading order the recipients column may be interleaved with them
        titles = [c]
        for i in _column(cells, k, below=False):
            t = cells[i].text
            if _is_title(cells[i]):
                titles.append(cells[i])
            elif not (_ITEM.match(t) or _RECIPIENTS.match(t) or (_upper_ratio(t) > 0.9 and len(t) <= 60)):
                break
        mode = next((x for x in titles if _SIGN_MODE.match(x.text.lstrip(_LEAD_JUNK))), None)  # nearest: KT. under TM.
        return mode, got, damaged
    return None


def _signature(b: _Builder, pages: list[Page]) -> None:
    """Signer and signing mode from the last page with a signature block; recipients beside it."""
    found = None
    for page in reversed(pages):
        cells = [c for c in _cells(page, fix_chars(page.text)) if c.text]
        block = _block(cells, page)
        if block is not None:
            found = (page, cells, block)
            break
    if found is None:  # no signing title anywhere: no signer, but a recipients list may still be there
        for page in reversed(pages):
            cells = [c for c in _cells(page, fix_chars(page.text)) if c.text]
            rec = [i for i, c in enumerate(cells) if _RECIPIENTS.match(c.text)]
            if rec:
                _recipients(b, page, WordIndex(page), cells, rec[-1])
                return
        return
    page, cells, (ln, (j, name, s, e), damaged) = found
    idx = WordIndex(page)
    if ln is not None:
        lead = len(ln.text) - len(ln.text.lstrip(_LEAD_JUNK))
        sign_mode = _SIGN_MODE.match(ln.text[lead:])
        assert sign_mode is not None  # _block picked ln because it matched
        mode = sign_mode.group(1)
        b.set("signing_mode", mode + ".", page, idx, ln.start + lead, ln.start + lead + len(mode) + 1)
    b.set("signer", name, page, idx, s, e,
          odd="the signing title above the name was read damaged (a seal or signature over it)" if damaged else None)
    rec = [i for i, c in enumerate(cells) if _RECIPIENTS.match(c.text) and abs(i - j) <= 40]
    if rec:
        _recipients(b, page, idx, cells, min(rec, key=lambda i: abs(i - j)))


def _recipients(b: _Builder, page: Page, idx: WordIndex, cells: list[_Cell], rec_i: int) -> None:
    items: list[str] = []
    item_cells: list[_Cell] = []
    misses = 0
    first = cells[rec_i]
    m0 = _RECIPIENTS.match(first.text)
    assert m0 is not None  # rec_i is a cell it matched
    after = first.text[m0.end():].strip()
    cand = ([_Cell(first.end - len(after), first.end, after, fold_chars(after))] if after else []) + cells[rec_i + 1:]
    for c in cand:
        im = _ITEM.match(c.text)
        if im:
            items.append(im.group(1).strip())
            item_cells.append(c)
            misses = 0
        elif c.text:
            misses += 1
            if misses > 3:
                break
    if items:
        b.set("recipients", items, page, idx, item_cells[0].start, item_cells[-1].end)


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


# an annex's heading line that names the document it belongs to: "(Ban hành kèm theo Thông
# tư số 05/2026/TT-BCT ngày 30 tháng 01 năm 2026 của Bộ trưởng …)", "(Kèm theo Nghị định số …)"
_ANNEX_HEADING = re.compile(r"^[ \t]*[(\[]?[ \t]*(?:ban[ \t]+hành[ \t]+)?kèm[ \t]+theo[ \t]", re.IGNORECASE | re.MULTILINE)
_ANNEX_WINDOW = 200  # characters of the heading read for its citation


def _check_annex_headings(b: _Builder, pages: list[Page]) -> None:
    """Flag the header's number when an annex heading cites the document itself (same type,
    same issue date) under another number: one of the two is misprinted, and only a person
    can tell which (issue #11: report what is printed, flag the disagreement).  A heading
    that leaves out the year (``58/TT-BKHCN`` for ``58/2025/TT-BKHCN``) agrees with it; a
    heading of another date is another document's annex (an amending decree replacing it)."""
    ident = b.ident
    if ident.number is None or ident.issued_on is None or ident.doc_type is None:
        return
    own = number_key(ident.number)
    for page in pages:
        for h in _ANNEX_HEADING.finditer(page.text):
            window = fix_chars(page.text[h.start():h.start() + _ANNEX_WINDOW])
            refs = scan_references(window, own="")
            if not refs or refs[0].issued_on != ident.issued_on or refs[0].doc_type not in (None, ident.doc_type):
                continue
            parts = refs[0].parts
            cited = parts.canonical
            year = ident.number.split("/")[1] if ident.number.count("/") == 2 else None
            dated = f"{parts.num}/{year}/{'-'.join(parts.codes)}" if parts.form == "admin" and year else cited
            if number_key(dated) != own:
                b.flag("number", f"an annex heading on page {page.number} cites this document as {cited}")
                return


def read_identity(pages: list[Page]) -> DocumentIdentity:
    """Identity of the document whose pages are given.

    The header is looked for on the first page with text only (never on a later page:
    a later page of a letter or an annex has no identity of its own); the signature
    block on the last page that has one.
    """
    b = _Builder()
    pages = [p for p in pages if p.text]
    if not pages or all(_letters(p.text) < MIN_LETTERS for p in pages):
        b.ident.kind = DocumentKind.NOT_A_DOCUMENT
        return b.ident
    b.ident.kind = _header(b, pages[0], WordIndex(pages[0]))
    _check_annex_headings(b, pages)
    _signature(b, pages)
    _copy_stamp(b, pages)
    return b.ident
