"""Regular expressions and the type/issuer tables they rely on, kept apart from logic.

All patterns run on text passed through :func:`extractors.normalize.fix_chars`
(one-for-one character fixes), so match offsets are offsets into ``Page.text``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"

# --- character classes -----------------------------------------------------------------
VN_LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VN_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
VN_LETTER = VN_LOWER + VN_UPPER

# --- document numbers ------------------------------------------------------------------
_CODE = r"(?:(?:UBTVQH|QH|HĐNN)[ ]\d{1,2}(?![\d/])|[A-ZĐ][A-Za-zĐđ0-9&]*(?:\.[0-9]+)?)"  # QĐ, TTg, CCHC&PC, PA83, QH14, L.003
_CODE_TIGHT_NEXT = r"(?:[A-ZĐ][A-Za-zĐđ0-9&]*|[0-9]{1,4}(?![/0-9]))"  # after '-' with no space
_CODE_LOOSE_NEXT = r"[A-ZĐ][A-ZĐ0-9&]*"  # after '- ' or a line break: all-caps only (+ the mixed-case codes)
_NOT_LETTER = rf"(?![{VN_LETTER}])"
YEAR = r"(?:1[ ]?9|2[ ]?0)[ ]?\d[ ]?\d"
_SLASH = r"[ ]?/\s?"
# the hyphen of the party form "18-NQ/TW": tight, broken at a line end ("18-⏎NQ/TW"), or
# spaced ("367 - QĐ/TW", checked against the code tables in references.py)
_PARTY_HYPHEN = r"(?:-(?:[ ]?\n[ ]?)?|[ ]?-[ ]|[ ]-)"
# "số" glued to its number by a text layer that lost the space ("số31-QĐ/TW")
_GLUED_SO = r"(?<=[ \n][sS][ốô])"


# a legislature's term after its code's hyphen broken at a line end ("54/2014/QH-⏎13"): the
# term belongs to the code (read alone, "54/2014/QH" would be a number nobody issued)
_TERM_AFTER_BREAK = r"(?:(?<=QH-\n)|(?<=QH-\n[ ])|(?<=QH[ ]-\n)|(?<=QH-[ ]\n)|(?<=QH-[ ]\n[ ]))\d{1,2}(?![\d/])"


def _loose_next() -> str:
    """A code after '- ' or a line break: all caps, or a mixed-case code of the tables
    written in any case ("QĐ-⏎TTg", "QĐ- TTG"), or a legislature's term ("QH-⏎13")."""
    t = tables()
    mixed = sorted(t["mixed_upper"].values(), key=len, reverse=True)
    alts = "|".join("".join(f"[{c}{c.swapcase()}]" if c.isalpha() and c.lower() != c.upper() else re.escape(c)
                            for c in k) for k in mixed)
    return rf"(?:{alts}|{_CODE_LOOSE_NEXT}|{_TERM_AFTER_BREAK})" if alts else rf"(?:{_CODE_LOOSE_NEXT}|{_TERM_AFTER_BREAK})"


def _codes() -> str:
    return (
        rf"{_CODE}{_NOT_LETTER}"
        rf"(?:-{_CODE_TIGHT_NEXT}{_NOT_LETTER}"
        rf"|(?:[ ]?-(?:[ ]{{1,2}}|[ ]?\n[ ]?)|[ ]-){_loose_next()}{_NOT_LETTER})*"  # "TT- BTP", "TT -BTP"
    )


def _reference() -> re.Pattern:
    codes = CODES
    return re.compile(
        rf"""
        (?=\d)(?<![0-9A-Z]:)(?:(?<![{VN_LETTER}0-9/.,\-])|{_GLUED_SO})   # not a standard's year (QCVN 61-MT:2016/BTNMT)
        (?P<num>\d{{1,5}}[a-zA-Z]?)
        (?:
            {_SLASH}(?P<year>{YEAR})(?:{_SLASH}|[ ]?-[ ]?)(?P<ncodes>{codes})   # 137/2024/NĐ-CP, 82/2005-QĐ-UBND
          | {_SLASH}(?P<acodes>{codes})                                          # 1143/QĐ-UBND, 383/BNV-CCHC
          | (?P<phyphen>{_PARTY_HYPHEN})(?P<ptype>[A-ZĐ][A-Za-zĐđ]{{0,5}}){_SLASH}(?P<pcodes>{codes})  # 29-NQ/TW
        )
        """,
        re.VERBOSE,
    )

# a form or code label just before a number: "Mẫu số 02/KK-TNCN", "Ký hiệu: C2-05a/NS" name
# forms, not documents
FORM_LABEL = re.compile(
    r"(?<![\w])(?:mẫu|mẫu\s+số|biểu|biểu\s+mẫu|biểu\s+số|mẫu\s+biểu|phụ\s+lục|phụ\s+lục\s+số|ký\s+hiệu|mã\s+số|mã\s+hiệu)"
    r"\s*[:(“\"]*\s*$",
    re.IGNORECASE,
)
# the rest of a list of form codes: "Mẫu số 01/PB, 02/PB", "04-GHTD/SHTT/2020, 05-TT/SHTT/2020"
FORM_LIST_GAP = re.compile(r"(?:/\d{4})?\s*(?:,|;|và|hoặc|đến|-)?\s*", re.IGNORECASE)

# "số", "Số:", "Luật số", "Bộ luật số" just before a number (to trim a raw string)
NUMBER_PREFIX = re.compile(r"^\s*(?:(?:bộ\s+)?luật\s+)?(?:số|so|sô|s6)\s*[:.]?\s*", re.IGNORECASE)

# --- dates -----------------------------------------------------------------------------
DATE_WORDS = re.compile(
    r"(?<![\w])ngày\s{0,3}(?P<d>\d{1,2})\s{0,3}tháng\s{0,3}(?P<m>\d{1,2})"
    r"(?:\s{0,3}(?:năm|,)\s{0,3}(?P<y>\d{4}))?(?!\d)",
    re.IGNORECASE,
)
DATE_NUMERIC = re.compile(
    r"(?<![\d/.])(?<![^\W\d_]-)(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])"
)
DATE_DAY_MONTH = re.compile(  # "ngày 31/12" (year from context)
    r"(?<![\w])ngày\s{1,3}(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/])", re.IGNORECASE
)
PERIOD_MONTHS = re.compile(
    r"(?<![\w])(?P<n>\d{1,2})\s+tháng\s+(?P<part>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?(?!\d)",
    re.IGNORECASE,
)
PERIOD_QUARTER = re.compile(
    r"(?<![\w])quý\s+(?P<q>IV|III|II|I|[1-4])(?![\w])(?:\s*(?:năm|/|-)\s*(?P<y>\d{4}))?(?!\d)",
    re.IGNORECASE,
)
PERIOD_MONTH = re.compile(
    r"(?<![\w])tháng\s+(?P<m>\d{1,2})\s*(?:năm\s+|/)(?P<y>\d{4})(?!\d)", re.IGNORECASE
)
TIME_OF_DAY = re.compile(r"[ \t]*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<tz>[+-]\d{2}:?\d{2}))?")
DEADLINE_CUE = re.compile(
    r"(?:trước|chậm nhất|muộn nhất|hạn chót|thời hạn|hạn|không muộn hơn|không quá)\s*(?:là\s*)?(?:vào\s*)?(?:ngày\s*)?[:,]?\s*$",
    re.IGNORECASE,
)
COPY_CUE = re.compile(r"thời\s+gian\s+ký\s*:?\s*$", re.IGNORECASE)
SAO_Y = re.compile(r"(?<![\w])(?:SAO Y|BẢN SAO|SAO LỤC|TRÍCH SAO)(?![\w])", re.IGNORECASE)
PLACE_DATE_LINE = re.compile(
    rf"(?P<place>[{VN_UPPER}][{VN_LETTER} .'\-]{{1,40}}?)\s*,\s*(?=ngày\b)", re.IGNORECASE
)

# --- metrics ---------------------------------------------------------------------------
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
PERCENT = re.compile(rf"(?<![\w/.,\-])(?P<n>{NUMBER})\s?%")
PERCENT_RANGE = re.compile(
    rf"(?<![\w/.,\-])(?:(?P<from>từ)\s+)?(?P<a>{NUMBER})\s?%?\s*(?:-|đến|tới)\s*"
    rf"(?P<bq>dưới|trên|không quá)?\s*(?P<b>{NUMBER})\s?%",
    re.IGNORECASE,
)
COUNT = re.compile(rf"(?<![\w/.,\-:])(?P<n>{NUMBER})(?:/(?P<den>\d{{1,3}}(?:\.\d{{3}})*|\d+))?[ \n](?=\S)")
LIST_INDEX = re.compile(r"(?m)^[ \t]*\d{1,3}[.)]\s")


@lru_cache(maxsize=1)
def tables() -> dict:
    """The YAML data (types, issuers, type words), loaded once."""
    with open(DATA_DIR / "doc_types.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["types_upper"] = {k.upper(): k for k in data["types"]}
    data["issuers_upper"] = {k.upper(): k for k in data["issuers"]}
    data["mixed_upper"] = {k.upper(): k for k in [*data["types"], *data["issuers"]] if k != k.upper()}
    return data


def standard_case(code: str) -> str:
    """'QĐ-TTG' segment 'TTG' -> 'TTg'; 'QYĐ' -> 'QyĐ'; unknown codes uppercased."""
    t = tables()
    up = code.upper()
    if up in t["types_upper"]:
        return t["types_upper"][up]
    if up in t["issuers_upper"]:
        return t["issuers_upper"][up]
    return up


def is_type_code(code: str) -> bool:
    return code.upper() in tables()["types_upper"]


def is_issuer_code(code: str) -> bool:
    up = code.upper().rstrip("0123456789")
    return up in tables()["issuers_upper"]


CODES = _codes()  # the codes after a number's slash (identity.py uses it too)
REFERENCE = _reference()
