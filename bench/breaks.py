"""Citations broken at every separator: does a line end inside a number change its reading?

The renderer breaks a number only where a line happens to end (``bench.realistic``), so most
citations are never seen broken.  Here every gold citation (``bench.refgold``) of a text that
stands on one source line is broken in turn after each of its ``-`` and ``/`` (the rest moved
to the next line, as justified text moves it), and the line is read again
(``extractors.references.scan_references``).  A break *changes the reading* when the
references of the line (by ``refgold.reference_key``) differ from those of the unbroken line;
an extractor that generalises reads both alike.  Rate = changed / breaks tried.
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.normalize import fix_chars
from extractors.references import scan_references

from .corpus import Gold
from .refgold import reference_gold, reference_key

EXAMPLES = 20  # changed readings listed per part (none for the TEST part)


def _keys(text: str) -> Counter:
    return Counter(reference_key(r.parts.canonical) for r in scan_references(fix_chars(text), own=""))


def _where(line: str, s: int, e: int, i: int) -> str:
    """Where in the citation the break falls: inside the number and year, or which code of the symbol
    it cuts before (the first, a later one), and whether the line goes on after the citation."""
    cited = line[s:e]
    k = i - s
    slashes = [j for j, ch in enumerate(cited) if ch == "/"]
    part = "before the year" if len(slashes) > 1 and k <= slashes[1] and re.match(r"\d+/\d{4}/", cited) else (
        "before the first code" if slashes and k == slashes[-1] + 1 else "inside the symbol")
    tail = "citation ends the line" if not line[e:].strip(" ;,.)") else "text follows"
    return f"{part}, {tail}"


def broken_readings(docs: list[tuple[str, str, Gold]], examples: bool = True) -> dict:
    """``docs``: (id, text, gold) -> breaks tried, readings changed, their rate, and examples."""
    tried = changed = 0
    shown: list[dict] = []
    classes: Counter = Counter()
    for doc_id, text, gold in docs:
        for g in reference_gold(text, gold.own_numbers):
            ls = text.rfind("\n", 0, g.start) + 1
            le = text.find("\n", g.end)
            line = text[ls:len(text) if le < 0 else le]
            if "\n" in text[g.start:g.end]:
                continue  # already broken in the source
            s, e = g.start - ls, g.end - ls
            base = None
            for i in range(s + 1, e - 1):
                if line[i - 1] not in "-/":
                    continue
                base = _keys(line) if base is None else base
                got = _keys(line[:i] + "\n" + line[i:].lstrip(" "))
                tried += 1
                if got != base:
                    changed += 1
                    kind = "read otherwise" if got - base else "lost"
                    classes[f"broken after '{line[i - 1]}' ({_where(line, s, e, i)}): {kind}"] += 1
                    if examples and len(shown) < EXAMPLES:
                        shown.append({"id": doc_id, "broken": line[max(0, s - 20):i] + "⏎" + line[i:e + 10],
                                      "lost": dict(base - got), "extra": dict(got - base)})
    out = {"breaks": tried, "changed": changed, "changed_rate": round(changed / tried, 5) if tried else 0.0,
           "classes": dict(sorted(classes.items()))}  # counts only: published for TEST too
    if examples:
        out["examples"] = shown
    return out
