"""Where a metric's subject is in the text around its value.

* Searched back within the clause to the nearest "tỷ lệ"; else, for a percentage, the noun phrase
  after it ("70% các đơn vị"), joined to the clause before it when that names something too ("lãi
  suất nợ quá hạn … lãi suất vay vốn" for "lãi suất nợ quá hạn bằng 130% lãi suất vay vốn"); else the
  clause tail (after "thì"/"có"/"mà"/"hưởng").
  Line wraps inside a paragraph are read through (:func:`soft_breaks`); a second figure of one list
  ("80% … và 90% …") shares the first one's subject (:func:`continues`).
  Cut ends are then moved to underthesea word boundaries (:mod:`extractors.subjects`, ``SNAP_SUBJECTS``).
* Where the clause gives no subject of its own (``đạt tỷ lệ 98%``, ``(đạt 90%)``, ``Dịch vụ:
  5%``, a table cell holding only the value), the subject is what the value refers to: the
  clause before the parenthesis, the label before the colon, the row's label cell (cells from
  :mod:`extractors.table_cells`), or the "tỷ lệ ..." phrase / last clause of the previous sentence.
* Table rows (``tests/extractors/gold/metrics_rows.yaml``): a cell is a hard boundary, so no word
  cap meant for prose cuts a label inside it: the row's label cell is taken whole, the phrase after
  a value runs to the end of its cell (never into the next figure), a clause opening its cell is
  taken whole. A label cell going on in lower case or with a share ("| chiếm từ 0% đến 2% vốn chủ
  sở hữu | 8%") continues the label before it, in its row or in the parent row above ("- Khoản tạm
  ứng:" over "+ Chiếm …"); a formula row "A | = | B | x 60%" is about "A … B". The same figure
  for the next periods ("năm 2026 đạt 90% …, năm 2027 đạt 95% …") shares the first one's subject.

:func:`metric_subject` is the entry point (used by :func:`extractors.metrics.find_metrics`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.extraction import Metric

from . import patterns as P
from .normalize import fold, fold_chars
from .subjects import CONTEXT_SYLLABLES, snap, subject_words, whole_word_before, whole_word_end
from .table_cells import CELL_BREAK, VALUE_CELL, Rows

SNAP_SUBJECTS = True  # move subject ends to underthesea word boundaries (see extractors.subjects)

_TAIL_VERBS = re.compile(
    r"(?:[\s,:]|(?<![^\W\d_])(?:đạt tỷ lệ|đạt tỉ lệ|đạt mức|đạt|là|chiếm|bằng|ở mức|(?<!gia )tăng|(?<!miễn )(?<!suy )giảm|còn|chỉ|được|có|"
    r"với|tương ứng|khoảng|trên|dưới|từ|ít nhất|tối thiểu|tối đa|không quá|gần|hơn)(?![^\W\d_]))+$",
    re.IGNORECASE,
)
_CLAUSE_CUT = re.compile(r"[;:\n(|\t]|\.(?!\d)|,(?!\d)\s+(?=(?:va|con|trong do|dong thoi|nhung)\b)")
_TY_LE = re.compile(r"(?<![a-z])(?:ty le|ti le)(?![a-z])")
_AFTER_STOP = re.compile(r"^(?:so voi|,|\.|;|:|\)|\|)")
_AFTER_SKIP = re.compile(r"^(?:tro len|tro xuong)(?![a-z])\s*")  # "từ 25% trở lên số lượng lao động ..."
_WORD = re.compile(rf"[{P.VN_LETTER}0-9&]+")
_LIST_MARK = re.compile(r"^(?:[\-–•+*]\s*|\(?[0-9ivxlcđa-z]{1,4}(?:\.[0-9]{1,3})*[.)]\s+|\d+(?:\.\d+)+\s+)+", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?](?=\s)|\n")


def metric_subject(text: str, folded: str, qstart: int, vend: int, end: int, is_pct: bool, floor: int,
                   rows: Rows | None, prev: tuple | None, earlier: list[Metric]) -> str:
    """The subject of the metric at ``qstart:end`` (its value ends at ``vend``) in ``text`` (read
    through line wraps: :func:`soft_breaks`) and its ``folded`` twin; ``floor``: the end of the metric
    before; ``prev``: that metric's subject, end, percent flag, qualifier, value start and fraction flag;
    ``earlier``: the metrics found before it on the page."""
    subject, cut = _subject(text, folded, qstart, vend, is_pct, floor, rows, prev)
    if cut and SNAP_SUBJECTS:  # the cut end is the phrase after the value in "A … B"
        head, sep, tail = subject.rpartition(" … ")
        subject = head + sep + snap(text, tail, qstart, end)
    if _generic(subject) and re.search(r"[^\W\d_]", subject):
        subject = _same_head_before(subject, earlier, folded, qstart) or subject
    return subject


def clause_start(folded: str, pos: int, floor: int) -> int:
    """Where the clause holding ``pos`` begins, at ``floor`` at the earliest and 220 characters back at
    most (a clause ends at ";", ":", a line break, a bracket, a cell break, a sentence end, or a comma before
    "và"/"còn"/"trong đó"/...)."""
    lo = max(floor, pos - 220)
    if lo > floor and folded[lo - 1:lo].isalnum():  # a window edge inside a word: start at the next word
        space = folded.find(" ", lo, pos)
        lo = space + 1 if space >= 0 else lo
    last = lo
    for m in _CLAUSE_CUT.finditer(folded, lo, pos):
        last = m.end()
    if last > lo and folded[last - 1] == "(" and ")" in folded[last:pos]:
        # "giá trị tiêu thụ nhiên liệu (tính bằng lít xăng/100 km) không vượt quá 70%": a bracket closed
        # before the value is an aside inside the clause, not its start
        return clause_start(folded, last - 1, floor)
    return last


def _subject(text: str, folded: str, qstart: int, vend: int, is_pct: bool, floor: int,
             rows: Rows | None = None, prev: tuple | None = None) -> tuple[str, bool]:
    """The subject phrase and whether it was cut at a syllable cap (then it may split a word).
    ``prev``: the subject and end of the figure before, which a second figure of one list shares."""
    cells = rows.cells(qstart) if rows is not None else None
    cell = next((c for c in cells if c[0] <= qstart < c[1]), None) if cells else None
    cell_floor = cell[0] if cell else 0
    subj, cut, bare = _clause_subject(text, folded, qstart, vend, is_pct, max(floor, cell_floor),
                                      cell[1] if cell else None)
    if bare and cells:  # "đạt tỷ lệ ≥65%" in a table row: the rate of the row's indicator
        label = _row_label(text, folded, cells, cell, rate_only=True, rows=rows)
        if label:
            return label
    if cells and cell is not None:
        formula = _formula_label(text, cells, cell)
        if formula:  # "Mức hưởng | = | Mức lương bình quân … | x 60%": what the row computes
            return formula, False
        head = _continued_label(text, folded, cells, cell, rows)
        if head and _opens_with_share(folded, cell[0], qstart):
            # "Giá trị các khoản tạm ứng | chiếm từ 0% đến 2% vốn chủ sở hữu": what takes that share
            return (f"{head} … {subj}" if subj and not _generic(subj) else head), False
    if prev is not None and prev[2] == is_pct and (continues(folded, prev[1], qstart)
                                                   or _next_period(folded, prev[1], qstart, vend)
                                                   or _BOUNDS_GAP.fullmatch(text, prev[1], qstart)
                                                   or _MOVE_GAP.fullmatch(folded, prev[1], qstart)
                                                   or _SCOPE_GAP.fullmatch(folded, prev[1], qstart)):
        return prev[0], False
    if (prev is not None and is_pct and prev[5] and clause_start(folded, qstart, 0) <= prev[4]
            and (_generic(_TY_LE.sub("", fold(subj))) or len(text[prev[1]:qstart].split()) <= 6)
            and (_generic(subj) or not _TY_LE.search(fold(subj)))):  # its own "tỷ lệ …" wins
        # "đã kiểm tra 4/10 đơn vị trực thuộc, đạt 40%": the rate of the fraction just before
        return _words_cap(f"{prev[0]} {text[prev[4]:qstart]}", 20)[0], False
    if not _generic(subj):
        return subj, cut
    if prev is not None and prev[2] == is_pct and _COMMA_GAP.fullmatch(folded, prev[1], qstart) and not _generic(prev[0]):
        return prev[0], False
    for alt in (_paren_subject(text, folded, qstart, cell_floor),
                _compared_with(text, folded, vend, cell[1] if cell else None) if is_pct else None,
                _colon_label(text, folded, qstart, cell_floor),
                _row_label(text, folded, cells, cell, rows=rows) if cells else None,
                _previous_sentence(text, folded, qstart, cell_floor) if not cells else None):
        if alt and not _generic(alt[0]):
            return alt
    return subj, cut


# "80% đối với đất đá và 90% đối với quặng", "lớn hơn 0,5% và nhỏ hơn 1%": a second figure joined
# to the first by "và"/"hoặc" in the same clause, with no noun of its own before it
_CONTINUES = re.compile(r"[^.;:()|\n]{0,40}?(?<![a-z])(?:va|hoac)\s+(?:(?:nho|lon|cao|thap|it|nhieu) hon|tren|duoi|"
                        r"khong qua|toi da|toi thieu|it nhat|tu|den|bang|dat|la|chiem)?\s*$")


# "… năm 2026 đạt 90% đánh giá hài lòng trở lên, năm 2027 đạt 95% đánh giá hài lòng trở lên, …": the
# same figure for the next period; between the two figures only the words after a figure (repeated
# after this one) and the period
_NEXT_PERIOD = re.compile(r"[\s,;]*(?:va\s+)?(?:(?:den|tu|trong)\s+)?(?:nam|giai doan|quy|thang)\s+[\d/\-–\s]+"
                          r"(?:(?:dat|la|phai dat|tang len|giam con)\s*)?$")


# "đạt ít nhất 35% đối với khoản vay có … hoặc đạt ít nhất 25% đối với …", "đạt ít nhất 90%, đối với xã
# có … đạt ít nhất 85%": the same quantity for another scope; between the two figures only the scope
# of the first ("đối với …") and a bare predicate before the second
_SCOPE_GAP = re.compile(r"[\s,]*(?:(?:va|hoac)\s+)?(?:rieng\s+)?doi voi\s[^.;:()|\n%]{1,160}?"
                        r"(?:\s(?:va|hoac|thi))?\s+(?:phai\s+)?(?:dat|la|bang|chiem)\s*$")


# "từ dưới 50% lên trên 50%", "giảm từ 5% xuống còn 2%": the figure a quantity moves to shares the
# subject of the figure before; so does a figure of a comma list ("vượt mức 35%, 45%, 55%") that
# names nothing itself (the list's last figure keeps the noun phrase after it)
_MOVE_GAP = re.compile(r"\s+(?:len|xuong|xuong con|giam con|tang len)\s+(?:(?:muc|tren|duoi|khoang)\s+)?")
_COMMA_GAP = re.compile(r"\s*,\s*")


def _next_period(folded: str, prev_end: int, qstart: int, vend: int) -> bool:
    """Is the figure at ``qstart`` the figure before (ending at ``prev_end``) for the next period?"""
    gap = folded[prev_end:qstart]
    if not 0 < len(gap) <= 120:
        return False
    after = folded[vend:vend + len(gap)].split()
    words = gap.split()
    k = 0
    while k < min(len(words), len(after)) and words[k].strip(",;") == after[k].strip(",;"):
        k += 1
    for j in range(k, -1, -1):  # the words after the figure before, repeated after this one
        rest = gap
        for w in words[:j]:
            rest = rest[rest.index(w) + len(w):]
        if _NEXT_PERIOD.fullmatch(rest):
            return True
    return False


def continues(folded: str, prev_end: int, qstart: int) -> bool:
    """Is the figure at ``qstart`` the next of a list that the figure ending at ``prev_end`` began?"""
    return 0 <= qstart - prev_end <= 48 and bool(_CONTINUES.match(folded, prev_end, qstart))


def _clause_subject(text: str, folded: str, qstart: int, vend: int, is_pct: bool,
                    floor: int, ceiling: int | None = None) -> tuple[str, bool, bool]:
    """Subject from the value's own clause; the last flag says it came from a bare "tỷ lệ".
    ``ceiling``: the end of the table cell holding the value; the cell bounds the phrase after the
    value (no word cap is needed inside it: a label cell is one label, however long)."""
    cs = clause_start(folded, qstart, floor)
    window = folded[cs:qstart]
    tl = None
    bare = False
    for m in _TY_LE.finditer(window):
        tl = m
    if (tl is not None and is_pct and not _generic(text[cs + tl.start():qstart])
            and _attributive(text, folded, qstart, vend)):
        # "tỷ lệ góp vốn … trong tổ chức tín dụng 100% vốn nước ngoài": the value belongs to the noun after
        # it, not to the rate
        after = folded[vend:vend + 140 if ceiling is None else max(vend, ceiling)]
        off = vend + len(after) - len(after.lstrip())
        _n, noun, cut = _noun_after(text, after.lstrip(), off, ceiling)
        if noun and not _generic(noun):
            return noun, cut, False
    if tl is not None:
        s = cs + tl.start()
        tail = _TAIL_VERBS.search(text, s, qstart)
        e = tail.start() if tail else qstart
        if e - s > 6:  # a bare "tỷ lệ" ("... chiếm tỷ lệ từ 25%") says nothing: use what precedes it
            return _clean(text[s:e]), False, False
        qstart, bare = s, True
    tail = _TAIL_VERBS.search(text, cs, qstart)
    e = tail.start() if tail else qstart
    cs = _excess_start(folded, cs, e)
    words = _after_marker(_skip_opening(_ASIDE.sub("", text[cs:e])))
    # "Trích 15% bổ sung …", "… hướng đến mục tiêu bố trí tối thiểu 70% trong tổng số dự toán …": the
    # verb right before the value hands over its object, which follows the value
    verb_only = is_pct and (_leading_verb_only(words) or _ends_with_leading_verb(words))
    # a clause that opens its table cell is the cell's label, taken whole; elsewhere its last words
    n_before = CELL_WORDS if ceiling is not None and not text[floor:cs].strip(" |\t+-–•") else BEFORE_WORDS
    before = (_head_and_tail(words, n_before), len(words) > n_before, bare)
    compared = COMPARED.match(text, vend)
    if is_pct and compared:  # "hàm lượng 70% ≤ TiO2": the value bounds the quantity after the sign
        word = compared.group("word")
        return (f"{before[0]} … {word}" if not _generic(before[0]) else word), False, bare
    if is_pct:
        hi = vend + 140 if ceiling is None else max(vend, ceiling)
        after = folded[vend:hi].lstrip()
        off = vend + (len(folded[vend:hi]) - len(after))
        skip = _AFTER_SKIP.match(after)
        if skip:
            after, off = after[skip.end():], off + skip.end()
        if verb_only:
            object_ = _verb_object(text, after, off, ceiling)
            if object_:
                return object_[0], object_[1], bare
        if after and not _AFTER_STOP.match(after) and after[:1].isalpha():
            n, noun, cut = _noun_after(text, after, off, ceiling)
            # "thuế suất 15% áp dụng đối với ...": a phrase after the value that is no noun phrase
            # of its own leaves the subject before the value
            if n and (_generic(before[0]) or not _not_subject_after(after[:n])):
                if not _generic(before[0]):  # "lãi suất nợ quá hạn bằng 130% lãi suất vay vốn": both say it
                    if _generic(noun) and " " not in noun:  # "… bằng 70% mức tính theo …": "mức" adds nothing
                        return before
                    return f"{before[0]} … {noun}", cut, bare
                return noun, cut, bare
    return before


# a bracket closed inside the clause before a value is an aside ("số lượng điểm kinh doanh trên địa bàn cấp
# xã (không bao gồm phường) tại các tỉnh … chiếm tối thiểu 50%"): not part of what the value is about
_ASIDE = re.compile(r"[ \t]*\([^()]*\)")
_BARE_PERCENT = re.compile(rf"\s*(?:{P.NUMBER})\s?%\s*")


def _attributive(text: str, folded: str, qstart: int, vend: int) -> bool:
    """Is the percentage at ``qstart:vend`` an attribute between two nouns ("tổ chức tín dụng 100% vốn
    nước ngoài"): no qualifier, no verb or punctuation right before it, a noun phrase right after it?"""
    if not _BARE_PERCENT.fullmatch(text, qstart, vend):
        return False
    before = text[max(0, qstart - 40):qstart]
    if not before[-1:].isspace() or not before.rstrip()[-1:].isalpha():
        return False
    tail = _TAIL_VERBS.search(before)
    if tail and before[tail.start():].strip():
        return False  # "… đạt 100%", "… chiếm 5%"
    after = folded[vend:vend + 60].lstrip()
    return after[:1].isalpha() and not _AFTER_STOP.match(after) and not _not_subject_after(after)


# "83% ≤ TiO2": a sign after the value and the quantity it bounds (a symbol or one word)
COMPARED = re.compile(r"\s*(?P<sign>[≤<≥>]=?)\s*(?P<word>[^\W\d_][\w]*)")
# "70% ≤ TiO2 < 85%": between two bounds of one quantity only the sign, the quantity and a sign
_BOUNDS_GAP = re.compile(r"\s*[≤<≥>]=?\s*[^\W\d_]\w*\s*(?:[≤<≥>]=?\s*)?")
AFTER_WORDS = 16  # words of the noun phrase after a percentage ("đạt 70% các đơn vị, địa phương")
_NEXT_NUMBER = re.compile(r"(?<![^\W\d_])\d")  # a number's first digit; not the "3" of "H3BO3"
_AFTER_END = re.compile(r"[.;:()\n|\t]|,(?!\s+[a-zđ])|,\s+(?:va|trong do|tang|giam|dong thoi|nhung|con|dat|la)(?![a-z])")
# ... and before the basis it is reckoned on ("85% H3BO3 tính theo trọng lượng khô", "99% đánh giá hài
# lòng trở lên tính trên tổng số lượt"); read with accents: "đường tỉnh trên địa bàn" goes on
_BASIS = re.compile(r"(?<=\s)tính\s+(?:theo|trên)(?![^\W\d_])", re.IGNORECASE)


def _after_phrase(after: str, limit: int | None = None) -> int:
    """Length of the phrase after a value: to the clause end; a comma goes on when the next word
    continues a list in lower case ("100% viên chức, người lao động đáp ứng ..."). ``limit``: how far
    it may run (120 characters in prose; to the end of the table cell in a row)."""
    if limit is None:
        limit = 120
    else:  # to the end of the cell, but never into the next figure ("…, năm 2027 đạt 95% …")
        d = _NEXT_NUMBER.search(after, 0, limit)
        if d:
            limit = max(after.rfind(",", 0, d.start()), 0) or d.start()
    m = _AFTER_END.search(after, 0, limit)
    return m.start() if m else min(len(after), limit)


def _not_subject_after(after: str) -> bool:
    words = after.split()
    for phrase in subject_words()["not_subject_after"]:
        n = phrase.count(" ") + 1
        if " ".join(words[:n]) == phrase:
            return True
    return False


def _generic(subject: str) -> bool:
    """True when the subject names nothing ("", "tỷ lệ", "kết quả đạt")."""
    rest = " " + fold(subject) + " "
    for phrase in sorted(subject_words()["generic_subjects"], key=len, reverse=True):
        rest = rest.replace(f" {phrase} ", " ")
    return not re.search(r"[a-z]", rest.replace("  ", " "))


BEFORE_WORDS = 14  # words of the clause before a value
# inside a table cell the cell is the boundary: a cap only against run-away text (a cell of a row
# label is one label, however long: "Tỷ lệ hộ có đăng ký trực tiếp và được sử dụng điện sinh hoạt,
# sản xuất đảm bảo an toàn, tin cậy và ổn định | ≥98%")
CELL_WORDS = 60
# words after which a clause names what it measures: "Đô thị … thì mức tối thiểu … bằng 60%",
# "Công ty … có dư nợ tín dụng tiêu dùng chiếm 65%", "… được hưởng phụ cấp … bằng 40%"
_SUBJECT_MARKERS = ("thì", "có", "mà", "hưởng")


HEAD_WORDS = 8  # words of a long clause's head kept before its last BEFORE_WORDS


def _after_marker(words: list[str]) -> list[str]:
    """The words after the last subject marker of the clause, when at least two are left and they
    are more than a bare quantity head ("… tổ chức tín dụng khác có giá trị từ 20%": whose value)."""
    heads = subject_words()["quantity_heads"]
    for i in range(len(words) - 3, -1, -1):
        if words[i].lower().strip(",") in _SUBJECT_MARKERS and not _folded_in(words[i:i + 2], "marker_compounds"):
            if fold(_clean(" ".join(words[i + 1:]))) in heads:
                continue
            if words[i].lower() == "thì" and i and _only_predicate(words[i + 1:]):
                return words  # "… cứ thêm mỗi năm thì tính thêm 2%": the condition names it, not the verb
            return words[i + 1:]
    return words


def _only_predicate(words: list[str]) -> bool:
    """Are ``words`` only a verb and its particles ("tính thêm", "được trả thêm"), naming nothing?"""
    verbs = subject_words()["bare_predicate_words"]
    return all(fold(_clean(w)) in verbs for w in words)


def _folded_in(words: list[str], key: str) -> bool:
    """Is the folded text of ``words`` one of the phrases of the word list ``key``?"""
    return " ".join(fold(_clean(w)) for w in words).strip() in subject_words()[key]


def _leading_verb_only(words: list[str]) -> bool:
    """Is the clause before a value only a leading verb ("Trích", "Dành", "Phạt")?"""
    return bool(words) and _folded_in(words, "leading_verbs")


def _excess_start(folded: str, cs: int, e: int) -> int:
    """Where the clause before a value names an excess of a quantity with no figure of its own ("… xếp hàng
    hóa lên mỗi xe ô tô vượt quá trọng tải … của xe trên 100%"): the value measures that excess, which
    starts the subject; else ``cs``."""
    at = cs
    for phrase in subject_words()["excess_openers"]:
        for m in re.finditer(rf"(?<![a-z]){phrase}\s+(?=[a-z])", folded[cs:e]):
            if cs + m.start() > at and not re.search(r"\d", folded[cs + m.start():e]):
                at = cs + m.start()
    return at


def _ends_with_leading_verb(words: list[str]) -> bool:
    """Does the clause before a value end with a leading verb ("… mục tiêu bố trí", "… hỗ trợ")? Not
    after a quantity head, where it names the quantity ("mức hỗ trợ tối đa bằng 1%", "tổng mức chi")."""
    heads = subject_words()["quantity_heads"]
    return any(len(words) > k and _folded_in(words[-k:], "leading_verbs")
               and fold(_clean(words[-k - 1])) not in heads for k in (1, 2))


def _verb_object(text: str, after: str, off: int, ceiling: int | None) -> tuple[str, bool] | None:
    """The object after the value of a leading verb ("Trích 14% để bổ sung mức ăn …", "Phạt 10% tính
    trên số tiền thuế khai thiếu"), without the function words that join it; None when what follows
    is no noun phrase ("Tăng thêm 10% trong trường hợp …")."""
    for lead in sorted(subject_words()["verb_object_openers"], key=len, reverse=True):
        m = re.match(rf"{lead}(?![a-z])\s*", after)
        if m:
            after, off = after[m.end():], off + m.end()
            break
    if not after[:1].isalpha() or _AFTER_STOP.match(after) or _not_subject_after(after):
        return None
    _n, noun, cut = _noun_after(text, after, off, ceiling)
    return (noun, cut) if noun and not _generic(noun) else None


def _noun_after(text: str, after: str, off: int, ceiling: int | None) -> tuple[int, str, bool]:
    """The phrase after a value (``after``, at ``off`` in ``text``) up to its basis ("tính trên …"):
    its length, its words capped (more in a table cell), and whether the cap cut it."""
    n = _after_phrase(after, None if ceiling is None else len(after))
    basis = _BASIS.search(text, off, off + n)
    n = basis.start() - off if basis else n
    words = text[off:off + n].split()
    if not basis:
        for _ in range(2):  # "100% tổng số viên chức (đối với bảo tàng công lập) hoặc người lao động …"
            gone_on = _past_aside(text, after, off, n, ceiling)
            if gone_on is None:
                break
            n, more = gone_on
            words += more
    cap = AFTER_WORDS if ceiling is None else CELL_WORDS
    return n, _clean(" ".join(words[:cap])), len(words) > cap


def _past_aside(text: str, after: str, off: int, n: int, ceiling: int | None) -> tuple[int, list[str]] | None:
    """The phrase after a value stopped at a bracket that sets off a scope ("(đối với …)", "(không bao
    gồm …)", "(kể cả …)"): when the phrase goes on in lower case after it, its new length and the words
    after the bracket (the aside left out); else None."""
    if after[n:n + 1] != "(":
        return None
    close = after.find(")", n)
    inside = after[n + 1:close].strip() if close > 0 else ""
    if not inside or "(" in inside or not any(inside == o or inside.startswith(o + " ")
                                              for o in subject_words()["aside_openers"]):
        return None
    rest = after[close + 1:]
    lead = len(rest) - len(rest.lstrip(" "))
    if not rest[lead:lead + 1].isalpha() or _AFTER_STOP.match(rest[lead:]):
        return None
    start = close + 1 + lead
    m = _after_phrase(after[start:], None if ceiling is None else len(after) - start)
    return start + m, text[off + start:off + start + m].split()


def _skip_opening(clause: str) -> list[str]:
    """The words of ``clause`` without its list mark ("a) ") and without an opening adverbial set
    off by a comma ("Kể từ ngày … năm 2027, mức thu phí …"), when the rest still names something."""
    clause = _LIST_MARK.sub("", clause.strip() + " ").strip()  # "a) 3% vào quỹ …": the mark ends the clause
    words = clause.split()
    folded = " ".join(fold(w) for w in words[:4])
    if "," in clause and any(folded == o or folded.startswith(o + " ") for o in subject_words()["adverbial_openers"]):
        rest = clause[clause.index(",") + 1:]
        if not _generic(rest):
            return rest.split()
    return words


def _head_and_tail(words: list[str], n: int) -> str:
    """The last ``n`` words of a clause; a longer clause keeps its head too ("Dự toán kinh phí quản lý
    chung … tổng dự toán …"): a Vietnamese clause names what it is about first."""
    extra = len(words) - n
    if extra > HEAD_WORDS and SNAP_SUBJECTS:  # "… trừ trường | hợp …": the tail starts at a whole word
        extra -= len(whole_word_before(words[-n:], words[extra - CONTEXT_SYLLABLES:extra]))
    tail = _clean(" ".join(words[extra:] if extra > 0 else words))
    if extra <= 0 or n > BEFORE_WORDS:
        return tail
    if extra <= HEAD_WORDS:  # head and tail meet: the whole clause
        return _clean(" ".join(words))
    k = HEAD_WORDS
    k += len(whole_word_end(words[:k], words[k:k + CONTEXT_SYLLABLES])) if SNAP_SUBJECTS else 0
    head = _clean(" ".join(words[:min(k, extra)]))
    return f"{head} … {tail}" if head and tail else head or tail


def _words_cap(s: str, n: int, last: bool = False) -> tuple[str, bool]:
    words = s.split()
    kept = words[-n:] if last else words[:n]
    return _clean(" ".join(kept)), len(words) > n


def _paren_subject(text: str, folded: str, qstart: int, floor: int) -> tuple[str, bool] | None:
    """"hoàn thành 27/30 nhiệm vụ (đạt 90%)": the clause before the parenthesis."""
    lo = max(floor, qstart - 40)
    p = folded.rfind("(", lo, qstart)
    if p < 0 or ")" in folded[p:qstart]:
        return None
    if not _generic(_TAIL_VERBS.sub("", text[p + 1:qstart])):
        return None
    cs = clause_start(folded, p, floor)
    hi = _spelled_percent_start(folded, cs, p)  # "tối đa là mười phần trăm (10%)": the figure said twice
    tail = _TAIL_VERBS.search(text, cs, hi)
    clause = text[cs:tail.start() if tail else hi]
    if hi < p:  # the clause names the figure itself: it is the clause's subject, head first
        return _head_and_tail(_LIST_MARK.sub("", clause.strip()).split(), 12), False
    return _words_cap(clause, 12, last=True)


def _spelled_percent_start(folded: str, lo: int, hi: int) -> int:
    """Where a percentage spelled out in words ends ``folded[lo:hi]`` ("… mười phần trăm "), else ``hi``."""
    m = _spelled_percent().search(folded, lo, hi)
    return m.start() if m else hi


@lru_cache(maxsize=1)
def _spelled_percent() -> re.Pattern:
    words = "|".join(sorted(subject_words()["number_words"], key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:(?:{words})\s+)+phan\s+tram\s*$")


_COMPARED_WITH = re.compile(r"\s*(?:tro len\s+|tro xuong\s+)?so voi\s+")


def _compared_with(text: str, folded: str, vend: int, ceiling: int | None) -> tuple[str, bool] | None:
    """"b) Không được vượt quá 2% so với vốn tự có …" with nothing before the value: what it is
    compared with names the quantity."""
    m = _COMPARED_WITH.match(folded, vend)
    if not m:
        return None
    after = folded[m.end():m.end() + 140 if ceiling is None else ceiling]
    if not after[:1].isalpha():
        return None
    _n, noun, cut = _noun_after(text, after, m.end(), ceiling)
    return (noun, cut) if noun else None


def _colon_label(text: str, folded: str, qstart: int, floor: int) -> tuple[str, bool] | None:
    """"Lãi tiền vay: 5%", "Số hồ sơ đúng hạn: 27/30": the label before the colon."""
    colon = text.rfind(":", max(floor, qstart - 40), qstart)
    if colon < 0 or not _generic(_TAIL_VERBS.sub("", text[colon + 1:qstart])):
        return None  # "…: 5%", and "…: Tỷ lệ là 100%" (a lead-in naming nothing)
    cs = clause_start(folded, colon, floor)
    while text.count(")", cs, colon) > text.count("(", cs, colon):  # "… quốc tế (Incoterms): 1%"
        opened = text.rfind("(", floor, cs)
        if opened < 0:
            break
        cs = clause_start(folded, opened, floor)  # the bracket is part of the label
    cs = max(cs, _last_value_end(text, max(floor, colon - 220), colon))
    label = _LIST_MARK.sub("", text[cs:colon].strip())
    return (_head_and_tail(label.split(), BEFORE_WORDS), False) if label else None  # the whole label


def _last_value_end(text: str, lo: int, hi: int) -> int:
    end = lo
    for m in re.finditer(r"\d\s?%,?", text[lo:hi]):
        end = lo + m.end()
    return end


def _row_label(text: str, folded: str, cells: list[tuple[int, int]], cell: tuple[int, int] | None,
               rate_only: bool = False, rows: Rows | None = None) -> tuple[str, bool] | None:
    """The label cell of a table row for a value in a later cell ("Tỷ lệ hộ nghèo | ≤2% | ≤5%"),
    whole (the cell bounds it); a label cell that goes on in lower case ("| chiếm từ 0% đến 2% vốn
    chủ sở hữu | 8%") is joined to the label before it, in the row or in the parent row above."""
    before = [c for c in cells if cell is None or c[1] <= cell[0]]
    texts = [(c, _LIST_MARK.sub("", text[c[0]:c[1]].strip())) for c in reversed(before)]
    texts = [(c, t) for c, t in texts if t and not VALUE_CELL.match(t) and len(_WORD.findall(t)) >= 2]
    if rate_only:
        # a rate label names its rate: "Tỷ lệ hộ nghèo", not the bare "đạt tỷ lệ ≥90%" of a note
        # and none of its own: "tỷ lệ đường xã đạt chuẩn đạt 100%" is that figure's subject, not a label
        texts = [(c, t) for c, t in texts if _TY_LE.search(fold(t)) and not _bare_rate(fold(t))
                 and not P.PERCENT.search(t)]
    plain = [(c, t) for c, t in texts if not P.PERCENT.search(t)]
    words_only = [(c, t) for c, t in plain if not t[:1].isdigit()]  # a label, not "27/30 nhiệm vụ"
    pick = (words_only or plain or texts)[:1]
    if not pick:
        return None
    c0, label = pick[0]
    if _continues_label(label):
        head = _continued_label(text, folded, cells, c0, rows)
        if head:
            return _words_cap(f"{head} {label}", CELL_WORDS)
    tl = None
    for m in _TY_LE.finditer(fold(label)):
        tl = m
        break
    if tl is not None:
        label = label[tl.start():]
    # the label cell after it goes on in lower case: "Giá trị các khoản tạm ứng | chiếm từ 0% …"
    for _, t in reversed(texts[:texts.index(pick[0])]):
        if _continues_label(t):
            label = f"{label} {t}"
    return _words_cap(label, CELL_WORDS)


_BARE_RATE = re.compile(r"(?<![a-z])(?:ty le|ti le)\s*(?:[<>=≤≥~]|\d)")
# a cell that opens with a share ("chiếm từ 0% …", "+ Chiếm trên 2% …") or in lower case goes on from
# the label before it
_SHARE_OPEN = re.compile(r"\s*(?:[+\-–•]\s*)?(?:chiem)(?![a-z])")


def _bare_rate(folded_cell: str) -> bool:
    """Does the only "tỷ lệ" of a cell stand right before its value ("đạt tỷ lệ ≥90%")?"""
    return all(_BARE_RATE.match(folded_cell, m.start()) for m in _TY_LE.finditer(folded_cell))


def _continues_label(cell: str) -> bool:
    """Does a cell's text (as printed: case matters) go on from the label before it?"""
    stripped = cell.lstrip(" +-–•")
    return bool(_SHARE_OPEN.match(fold(cell))) or stripped[:1].islower()


def _opens_with_share(folded: str, lo: int, qstart: int) -> bool:
    """Does the cell starting at ``lo`` open with a share verb before the value ("chiếm từ 0%")?"""
    return bool(_SHARE_OPEN.match(folded, lo)) and not re.search(r"[a-z]", _QUAL_WORDS.sub(
        "", _SHARE_OPEN.sub("", folded[lo:qstart], count=1)))


_QUAL_WORDS = re.compile(r"(?<![a-z])(?:tu|tren|duoi|den|khong qua|toi da|toi thieu|it nhat|khoang|bang|la)(?![a-z])")


def _continued_label(text: str, folded: str, cells: list[tuple[int, int]], cell: tuple[int, int],
                     rows: Rows | None) -> str | None:
    """The label that a cell going on in lower case continues: the label cell before it in its row,
    else (the row's first cell) the first label cell of the parent row, the nearest line above that
    is not itself such a continuation ("- Khoản tạm ứng (chi tiết từng đối tượng):" above "+ Chiếm
    từ 0% … | 8")."""
    if not _continues_label(text[cell[0]:cell[1]]):
        return None
    for c in reversed([c for c in cells if c[1] <= cell[0]]):
        t = _LIST_MARK.sub("", text[c[0]:c[1]].strip())
        if t and not VALUE_CELL.match(t) and len(_WORD.findall(t)) >= 2:
            return _clean(t)
    lines = rows.text if rows is not None else text  # the page's own line breaks, none read through
    hi = lines.rfind("\n", 0, cell[0])
    for _ in range(8):  # siblings of one parent ("+ Chiếm từ 0% …", "+ Chiếm trên 2% …")
        if hi < 0:
            return None
        lo = lines.rfind("\n", 0, hi) + 1
        line = lines[lo:hi].strip()
        if not (CELL_BREAK.search(line) or line.endswith(":")):
            return None  # the parent is a row of the table or a heading that opens it, not prose
        first = CELL_BREAK.split(line, maxsplit=1)[0]
        label = _LIST_MARK.sub("", first).strip()
        if label and not _continues_label(label) and len(_WORD.findall(label)) >= 2:
            return _clean(label.rstrip(":"))
        hi = lo - 1
    return None


def _formula_label(text: str, cells: list[tuple[int, int]], cell: tuple[int, int]) -> str | None:
    """"Mức hưởng trợ cấp | = | Mức lương bình quân … | x 60%": a value after an "=" cell is a
    factor of what the row computes, the label before the "="."""
    before = [c for c in cells if c[1] <= cell[0]]
    for k, c in enumerate(before):
        if text[c[0]:c[1]].strip() == "=" and k > 0:
            label = _clean(_LIST_MARK.sub("", text[before[k - 1][0]:before[k - 1][1]].strip()))
            # and what the factor multiplies, as in "A bằng 60% B" (the "A … B" of a sentence)
            factor = [_clean(text[a:b]) for a, b in before[k + 1:] if len(_WORD.findall(text[a:b])) >= 2]
            return (f"{label} … {factor[-1]}" if label and factor else label) or None
    return None


def _previous_sentence(text: str, folded: str, qstart: int, floor: int) -> tuple[str, bool] | None:
    """A value whose sentence names nothing ("Kết quả đạt 98%.") refers to the previous sentence."""
    lo = max(floor, qstart - 320)
    ends = [m for m in _SENT_END.finditer(text, lo, qstart)]
    if not ends:
        return None
    start = ends[-1].start()
    prev_lo = ends[-2].end() if len(ends) > 1 else lo
    prev = text[prev_lo:start]
    if not prev.strip() or P.PERCENT.search(prev):
        return None  # a sentence with a figure of its own is about that figure
    tl = None
    for m in _TY_LE.finditer(fold_chars(prev)):
        tl = m
    if tl is not None:  # folded offsets are text offsets (fold_chars keeps lengths)
        k = prev_lo + fold_chars(prev).rfind(tl.group(0))
        return _words_cap(_clean(text[k:start]), 14)
    cs = clause_start(folded, start, prev_lo)
    return _words_cap(_LIST_MARK.sub("", text[cs:start].strip()), 14)  # a sentence names its subject first


def _clean(s: str) -> str:
    return s.strip(" ,;:-–\t\n\"'“”")


_SOFT_BREAK = re.compile(rf"(?<![.:;!?|\n])[ \t]*\n[ \t]*(?=[{P.VN_LOWER}]|\d(?!\d{{0,2}}[.)]\s))")


def soft_breaks(text: str) -> str:
    """``text`` with the line breaks that wrap a paragraph ("tỷ lệ thực hiện\nkế hoạch 94%": the next
    line goes on in lower case or with a number) turned into spaces; offsets are kept."""
    if "\n" not in text:
        return text
    return _SOFT_BREAK.sub(lambda m: " " * len(m.group(0)), text)


def _same_head_before(subject: str, earlier: list[Metric], folded: str, start: int) -> str | None:
    """A bare head ("mức tối đa bằng 75%") refers back to the first figure of its sentence whose
    subject names that head ("mức lương hưu hằng tháng … được tính bằng 45% …; mức tối đa bằng 75%")."""
    heads = [h for h in subject_words()["quantity_heads"] if re.search(rf"(?<![a-z]){h}(?![a-z])", fold(subject))]
    if not heads:
        return None
    ends = list(_SENT_END.finditer(folded, max(0, start - 600), start))
    lo = ends[-1].end() if ends else max(0, start - 600)
    for m in earlier:
        if m.start < lo or m.end > start or _generic(m.subject):
            continue
        if any(re.search(rf"(?<![a-z]){h}\s+[a-z]", fold(m.subject)) for h in heads):
            return m.subject
    return None
