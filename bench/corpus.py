"""The vbpl part of the real corpus: the fixed development/test split and the gold labels.

The split is fixed for everyone (issue #11): a document id is in the TEST part when
``int(sha256(id).hexdigest(), 16) % 4 == 0``, else in the DEV part.  DEV may be read, debugged
and tuned on; TEST is only ever scored by benchmarks.

Gold labels come from ``meta/<id>.json`` (official, from the database's page title, outside
the text): ``number``, ``doc_type``; plus what was derived from the printed header:
``header_number_in_text`` (the ``Số:`` line as printed), ``header_matches_number`` (False:
the printed number is not the official one; None: no ``Số:`` line) and
``issued_on_from_header`` (the place-and-date line's date).  Numbers are compared with
:func:`number_key` (NFC, no spaces, one kind of dash, Cyrillic look-alike letters read as
the Latin letters they imitate, leading zeros of the number dropped: ``01/2026/TT-BNV`` is
printed ``1/2026/TT-BNV``).  Six official numbers carry a Cyrillic ``С`` for the ``C`` of
``BTC``; one, ``144/2025/TT-BTCС``, carries it as an extra letter the printed header lacks, and
there the printed ``144/2025/TT-BTC`` counts as the official number too (``official_keys``).
Types: the joint variant (``Nghị quyết liên tịch``) of an official type (``Nghị quyết``) is
that type (:func:`type_matches`).

    for doc in vbpl_documents(corpus_dir(), "dev"):
        gold = Gold.of(doc.meta)
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

PARTS = ("dev", "test")


def split_of(doc_id: str) -> str:
    """``"test"`` when ``int(sha256(doc_id).hexdigest(), 16) % 4 == 0``, else ``"dev"``."""
    return "test" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 4 == 0 else "dev"


class VbplDocument(NamedTuple):
    id: str
    text: str
    meta: dict


def vbpl_documents(corpus: Path, part: str | None = None) -> Iterator[VbplDocument]:
    """(id, text, meta) of every vbpl document of ``part`` ("dev", "test"; None = both), by id."""
    if part is not None and part not in PARTS:
        raise ValueError(f"part must be one of {PARTS} or None, not {part!r}")
    root = Path(corpus) / "vbpl"
    for meta_path in sorted((root / "meta").glob("*.json")):
        doc_id = meta_path.stem
        if part is not None and split_of(doc_id) != part:
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (root / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
        yield VbplDocument(doc_id, text, meta)


# Cyrillic and Greek capitals/smalls that print like Latin letters (seen in published numbers)
_LOOKALIKE = str.maketrans({
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y", "а": "a", "с": "c", "е": "e", "о": "o", "р": "p",
    "х": "x", "у": "y", "Α": "A", "Β": "B", "Ε": "E", "Κ": "K", "Μ": "M", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Χ": "X", "Ð": "Đ", "–": "-", "—": "-", "‐": "-", "‑": "-",
})
_SPACE = re.compile(r"\s+")
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")


def fold_lookalikes(text: str) -> str:
    """Look-alike letters and dashes replaced one for one (offsets are kept)."""
    return text.translate(_LOOKALIKE)


def number_key(number: str | None) -> str | None:
    """Comparison form of a document number: NFC, no whitespace, ASCII dash, look-alikes folded."""
    if number is None:
        return None
    return _LEADING_ZEROS.sub("", _SPACE.sub("", fold_lookalikes(unicodedata.normalize("NFC", number)))) or None


def type_key(doc_type: str | None) -> str | None:
    """Comparison form of a type name ("Thông tư" == "THÔNG TƯ")."""
    return None if doc_type is None else unicodedata.normalize("NFC", " ".join(doc_type.split())).casefold()


def type_matches(value: str | None, official: str) -> bool:
    """``value`` names the official type, or its joint variant (``… liên tịch``)."""
    v, o = type_key(value), type_key(official)
    return v is not None and o is not None and v in (o, f"{o} liên tịch")


@dataclass(frozen=True)
class Gold:
    """The labels of one document (see the module docstring)."""

    id: str
    number: str | None  # official (None: the document states none, laws gold only)
    doc_type: str | None  # official
    printed_number: str | None  # the header's Số: line as printed, None when absent
    header_matches_number: bool | None
    issued_on: str | None  # date of the header's place-and-date line (derived from the text)
    issuer: str | None = None  # the header's issuing body, where the gold has it (laws)
    signer: str | None = None  # the name under the signing title, where the gold has it (laws)
    # True: None means "the header states none" for every field (a value reported there is
    # wrong), and the issuer and signer are scored; False (vbpl): fields the gold lacks are not scored
    exhaustive: bool = False

    @classmethod
    def of(cls, meta: dict) -> Gold:
        return cls(id=meta["id"], number=meta["number"], doc_type=meta["doc_type"],
                   printed_number=meta.get("header_number_in_text"),
                   header_matches_number=meta.get("header_matches_number"),
                   issued_on=meta.get("issued_on_from_header"))

    @property
    def official_keys(self) -> set[str]:
        """The official number's key; plus the printed one when it is the official number
        without a stray look-alike letter (``144/2025/TT-BTCС`` printed ``144/2025/TT-BTC``)."""
        if self.number is None:
            return set()
        keys = {number_key(self.number)}
        bare = number_key(_NON_LATIN.sub("", self.number))
        if self.printed_number is not None and number_key(self.printed_number) == bare:
            keys.add(bare)
        return keys

    @property
    def printed_differs(self) -> bool:
        """The printed number exists and is not the official one (see ``official_keys``)."""
        return self.printed_number is not None and number_key(self.printed_number) not in self.official_keys

    @property
    def own_numbers(self) -> set[str]:
        """Comparison keys of the document's own number: official and as printed."""
        return {k for k in (*self.official_keys, number_key(self.printed_number)) if k}
