"""Whether an OCR word's digits are confirmed: the readings, their agreement, and the policy.

Tesseract drops or swaps digits with high word confidence (``118/2015`` read ``18/2015`` at
0.93); its word confidence is not a probability.  So a word's digits are trusted only when the
evidence of several readings says so (``ingest.ocr.confirm_numbers`` gathers it):

* ``tess_conf``: Tesseract's first read of the page (its word confidence, 0..1);
* ``reread``: the multi-view re-read of the word cut out of the page (Tesseract ``--psm 13``,
  three margins), all views giving the same text: ``agree`` / ``differ`` / ``None`` (not run);
* ``second``: the second engine (RapidOCR's recogniser, ``ingest._exec.rapidocr``) on the crop,
  decoded restricted to digits and separators, compared on the digit runs alone
  (:func:`digit_runs`): ``agree`` / ``differ`` / ``None``; ``second_conf`` its least certain
  digit's probability;
* ``format_ok``: the digit runs are well-formed (a day 1-31 after "ngày", a month after
  "tháng", a year after "năm", a date ``d/m/yyyy``, the year of a document number: not
  after next year);
* ``repeated``: the same digit run is read elsewhere on the page;
* ``outside_ink``: how far ink touches the word beyond the box Tesseract gave it (a faded digit
  Tesseract dropped lies there, and the second engine may not read it either).

The decision is :meth:`Policy.confirms`, with thresholds from ``ingest/data/digits.yaml``,
chosen on a labelled set of crops (``bench/bench_digits.py``: renders of real documents whose
true text is known, scanned clean to harsh) so that the words it confirms are right with
measured probability >= 0.99.  A word whose digits are not confirmed keeps its text but its
confidence is lowered below the extractors' low-confidence bar (``Policy.unconfirmed_conf``):
every value built on it carries ``needs_review``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).parent / "data" / "digits.yaml"

# A digit run: digits, with the separators of numbers, dates and codes between them, and a
# percent sign right after ("118/2015", "24/4/2024", "1.000.000", "63,74%", "27/30").
_RUN = re.compile(r"[0-9]+(?:[/.,:\-][0-9]+)*%?")
_LIST_MARKER = re.compile(r"^\(?[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]$")  # "1.", "2.3.", "a" excluded: digits only
# words before a structural number (an article, clause, chapter), accent-folded
_STRUCTURE = frozenset({"dieu", "khoan", "diem", "chuong", "muc", "phan", "tiet", "luc"})  # "Phụ lục 03"
_DATE_WORDS = {"ngay": (1, 31), "thang": (1, 12), "nam": (1900, 2100)}


def has_digit(text: str) -> bool:
    return any("0" <= c <= "9" for c in text)


def digit_runs(text: str) -> tuple[str, ...]:
    """The digit runs of a reading, what two readings are compared on ("Số:118/2015/NĐ-CP;" ->
    ("118/2015",); "ngày" -> ())."""
    return tuple(m.group(0) for m in _RUN.finditer(text))


def run_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _RUN.finditer(text)]


def fold(text: str) -> str:
    """Lower case, no accents, đ -> d, trailing punctuation dropped (for the word before a number)."""
    s = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c)).strip(".,:;()")


def is_structural(text: str, prev: str | None, first_in_line: bool) -> bool:
    """A list marker at the start of a line ("1.", "2.3.") or the number of an article or clause
    ("Điều 5", "khoản 2"): numbers that are never a document number, a date or a metric."""
    if first_in_line and _LIST_MARKER.match(text):
        return True
    return prev is not None and fold(prev) in _STRUCTURE and bool(re.fullmatch(r"[0-9]{1,3}[a-z]?[.,:;]?", text))


_DMY = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_NUMBER_YEAR = re.compile(r"([0-9]+)[/\-]([0-9]{4})(?:[/\-].*)?")


def _date_ok(d: int, m: int, y: int) -> bool:
    return 1 <= d <= 31 and 1 <= m <= 12 and 1900 <= y <= 2100


def _run_ok(run: str, ctx: tuple[int, int] | None) -> bool:
    body = run.rstrip("%")
    if ctx is not None and body.isdigit():  # "ngày 13", "tháng 11", "năm 2020"
        lo, hi = ctx
        return lo <= int(body) <= hi and (hi != 2100 or len(body) == 4)
    if m := _DMY.fullmatch(body):  # "24/4/2024", "24.4.2024"
        return _date_ok(*(int(g) for g in m.groups()))
    if m := _NUMBER_YEAR.fullmatch(body):  # "118/2015": a document's number and its year
        return int(m.group(1)) > 0 and 1945 <= int(m.group(2)) <= date.today().year + 1
    return True  # a count, a decimal, a fraction "27/30": nothing more to check


def box_ratio(text: str, width: int, height: int) -> float:
    """Box width per character in box heights, for readings of digits and separators only (a
    digit is ~0.5 of its height wide: a box twice that holds a glyph the reading left out)."""
    core = text.rstrip(".,;:)")
    if not core or not all(c.isdigit() or c in "/.,-%" for c in core):
        return 0.0
    return width / max(height, 1) / len(text)


def format_ok(text: str, prev: str | None) -> bool:
    """Whether every digit run of the reading is well-formed for what it can be."""
    runs = digit_runs(text)
    if not runs:
        return False
    ctx = _DATE_WORDS.get(fold(prev)) if prev else None
    return all(_run_ok(run, ctx) for run in runs)


@dataclass(frozen=True)
class Signals:
    """What is known about one number-bearing word (see the module docstring)."""

    tess_conf: float
    reread: str | None = None  # "agree" | "differ" | None (not run)
    reread_conf: float = 0.0
    second: str | None = None  # "agree" | "differ" | None (not run or failed)
    second_conf: float = 0.0
    format_ok: bool = False
    repeated: bool = False
    outside_ink: float = 0.0  # ink touching the word beyond its box, in word heights
    box_ratio: float = 0.0  # an all-digit reading's box width per character, in box heights (0: not all digits)

    def ink_beside(self, policy: Policy) -> bool:
        return self.outside_ink > policy.outside_ink_max

    def key(self, policy: Policy) -> str:
        """The signal combination, as the calibration bench counts it."""
        t = "t>=0.9" if self.tess_conf >= 0.9 else "t>=min" if self.tess_conf >= policy.tess_min else "t<min"
        if self.second is None:
            r = "r=none"
        elif self.second == "differ":
            r = "r=differ"
        else:
            r = "r=agree>=min" if self.second_conf >= policy.second_min else "r=agree<min"
        v = {None: "v=none", "agree": "v=agree", "differ": "v=differ"}[self.reread]
        return "|".join((t, r, v, "f=ok" if self.format_ok else "f=bad", "o=ink" if self.ink_beside(policy) else "o=none",
                         "c=rep" if self.repeated else "c=one"))


@dataclass(frozen=True)
class Policy:
    """The thresholds of ``ingest/data/digits.yaml`` (see there for how they were chosen)."""

    second_min: float
    tess_min: float
    outside_ink_max: float
    reread_below: float
    reread_accept: float
    unconfirmed_conf: float
    max_words: int

    def confirms(self, s: Signals) -> bool:
        """Confirmed: the second engine reads the same digits, its least certain one at least
        ``second_min``; the format is valid; no ink touches the word beyond its box; Tesseract
        read it at ``tess_min`` or more, and, below ``reread_below``, its own re-read agreed."""
        if s.second != "agree" or s.second_conf < self.second_min or not s.format_ok or s.ink_beside(self):
            return False
        if s.tess_conf < self.tess_min:
            return False
        return s.tess_conf >= self.reread_below or s.reread == "agree"


@lru_cache(maxsize=1)
def policy() -> Policy:
    with open(DATA_FILE, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return Policy(
        second_min=float(data["second_min"]),
        tess_min=float(data["tess_min"]),
        outside_ink_max=float(data["outside_ink_max"]),
        reread_below=float(data["reread_below"]),
        reread_accept=float(data["reread_accept"]),
        unconfirmed_conf=float(data["unconfirmed_conf"]),
        max_words=int(data["max_words"]),
    )
