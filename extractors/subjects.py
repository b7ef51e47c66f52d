"""Metric subjects at word boundaries, using underthesea's word segmentation (optional).

``metrics._subject`` cuts a subject at a syllable count (8 after a percentage, 10 before
the number), which can split a compound word: "tiền lương trước khi bị đình chỉ công"
("công việc"), "tiền lương thực trả hằng tháng của người" ("người lao động").
:func:`snap_subject` re-segments the cut with ``underthesea.word_tokenize`` and moves
each open end to the nearest word boundary outward.  It never shortens a subject.

Measured in ``bench/bench_extract.py`` (``subjects_underthesea``): snapping keeps all
29 labelled gold subjects and changes ~19% of subjects on law text (split compounds
repaired) at ~0.25 ms per subject, so ``find_metrics`` applies it by default
(``SNAP_SUBJECTS``; skipped if underthesea is not installed).  A noun-phrase cut by
underthesea POS tags was measured and rejected: Vietnamese metric subjects are often
verb-bearing clauses ("hồ sơ giải quyết đúng hạn") and the POS cut lost 11 of 29
labelled subjects.  underthesea is never used to find numbers or references.
"""

from __future__ import annotations

import re

from models.extraction import Metric

_STOP = re.compile(r"[,.;:()\n]")
CONTEXT_SYLLABLES = 3


def _syllables(s: str) -> list[str]:
    return s.split()


def _extend(core: list[str], extra: list[str], forward: bool) -> list[str]:
    """Syllables of ``extra`` that belong to the word cut at the joint with ``core``."""
    if not extra or not core:
        return []
    try:
        from underthesea import word_tokenize
    except ImportError:  # optional dependency: subjects stay as cut
        return []

    seq = core + extra if forward else extra + core
    words = word_tokenize(" ".join(seq))
    joint = len(core) if forward else len(extra)
    pos = 0
    for w in words:
        n = len(w.split())
        if pos < joint < pos + n:  # this word straddles the cut
            return seq[joint:pos + n] if forward else seq[pos:joint]
        pos += n
        if pos >= joint:
            break
    return []


def snap_subject(text: str, metric: Metric) -> str:
    """``metric.subject`` with both ends moved out to whole words (as found in ``text``)."""
    return snap(text, metric.subject, metric.start, metric.end)


def snap(text: str, subj: str, start: int, end: int) -> str:
    """``subj`` (found in ``text`` near ``start:end``) with both ends moved out to whole words."""
    if not subj:
        return subj
    lo, hi = max(0, start - 400), min(len(text), end + 400)
    at = text.find(subj, lo, hi)
    if at < 0:
        return subj
    end = at + len(subj)
    after = _STOP.split(text[end:end + 60], 1)[0]
    before = _STOP.split(text[max(0, at - 60):at][::-1], 1)[0][::-1]
    core = _syllables(subj)
    tail = _extend(core, _syllables(after)[:CONTEXT_SYLLABLES], True) if after.lstrip()[:1].isalpha() else []
    head = _extend(core, _syllables(before)[-CONTEXT_SYLLABLES:], False) if before.rstrip()[-1:].isalpha() else []
    if not tail and not head:
        return subj
    return " ".join(head + core + tail)
