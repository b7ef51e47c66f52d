"""Find the documents a claim relies on: by cited number (OCR-tolerant), by file name,
and by searching all evidence for a document that fits a rule's description."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from extractors import fold, number_key
from extractors.metrics import denominator
from extractors.subjects import Segmented, match_phrase, segment, subject_words, syllables
from models.claims import Citation
from models.extraction import Metric, Qualifier
from models.rubric import DocumentSpec, MetricSpec

from .evidence import EvidenceFile
from .relative_dates import resolve

FUZZY_NUMBER_MIN = 88.0  # rapidfuzz ratio on number keys for an OCR-tolerant match
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tp": "thanh pho",
    "tp.": "thanh pho",
}


@dataclass
class Match:
    file: EvidenceFile
    how: str  # "number" | "number_fuzzy" | "file_name" | "search"
    score: float
    citation: Citation | None = None


@dataclass
class SpecCheck:
    """How one document measures up against a DocumentSpec. ``None`` means unknown."""

    file: EvidenceFile
    type_ok: bool | None = None
    issuer_ok: bool | None = None
    title_ok: bool | None = None
    period_ok: bool | None = None
    title_year: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(v is not False for v in (self.type_ok, self.issuer_ok, self.title_ok, self.period_ok))


@lru_cache(maxsize=16384)
def _fold(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=4096)
def _phrase_re(phrase: str) -> re.Pattern | None:
    p = _fold(phrase)
    return re.compile(r"(?<!\w)" + re.escape(p) + r"(?!\w)") if p else None


def clear_caches() -> None:
    """Forget memoised folds and patterns (benchmarks time a cold verify with this)."""
    for f in (_fold, _phrase_re, expand_abbreviations, issuing_body, body_matches, _hints, segment):
        f.cache_clear()
    _WINDOWS.clear()
    _SCORES.clear()


def phrase_in(phrase: str, text: str) -> bool:
    """Accent-insensitive whole-word phrase search ("quý I" is not in "quý III")."""
    pattern = _phrase_re(phrase)
    return pattern is not None and pattern.search(_fold(text)) is not None


def match_citation(citation: Citation, files: list[EvidenceFile]) -> Match | None:
    if citation.number:
        key = number_key(citation.number)
        for f in files:
            if f.number_key and f.number_key == key:
                return Match(f, "number", 1.0, citation)
        best: tuple[float, EvidenceFile] | None = None
        for f in files:
            if not f.number_key:
                continue
            score = fuzz.ratio(key, f.number_key)
            if score >= FUZZY_NUMBER_MIN and _same_symbol(citation.number, f.number) and (best is None or score > best[0]):
                best = (score, f)
        if best:
            return Match(best[1], "number_fuzzy", best[0] / 100.0, citation)
    if citation.file_name:
        wanted = fold(citation.file_name.rsplit("/", 1)[-1])
        for f in files:
            if f.folded_name == wanted:
                return Match(f, "file_name", 1.0, citation)
        for f in files:
            if fuzz.ratio(f.folded_name, wanted) >= 92:
                return Match(f, "file_name", 0.9, citation)
    return None


def _same_symbol(a: str | None, b: str | None) -> bool:
    """Fuzzy number matches must agree on the symbol (the part after the first slash)."""
    if not a or not b or "/" not in a or "/" not in b:
        return False
    return number_key(a.split("/", 1)[1]) == number_key(b.split("/", 1)[1])


@lru_cache(maxsize=4096)
def expand_abbreviations(text: str) -> str:
    words = fold(text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


_ORG_PREFIXES = ("uy ban nhan dan", "hoi dong nhan dan")
_LEVELS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")


def _starts_with_level(name: str) -> bool:
    return any(name == lv or name.startswith(lv + " ") for lv in _LEVELS)


def _ends_with(name: str, words: tuple[str, ...]) -> bool:
    return any(name == w or name.endswith(" " + w) for w in words)


@lru_cache(maxsize=4096)
def issuing_body(issuer: str | None, parent: str | None) -> str | None:
    """The issuing body's full name, folded, abbreviations expanded.

    A header written over two lines ("ỦY BAN NHÂN DÂN" / "HUYỆN XUÂN LỘC", or
    "ỦY BAN NHÂN DÂN TỈNH" / "ĐỒNG NAI") is read as parent + issuer: the issuer alone is only
    a place, so the two are joined. A body under a parent ("UBND TỈNH ĐỒNG NAI" / "SỞ NỘI VỤ")
    is the issuer alone.
    """
    if not issuer:
        return None
    i = expand_abbreviations(issuer)
    p = expand_abbreviations(parent) if parent else ""
    if p and (_starts_with_level(i) or _ends_with(p, _LEVELS) or _ends_with(p, _ORG_PREFIXES)):
        return f"{p} {i}"
    return i


@lru_cache(maxsize=4096)
def body_matches(body: str, unit: str) -> bool:
    """Is the folded issuing body ``body`` the unit named ``unit``?"""
    u = expand_abbreviations(unit)
    if body == u:
        return True
    if body in _ORG_PREFIXES or u in _ORG_PREFIXES:
        return False  # "ỦY BAN NHÂN DÂN" alone names no particular body
    if _starts_with_level(body):
        # a bare place ("tinh dong nai", "huyen xuan loc") is its People's Committee at most
        return any(u == f"{org} {body}" for org in _ORG_PREFIXES)
    if body in u or u in body:
        return True
    return fuzz.token_set_ratio(body, u) >= 92 and len(body.split()) >= 2 and fuzz.partial_ratio(body, u) >= 90


def issuer_matches(f: EvidenceFile, unit: str | None) -> bool | None:
    """Was the document issued by the assessed unit? None when we cannot tell."""
    doc = f.extraction.document
    body = issuing_body(doc.issuer, doc.parent_issuer)
    if not unit or not body:
        return None
    return body_matches(body, unit)


def check_spec(f: EvidenceFile, spec: DocumentSpec, unit: str | None, year: int) -> SpecCheck:
    c = SpecCheck(file=f)
    code = f.doc_type_code
    if spec.types:
        if code:
            c.type_ok = fold(code) in {fold(t) for t in spec.types}
        elif f.extraction.document.doc_type:
            c.type_ok = None
    if spec.issuer == "unit":
        c.issuer_ok = issuer_matches(f, unit)
    elif spec.issuer != "any":
        c.issuer_ok = issuer_matches(f, spec.issuer)
    title = f.title
    if title:
        ok = True
        if spec.title_any and not any(phrase_in(p, title) for p in spec.title_any):
            ok = False
        if spec.title_all and not all(phrase_in(p, title) for p in spec.title_all):
            ok = False
        if spec.title_none and any(phrase_in(p, title) for p in spec.title_none):
            ok = False
        c.title_ok = ok
        years = [int(y) for y in _YEAR.findall(title)]
        c.title_year = years[-1] if years else None
    if spec.title_year:
        target = year
        if c.title_year is not None:
            c.period_ok = c.title_year == target
        elif f.issued_on is not None:
            c.period_ok = f.issued_on.year in (target - 1, target)
    if f.issued_on is not None:
        if spec.issued_from and f.issued_on < resolve(spec.issued_from, year):
            c.period_ok = False
        if spec.issued_to and f.issued_on > resolve(spec.issued_to, year):
            c.period_ok = False
    return c


def search(files: list[EvidenceFile], spec: DocumentSpec, unit: str | None, year: int) -> list[SpecCheck]:
    """Every readable document that fully fits the spec, best first (cited order kept)."""
    return [c for c in (check_spec(f, spec, unit, year) for f in files if f.ok) if c.ok and c.title_ok]


# --------------------------------------------------------------------------- metric candidates
#
# A rubric names a figure by subject hints ("giải quyết đúng hạn"); reports phrase it many ways
# ("hồ sơ được giải quyết đúng hạn đạt 97%", "97% hồ sơ giải quyết đúng và trước hạn", a table
# row, "27/30 nhiệm vụ"). Hints and the words around each figure are compared as segmented,
# accent-folded lemmas in any order, weighted by where the words are; every figure gets a score
# and the rules decide what agreement between the best candidates is needed (verifier.rules).

_MATCHING_DATA = Path(__file__).parent / "data" / "metric_matching.yaml"
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")
_PAGE_NUMBER_LINE = re.compile(r"^\s*\d{1,3}\s*\n")


@lru_cache(maxsize=1)
def matching_settings() -> dict:
    """``verifier/data/metric_matching.yaml``."""
    with open(_MATCHING_DATA, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["_change_before"] = re.compile(
        r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in sorted(data["change_before"], key=len, reverse=True))
        + r")\s*(?:khoang|hon|den|la)?\s*$")
    data["_change_after"] = re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in data["change_after"]) + r")(?![a-z])")
    return data


@dataclass(frozen=True)
class _Hint:
    text: str
    seg: Segmented
    syllables: frozenset[str]  # content syllables, for a cheap upper bound before segmenting
    weight: int  # content syllables
    anchored: bool  # "% kế hoạch": the words right after the figure


@lru_cache(maxsize=4096)
def _hint_words(phrase: str) -> Segmented:
    """A subject hint as lemmas: rubric data, segmented once per phrase (``clear_caches`` keeps it,
    as it keeps the loaded rubric)."""
    return segment.__wrapped__(phrase)


@lru_cache(maxsize=512)
def _hints(subjects: tuple[str, ...]) -> tuple[_Hint, ...]:
    out = []
    stop = subject_words()["stop_lemmas"]
    for s in subjects:
        anchored = s.lstrip().startswith("%")
        seg = _hint_words(s.lstrip().lstrip("%").strip())
        content = [t for t in seg.tokens if t not in stop] or list(seg.tokens)
        syl = frozenset(x for t in content for x in t.split("_"))
        out.append(_Hint(s, seg, syl, sum(len(t.split("_")) for t in content), anchored))
    return tuple(h for h in out if h.weight)


@dataclass
class MetricCandidate:
    """One figure that may be the one a rubric item asks for, with how well it fits."""

    metric: Metric
    file: EvidenceFile
    score: float  # 0..1
    hint: str  # the subject hint that matched best
    window: str  # "subject" | "sentence" | "previous_sentence"
    value: float  # in the rule's unit: a percent derived from a fraction when ``fraction`` is set
    fraction: tuple[float, float] | None = None  # (numerator, denominator) of "27/30 nhiệm vụ"
    on_cited_page: bool = False
    order: int = 0  # the file's position among the sources

    @property
    def qualifier(self) -> Qualifier:
        return Qualifier.EQ if self.fraction else self.metric.qualifier

    def interval(self) -> tuple[float, float]:
        """The values the figure allows (``trên 95%``: above 95)."""
        v, q = self.value, self.qualifier
        if q in (Qualifier.GT, Qualifier.GE):
            return v, float("inf")
        if q in (Qualifier.LT, Qualifier.LE):
            return float("-inf"), v
        if q == Qualifier.RANGE and self.metric.value_max is not None:
            return v, self.metric.value_max
        return v, v

    def as_metric(self) -> Metric:
        """The figure as a metric in the rule's unit (a derived rate becomes a percentage)."""
        if not self.fraction:
            return self.metric
        return self.metric.model_copy(update={"value": self.value, "unit": "%", "qualifier": Qualifier.EQ,
                                              "value_max": None})


def agree(a: MetricCandidate, b: MetricCandidate, tolerance: float) -> bool:
    """Can both figures be the same fact? Ranges must meet (within ``tolerance``); a stated percent
    and a fraction agree when the percent of the denominator rounds to the numerator
    ("25/27 nhiệm vụ, đạt 92,6%"), since reports round one to the other."""
    for x, y in ((a, b), (b, a)):
        if x.fraction and not y.fraction and y.qualifier == Qualifier.EQ:
            num, den = x.fraction
            if round(y.value * den / 100.0) == num:
                return True
    (alo, ahi), (blo, bhi) = a.interval(), b.interval()
    return alo - tolerance <= bhi and blo - tolerance <= ahi


def metric_candidates(spec: MetricSpec, sources: list[EvidenceFile], pages: list[int]) -> list[MetricCandidate]:
    """Every figure of ``sources`` in the spec's unit that fits its subject hints, best first.

    A percent spec also takes fractions ("27/30 nhiệm vụ", "27 trên 30 hồ sơ") as rates derived
    from them. Figures scoring under the data file's ``candidate_floor`` are left out.
    """
    cfg = matching_settings()
    hints = _hints(tuple(spec.subjects))
    want_pct = spec.unit == "%"
    out: list[MetricCandidate] = []
    for order, f in enumerate(sources):
        by_page: dict[int, list[Metric]] = {}
        for m in f.extraction.metrics:
            by_page.setdefault(m.page, []).append(m)
        for m in f.extraction.metrics:
            fraction = None
            if want_pct:
                if m.unit != "%":
                    den = denominator(m)
                    if not den:
                        continue
                    fraction = (m.value, den)
            elif fold(m.unit) != fold(spec.unit):
                continue
            key = (f.ingested.sha256, f.name, m.page, m.start, m.end)
            if len(_SCORES) > _CACHE_MAX:  # a long-running service: keep memory bounded
                _WINDOWS.clear()
                _SCORES.clear()
            win = _WINDOWS.get(key)
            if win is None:
                win = _WINDOWS[key] = (_windows(m, f, by_page[m.page]), _is_change(m, f))
            if want_pct and not fraction and win[1]:
                continue
            skey = (tuple(spec.subjects), key)
            best = _SCORES.get(skey)
            if best is None:
                best = _SCORES[skey] = _best_match(hints, win[0], cfg)
            score, hint, where = best
            if fraction:
                score *= cfg["derived_weight"]
            if score < cfg["candidate_floor"]:
                continue
            value = 100.0 * fraction[0] / fraction[1] if fraction else m.value
            out.append(MetricCandidate(m, f, round(score, 4), hint, where, value, fraction,
                                       bool(pages) and m.page in pages, order))
    out.sort(key=lambda c: (-(c.score + (0.05 if c.on_cited_page else 0.0)), c.fraction is not None, c.order,
                            c.metric.page, c.metric.start))
    return out


# windows and scores per figure, keyed by file content and span (emptied by clear_caches)
_WINDOWS: dict[tuple, tuple[list[_Window], bool]] = {}
_SCORES: dict[tuple, tuple[float, str, str]] = {}
_CACHE_MAX = 200_000


def _is_change(m: Metric, f: EvidenceFile) -> bool:
    """"tăng 3% so với năm trước": a change of a rate, not the rate."""
    page = f.page(m.page)
    if page is None:
        return False
    cfg = matching_settings()
    before = _fold(page.text[max(0, m.start - 24):m.start])
    after = _fold(page.text[m.end:m.end + 16])
    return bool(cfg["_change_before"].search(before) or (cfg["_change_after"].match(after)
                                                         and re.search(r"(?:tang|giam|hon)\s*$", before)))


class _Window:
    """Words around a figure: ``before`` it and ``after`` it (the subject window has no figure in it).

    Segmenting is the cost (underthesea), so it is done once per window and only for windows some
    hint could match; a subject that is part of its sentence reuses the sentence's words."""

    __slots__ = ("name", "before", "after", "order", "value_at", "syllables", "_parent", "_span", "_seg")

    def __init__(self, name: str, before: str, after: str = "", parent: _Window | None = None):
        self.name = name  # "subject" | "sentence" | "previous_sentence"
        self.before = " ".join(before.split())
        self.after = " ".join(after.split())
        head = syllables(self.before)
        self.order = head + syllables(self.after)  # folded syllables, in order
        self.value_at = len(head)  # where the figure stands among them
        self.syllables = frozenset(self.order)
        self._parent: _Window | None = None
        self._span: tuple[int, int] | None = None  # where this window's syllables run in the parent's
        self._seg: tuple[Segmented, int | None, Segmented] | None = None
        if parent is not None:
            span = _find_run(parent.order, self.order)
            if span is not None:
                self._parent, self._span = parent, span

    def segmented(self) -> tuple[Segmented, int | None, Segmented]:
        """The words as lemmas, the syllable index where the figure stands, the lemmas after it."""
        if self._seg is None:
            if self._parent is not None and self._span is not None:  # both set together, in __init__
                whole, _, _ = self._parent.segmented()
                self._seg = (whole.slice(*self._span), None, whole.slice(0, 0))
            else:
                whole = segment(f"{self.before} {self.after}".strip())
                at = self.value_at
                self._seg = (whole, None if self.name == "subject" else at, whole.slice(at, len(whole.syllables)))
        return self._seg


def _find_run(hay: list[str], run: list[str]) -> tuple[int, int] | None:
    n = len(run)
    if not n:
        return None
    for i in range(len(hay) - n + 1):
        if hay[i:i + n] == run:
            return i, i + n
    return None


def _windows(m: Metric, f: EvidenceFile, same_page: list[Metric]) -> list[_Window]:
    """The metric's subject, its sentence up to the neighbouring figures, and the sentence before."""
    subject = m.subject + (f" {m.unit}" if m.unit != "%" else "")
    page = f.page(m.page)
    if page is None:
        return [_Window("subject", subject)]
    text = page.text
    prev_end = max((x.end for x in same_page if x.end <= m.start), default=0)
    next_start = min((x.start for x in same_page if x.start >= m.end), default=len(text))
    lo = max(0, m.start - 200)
    sent_start = lo
    for s in _SENTENCE_END.finditer(text, lo, m.start):
        sent_start = s.end()
    before = text[max(sent_start, prev_end):m.start]
    if sent_start == 0 and prev_end == 0 and m.start < 200:  # a sentence split by a page break
        prev_page = f.page(m.page - 1)
        if prev_page is not None and prev_page.text:
            tail = prev_page.text[-(200 - m.start):]
            tail = tail.rsplit(".", 1)[-1] if "." in tail else tail
            before = tail + " " + _PAGE_NUMBER_LINE.sub("", before, count=1)
    end = _SENTENCE_END.search(text, m.end, min(len(text), m.end + 120))
    after = text[m.end:min(end.start() if end else m.end + 120, next_start)]
    sentence = _Window("sentence", before, after)
    wins = [_Window("subject", subject, parent=sentence), sentence]
    if sent_start > lo and sent_start > prev_end:
        plo = max(0, sent_start - 220)
        pstart = plo
        for s in _SENTENCE_END.finditer(text, plo, sent_start - 1):
            pstart = s.end()
        wins.append(_Window("previous_sentence", text[pstart:sent_start]))
    return wins


def _best_match(hints: tuple[_Hint, ...], windows: list[_Window], cfg: dict) -> tuple[float, str, str]:
    best = (0.0, "", "")
    weights = cfg["windows"]
    for w in windows:
        weight = weights[w.name]
        if best[0] >= weight:
            continue  # this window cannot do better
        have = w.syllables
        wanted = [h for h in hints if h.anchored and h.syllables <= have
                  or len(h.syllables & have) >= cfg["min_coverage"] * len(h.syllables)]
        if not wanted:
            continue
        # a hint written out word for word next to the figure scores full without segmenting the window
        for h in wanted:
            s = _verbatim_score(h, w, cfg) * weight
            if s > best[0]:
                best = (s, h.text, w.name)
        if best[0] >= weight:
            continue
        seg, value_at, after = w.segmented()
        for h in wanted:
            s = _hint_score(h, seg, value_at, after, cfg) * weight
            if s > best[0]:
                best = (s, h.text, w.name)
    return best


def _verbatim_score(h: _Hint, w: _Window, cfg: dict) -> float:
    """Proximity of the hint's syllables found in order and together in the window (else 0)."""
    if h.anchored:
        return 0.0
    at = _find_run(w.order, list(h.seg.syllables))
    if at is None:
        return 0.0
    if w.name == "subject":
        return 1.0
    value_at = w.value_at
    lo, hi = at
    return _proximity(value_at - hi if hi <= value_at else max(0, lo - value_at), cfg)


def _proximity(dist: int, cfg: dict) -> float:
    p = cfg["proximity"]
    if dist <= p["near"]:
        return 1.0
    return max(p["floor"], 1.0 - (1.0 - p["floor"]) * (dist - p["near"]) / (p["far"] - p["near"]))


def _hint_score(h: _Hint, seg: Segmented, value_at: int | None, after: Segmented, cfg: dict) -> float:
    if h.anchored:  # "% kế hoạch": these words, right after the figure
        n = len(h.seg.tokens)
        return 1.0 if value_at is not None and after.tokens[:n] == h.seg.tokens else 0.0
    spans = match_phrase(h.seg, seg, near=value_at)
    stop = subject_words()["stop_lemmas"]
    content = [t for t in h.seg.tokens if t not in stop] or list(h.seg.tokens)
    found = [(sp, len(t.split("_"))) for sp, t in zip(spans, content, strict=False) if sp is not None]
    coverage = sum(n for _, n in found) / h.weight
    if coverage < cfg["min_coverage"]:
        return 0.0
    lo = min(sp[0] for sp, _ in found)
    hi = max(sp[1] for sp, _ in found)
    extra = (hi - lo) - sum(n for _, n in found)
    c = cfg["compactness"]
    compact = max(c["floor"], 1.0 - max(0, extra - c["slack"]) * c["step"])
    prox = 1.0 if value_at is None else _proximity(value_at - hi if hi <= value_at else max(0, lo - value_at), cfg)
    return coverage * compact * prox
