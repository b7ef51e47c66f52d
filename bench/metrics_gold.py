"""The metric gold sets and the one rule that scores the extractor on them (issue #11).

Sets (same format, same labelling definition: see the header of each file):

* ``tests/extractors/gold/metrics_real.yaml`` (``DEV``): real sentences of the vbpl DEVELOPMENT
  part and of news/;
* ``bench/gold/metrics_test.yaml`` (``TEST``): real sentences of the vbpl TEST part, for scoring
  only (never tuned on); sampled by :func:`draw_percent_lines`;
* ``tests/extractors/gold/metrics_paraphrase.yaml`` (``PARAPHRASE``): one figure said the many
  ways reports say it, written from the failure classes;
* ``tests/extractors/gold/metrics_rows.yaml`` (``ROWS``): table rows with a percentage of the vbpl
  DEVELOPMENT part, drawn by :func:`draw_table_rows` (the DEV set was drawn as sentences and holds
  few long row labels);
* ``tests/extractors/gold/metrics_dev3.yaml`` (``DEV3``): a fresh draw of sentences and rows of the vbpl
  DEVELOPMENT part (:func:`draw_percent_lines`, seed 23, lines of DEV and ROWS left out), labelled and
  scored before any change was made for it (the "unseen" development figure);
* ``tests/extractors/gold/metrics_dev4.yaml`` (``DEV4``): a second fresh draw the same way (seed 31, lines
  of DEV, ROWS and DEV3 left out), labelled and scored before any change for it, after DEV3 was tuned on.

:func:`score` is used by ``tests/extractors/test_metrics.py`` and ``bench/bench_metrics.py``.

    result = score(load_items(TEST))
    result.value_precision, result.subject_recall
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extractors import find_metrics
from extractors.subjects import lemmas, subject_matches, syllables
from models.pages import Page, PageMethod

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "extractors" / "gold" / "metrics_real.yaml"
PARAPHRASE = ROOT / "tests" / "extractors" / "gold" / "metrics_paraphrase.yaml"
TEST = ROOT / "bench" / "gold" / "metrics_test.yaml"
ROWS = ROOT / "tests" / "extractors" / "gold" / "metrics_rows.yaml"
DEV3 = ROOT / "tests" / "extractors" / "gold" / "metrics_dev3.yaml"
DEV4 = ROOT / "tests" / "extractors" / "gold" / "metrics_dev4.yaml"

# a candidate line of the TEST draw: a digit, an optional blank, "%"
PERCENT_LINE = re.compile(r"\d\s*%")


def load_items(path: Path) -> list[dict]:
    """The ``items`` of a gold file: ``text``, ``metrics`` (``value``, ``unit``, ``qualifier``,
    optional ``value_max`` and ``subject``), plus ``source`` / ``class`` / ``draw`` where set."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["items"]


def text_page(text: str) -> Page:
    """A text-layer page holding ``text``: what the extractor reads for one excerpt."""
    return Page(number=1, width=595, height=842, method=PageMethod.TEXT_LAYER, text=text)


@dataclass(frozen=True)
class SubjectMiss:
    """A labelled subject not matched: the label, the subject found for the paired metric
    (None: the value itself was not found), and the item's source."""

    source: str | None
    label: str
    found: str | None


@dataclass(frozen=True)
class ValueMiss:
    """A metric labelled but not found (``missed``) or found but not labelled (``extra``)."""

    source: str | None
    kind: str  # "missed" | "extra"
    value: float
    unit: str


@dataclass(frozen=True)
class Score:
    """Value+unit and subject precision/recall over a set of items."""

    value_tp: int = 0
    value_fp: int = 0
    value_fn: int = 0
    subject_tp: int = 0
    subject_fp: int = 0
    subject_fn: int = 0
    value_misses: list[ValueMiss] = field(default_factory=list)
    subject_misses: list[SubjectMiss] = field(default_factory=list)
    # (syllables of the label, syllables of the found subject) of every right subject: the match
    # rule only asks the label's words to be in the found subject, so this shows how much more it says
    subject_sizes: list[tuple[int, int]] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else 1.0

    @property
    def value_precision(self) -> float:
        return self._ratio(self.value_tp, self.value_fp)

    @property
    def value_recall(self) -> float:
        return self._ratio(self.value_tp, self.value_fn)

    @property
    def subject_precision(self) -> float:
        return self._ratio(self.subject_tp, self.subject_fp)

    @property
    def subject_recall(self) -> float:
        return self._ratio(self.subject_tp, self.subject_fn)

    @property
    def subject_length_ratio(self) -> float:
        """Median of found / labelled syllables over the right subjects (1.0: as long as the label)."""
        ratios = sorted(f / max(lab, 1) for lab, f in self.subject_sizes)
        return ratios[len(ratios) // 2] if ratios else 1.0

    @property
    def n_metrics(self) -> int:
        """Labelled metrics."""
        return self.value_tp + self.value_fn

    @property
    def n_subjects(self) -> int:
        """Labelled subjects."""
        return self.subject_tp + self.subject_fn


def _key(value: float, unit: str) -> tuple[float, str]:
    return round(value, 4), unit


def score(items: Iterable[dict]) -> Score:
    """Value+unit P/R over every labelled metric, and subject P/R over the labelled subjects.

    A found metric pairs with a gold one of the same value and unit (in order). A paired subject is
    right when :func:`extractors.subjects.subject_matches` holds (every content lemma of the label
    in the found subject or unit); a wrong one counts as a false positive and a miss, an unpaired
    label as a miss."""
    tp = fp = fn = stp = sfp = sfn = 0
    value_misses: list[ValueMiss] = []
    subject_misses: list[SubjectMiss] = []
    sizes: list[tuple[int, int]] = []
    for it in items:
        source = it.get("source")
        got = find_metrics(text_page(it["text"]))
        g = Counter(_key(m.value, m.unit) for m in got)
        w = Counter(_key(m["value"], m["unit"]) for m in it["metrics"])
        tp, fp, fn = tp + sum((g & w).values()), fp + sum((g - w).values()), fn + sum((w - g).values())
        for kind, diff in (("missed", w - g), ("extra", g - w)):
            value_misses += [ValueMiss(source, kind, v, u) for (v, u), n in diff.items() for _ in range(n)]
        pool = list(got)
        for m in it["metrics"]:
            hit = next((x for x in pool if _key(x.value, x.unit) == _key(m["value"], m["unit"])), None)
            if hit is not None:
                pool.remove(hit)
            if "subject" not in m:
                continue
            if hit is not None and subject_matches(m["subject"], hit.subject, hit.unit):
                stp += 1
                sizes.append((len(syllables(m["subject"])), len(syllables(hit.subject))))
            else:
                sfn += 1
                sfp += hit is not None
                subject_misses.append(SubjectMiss(source, m["subject"], hit.subject if hit else None))
    return Score(tp, fp, fn, stp, sfp, sfn, value_misses, subject_misses, sizes)


def failure_classes(result: Score) -> dict[str, int]:
    """Counts of the kinds of failure, naming no sentence (what the TEST set may publish)."""
    classes: Counter[str] = Counter()
    for v in result.value_misses:
        classes[f"value {v.kind}: {'percentage' if v.unit == '%' else 'count'}"] += 1
    for s in result.subject_misses:
        if s.found is None:
            classes["subject: value not found"] += 1
            continue
        want, have = lemmas(s.label), lemmas(s.found)
        if not have:
            classes["subject: none found"] += 1
        elif len(s.found.split()) <= 2:
            classes["subject of one or two words"] += 1
        elif have[:2] == want[:2]:
            classes["subject starts right, stops early"] += 1
        elif set(have) & set(want):
            classes["subject partly elsewhere (shares some words)"] += 1
        else:
            classes["subject elsewhere (no word of the label)"] += 1
    return dict(sorted(classes.items()))


def draw_percent_lines(docs: Iterable[tuple[str, str]], per_doc: int = 4, seed: int = 11,
                       ) -> list[tuple[str, int, str, int]]:
    """The candidate lines of the TEST set: ``(doc_id, line number from 1, stripped text, draw)``.

    ``docs`` are ``(id, text)`` in id order. Draw 1: up to ``per_doc`` lines with a percentage per
    document, ``random.Random(seed).sample`` shared over the documents; draw 2: the rest of those
    lines. Returned in document and line order."""
    rng = random.Random(seed)
    out = []
    for doc_id, text in docs:
        candidates = [(i + 1, line) for i, line in enumerate(text.split("\n")) if PERCENT_LINE.search(line)]
        if not candidates:
            continue
        first = {n for n, _ in rng.sample(candidates, min(per_doc, len(candidates)))}
        out += [(doc_id, n, line.strip(), 1 if n in first else 2) for n, line in candidates]
    return out


TABLE_ROW = " | "  # how the corpus joins the cells of a table row


def draw_table_rows(docs: Iterable[tuple[str, str]], per_doc: int = 8, seed: int = 14,
                    ) -> list[tuple[str, int, str, int]]:
    """The candidate rows of the ROWS set: ``(doc_id, line number from 1, stripped text, draw)``.

    ``docs`` are ``(id, text)`` in id order. A candidate is a table row (cells joined by `` | ``)
    with a percentage (:data:`PERCENT_LINE`); a row repeating an earlier row of its document word for
    word is left out. Draw 1: up to ``per_doc`` candidates per document, ``random.Random(seed).sample``
    shared over the documents; draw 2: the rest. Returned in document and line order."""
    rng = random.Random(seed)
    out = []
    for doc_id, text in docs:
        seen: set[str] = set()
        candidates = []
        for i, line in enumerate(text.split("\n")):
            row = line.strip()
            if TABLE_ROW in line and PERCENT_LINE.search(line) and row not in seen:
                seen.add(row)
                candidates.append((i + 1, row))
        if not candidates:
            continue
        drawn = {n for n, _ in rng.sample(candidates, min(per_doc, len(candidates)))}
        out += [(doc_id, n, row, 1 if n in drawn else 2) for n, row in candidates]
    return out
