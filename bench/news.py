"""The news part of the real corpus: three web articles, a precision test for identity.

``<corpus>/news/`` holds three real articles about the 2024 reform cycle with their web
boilerplate (see ``tests/corpus/README.md``).  An article has no Decree-30 header: the right
identity is none at all (no number, type, date, issuer or signer, however many documents its
body cites; issue #11 class 1), so the gold is exhaustive and empty.  Its references are
scored against ``bench.refgold`` like any text.  Printed through ``bench.realistic`` as
paragraphs (the renderer finds no header in them).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

from .corpus import Gold
from .laws import LawDocument

PART = "news"


def news_documents(corpus: Path) -> Iterator[LawDocument]:
    """Every article of ``<corpus>/news``, by file name, with its empty identity gold."""
    for path in sorted((Path(corpus) / "news").glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        yield LawDocument(path.stem, text, Gold(id=path.stem, number=None, doc_type=None, printed_number=None,
                                                header_matches_number=None, issued_on=None, exhaustive=True))
