"""Reference gold built from a document's own text by one transparent rule (no extractor code).

The rule, applied to the source text (one paragraph per line, so no number is split):

* a **citation** is a number of one of the shapes documents are numbered in, standing alone
  (not glued to a letter, digit, ``/``, ``.``, ``-`` or ``:`` on either side):
  ``<n>/<yyyy>/<CODE>`` (``63/2025/QH15``, ``254/2025/NĐ-CP``, ``96/2014/TTLT-BTC-BCA``; a
  legislature's term after a hyphen or a space, ``54/2014/QH-13``, ``73/2006/QH 11``, is read
  as ``QH13``, ``QH11``),
  ``<n>/<CODE>-<CODE>…`` (``23/CT-TTg``, ``724/TTr-CP``: without a year the symbol has at
  least two codes) and the Party style ``<n>-<CODE>/<CODE>`` (``66-NQ/TW``).  A code is
  upper-case letters (with ``Đ``) and digits, with at most one small letter (``TTg``,
  ``CTr``); one space is allowed around a separator (``51 /2025/TT-BYT``) and removed; a
  yearless number with a single code (``25/CP``, ``118/TTg``, ``11/TTLB``: older styles) counts
  only right after ``số`` or a type name (``Nghị định số 25/CP``);
* **not a citation**: the document's own number (official or as printed, wherever it stands:
  the ``Số:`` line, an annex's "ban hành kèm theo Thông tư số …"); form and code labels, i.e.
  a number right after ``Mẫu``/``mẫu số``/``Biểu``/``Phụ lục số``/``Ký hiệu:``/``Mã số``
  (``Mẫu số 01-ĐĐN/SHTT``), and the numbers of a list continuing such a label
  (``Mẫu số 01/PB, 02/PB``), and a yearless form code with a second slash
  (``15/BCQT-NVL/GSQL``) with the list it starts; a standard's year (``QCVN 86:2025/BKHCN``) is excluded by the
  ``:`` boundary.
* every occurrence counts (a multiset per document), compared by :func:`reference_key`
  (``number_key`` without hyphens: a symbol printed without its hyphen, ``26/2025/TTBYT``, and
  an extractor's repaired ``26/2025/TT-BYT`` are the same citation).

It is a rule, not a reading: typos such as ``98/2021NĐ-CP`` and pre-1990 styles (``87-CP``)
are not in the gold, so an extractor that finds them is charged a false positive.  Checked
on the DEV part only: 70 matches drawn at random (seed 3) and read in context were all real
citations (one printed with a typo, ``69/2022/BTC``, kept as printed); a broad candidate
pattern (digits, ``/`` or ``-``, a capital) finds about 30 more number-like strings on the
300 DEV texts that the rule leaves out — typos, ``QCVN 16-1:2025/BYT`` standards, form codes.
No hand-checked reference list exists for these documents.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .corpus import fold_lookalikes, number_key

_SEG = r"[A-ZĐ][A-ZĐ0-9]*[a-z]?[A-ZĐ0-9]*"
_SEP = r"\s?[-–]\s?"
# a legislature's term printed after a hyphen or a space ("54/2014/QH-13", "73/2006/QH 11") is
# the same citation as QH13 / QH11 (read as "73/2006/QH", the header's own number of a law
# printed "Luật số: 73/2006/QH 11" would be a citation of a number nobody issued)
_NEXT = r"(?:" + _SEP + _SEG + r"|(?<=QH)[- ]\d{1,2})"
_SYM = _SEG + _NEXT + r"*"
_SYM2 = _SEG + _NEXT + r"+"
CITATION = re.compile(
    r"(?<![\w/.\-:])(?:"
    r"\d{1,5}\s?/\s?\d{4}\s?/\s?" + _SYM  # 63/2025/QH15, 254/2025/NĐ-CP
    + r"|\d{1,5}\s?/\s?" + _SYM2  # 23/CT-TTg
    + r"|\d{1,5}-" + _SYM + r"/" + _SYM  # 66-NQ/TW
    + r"|(?P<single>\d{1,5}\s?/\s?" + _SEG + r")"  # 25/CP: only after an anchor
    + r")(?![\w/\-])"
)
_TYPES = (r"luật|bộ luật|pháp lệnh|nghị quyết|nghị định|quyết định|thông tư|chỉ thị|công văn|văn bản|"
          r"thông báo|kế hoạch|báo cáo|tờ trình|kết luận|hướng dẫn|quy định|lệnh|sắc lệnh|công điện|"
          r"thông tư liên tịch|thông tư liên bộ|nghị quyết liên tịch")
_ANCHOR = re.compile(r"(?:\bsố|\b(?:" + _TYPES + r"))\s*:?\s*$", re.IGNORECASE)
_LABEL = re.compile(
    r"(?:mẫu|mẫu số|biểu|biểu mẫu|biểu số|mẫu biểu|phụ lục|phụ lục số|ký hiệu|mã số|mã hiệu|mã)\s*[:(“\"]*\s*$",
    re.IGNORECASE,
)
# a yearless number whose symbol goes on after a second slash is a form's code
# ("15/BCQT-NVL/GSQL"); like a label, it can start a list of form codes
_FORM_ITEM = r"\d{1,5}[a-z]?\s?/\s?" + _SYM + r"(?:/" + _SYM + r")?(?![\w/\-])"
FORM_LIST = re.compile(r"(?<![\w/.\-:])\d{1,5}[a-z]?\s?/\s?" + _SYM + r"/" + _SYM + r"(?![\w/\-])"
                       r"(?:\s*(?:,|;|và|hoặc|đến|-|–)\s*" + _FORM_ITEM + r")*")
_LIST_GAP = re.compile(r"^\s*(?:,|;|và|hoặc|đến|-|–)?\s*$")


def reference_key(number: str | None) -> str | None:
    """How references are compared: ``number_key`` without hyphens."""
    key = number_key(number)
    return None if key is None else key.replace("-", "")


class GoldRef(NamedTuple):
    start: int  # offsets in the source text
    end: int
    number: str  # reference_key form


def reference_gold(text: str, own_numbers: set[str]) -> list[GoldRef]:
    """The citations of ``text`` by the module's rule, in text order."""
    out: list[GoldRef] = []
    text = fold_lookalikes(text)
    prev_label_end = None  # end of the last match excluded as a form label (for list continuation)
    forms = [(f.start(), f.end()) for f in FORM_LIST.finditer(text)]
    for m in CITATION.finditer(text):
        if any(a <= m.start() < b for a, b in forms):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 24):m.start()]
        if _LABEL.search(before):
            prev_label_end = m.end()
            continue
        if prev_label_end is not None and _LIST_GAP.match(text[prev_label_end:m.start()]):
            prev_label_end = m.end()
            continue
        prev_label_end = None
        if m.group("single") and not _ANCHOR.search(before):
            continue
        key = number_key(m.group())
        if key in own_numbers:
            continue
        out.append(GoldRef(m.start(), m.end(), reference_key(key)))
    return out
