"""What every hostile case must show, whichever way it ran (CLI, REST, web): the report's file rows and
criteria, the jobs table, the XLSX report's cells, and nothing written outside the test's own folders."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from sqlalchemy import or_, select

from models.tables import JobRow

from .corpus import ABSOLUTE_TARGETS, CITED_BY, GOOD, GOOD_CRITERIA, GOOD_NUMBERS, Case


def finding_codes(criterion: dict) -> list[str]:
    return [f["code"] for f in criterion.get("findings", [])]


def check_report(case: Case, report: dict) -> None:
    """The bad file carries its code, every good file was read, the criteria citing them are not unreadable."""
    files = report["files"]
    names = [f["name"][:80] for f in files]
    by_name = {f["name"]: f for f in files}
    for marker in case.bad:
        rows = [f for f in files if marker in f["name"]]
        assert rows, f"{case.name}: no file row for {marker!r}; files: {names}"
        seen = [(f["status"], (f.get("error") or {}).get("code")) for f in rows]
        hits = [f for f in rows if f["status"] == "error" and (f.get("error") or {}).get("code") in case.codes]
        assert hits, f"{case.name}: {marker!r} should carry {sorted(case.codes)}; got {seen}"
        assert all(f["error"].get("message_vi") for f in hits), f"{case.name}: no Vietnamese reason: {hits}"
    if not case.bad:
        bad = [(f["name"][:80], f.get("error")) for f in files if f["status"] != "ok"]
        assert not bad, f"{case.name}: every file should be read normally; failed: {bad}"
        # nothing else is evidence (a PDF's embedded file is not unpacked as a file of the submission)
        assert sorted(by_name) == sorted({*GOOD, *case.ok}), f"{case.name}: files {names}"
    for name in case.ok:
        assert name in by_name, f"{case.name}: {name!r} missing from the report; files: {names}"
        assert by_name[name]["status"] == "ok" and not by_name[name]["error"], by_name[name]
    for name, number in GOOD_NUMBERS.items():
        f = by_name.get(name)
        assert f is not None, f"{case.name}: good file {name} missing from the report; files: {names}"
        assert f["status"] == "ok" and f["pages"] >= 1, f"{case.name}: good file {name} not read: {f}"
        assert f["number"] == number, f"{case.name}: {name} should be {number}, extracted {f['number']!r}"
    criteria = {c["code"]: c for c in report["criteria"]}
    for code, name in GOOD_CRITERIA.items():
        assert code in criteria, f"{case.name}: criterion {code} missing"
        assert "DOCUMENT_UNREADABLE" not in finding_codes(criteria[code]), \
            f"{case.name}: {code} cites the good file {name} but says unreadable: {criteria[code]['findings']}"
    assert GOOD[0] in criteria["1.3.1"]["documents"], criteria["1.3.1"]
    if case.cites_bad:
        assert "DOCUMENT_UNREADABLE" in finding_codes(criteria[CITED_BY]), \
            f"{case.name}: {CITED_BY} cites the bad file: expected DOCUMENT_UNREADABLE, got " \
            f"{finding_codes(criteria[CITED_BY])}"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def jobs_for(session, sha256: str) -> list[tuple[str, str, str]]:
    """(key, kind, status) of every job about one blob (whole-file ingest, page ranges, merge)."""
    rows = session.scalars(select(JobRow).where(or_(JobRow.sha256 == sha256, JobRow.key.contains(sha256)))).all()
    return [(r.key, r.kind, r.status) for r in rows]


def check_xlsx_text(xlsx: bytes, texts: tuple[str, ...]) -> None:
    """Each text reaches the workbook as a string and no ``<f>`` element holds it (parsed from the XML)."""
    formulas: list[str] = []
    strings: list[str] = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        parts += [n for n in z.namelist() if n == "xl/sharedStrings.xml"]
        assert parts, z.namelist()
        for name in parts:
            for el in ElementTree.fromstring(z.read(name)).iter():
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "f":
                    formulas.append(el.text or "")
                elif tag == "t":
                    strings.append(el.text or "")
    for text in texts:
        body = text.lstrip("=")
        held = [f for f in formulas if body in f or body.split("(")[0] in f]
        assert not held, f"report.xlsx runs {text!r} as a formula: {held}"
        assert any(body in s for s in strings), f"{text!r} should reach report.xlsx as text; it is not there"


# --------------------------------------------------------------------------- nothing written outside


def _tree(root: Path, skip: set[Path]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in skip]
        for name in dirnames + filenames:
            p = here / name
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


class Jail:
    """The folders of one run. Writes are allowed in ``data``, ``out`` and the process's temporary folder
    ``tmp`` (where submissions are extracted, three levels below ``root``); anything else that appears
    or changes under ``root`` — or at the absolute paths a hostile entry names — was written outside."""

    def __init__(self, root: Path):
        self.root = root
        self.input = root / "in"
        self.data = root / "data"
        self.out = root / "out"
        self.tmp = root / "work" / "a" / "b" / "tmp"
        self.sentinel = root / "sentinel"
        for d in (self.data, self.tmp, self.sentinel):
            d.mkdir(parents=True, exist_ok=True)
        (self.sentinel / "giu-nguyen.txt").write_text("không được ghi đè\n", encoding="utf-8")
        self._before: dict[str, tuple] = {}
        self._tmp_files: set[str] = set()
        self._absolute: dict[Path, bool] = {}

    def _snapshot(self) -> dict[str, tuple]:
        return _tree(self.root, {self.data, self.out, self.tmp})

    def start(self) -> None:
        """Call after building the input, before running anything."""
        self._before = self._snapshot()
        self._tmp_files = {p.name for p in self.tmp.iterdir() if not p.is_dir()}
        self._absolute = {p: p.exists() for p in ABSOLUTE_TARGETS}

    def assert_untouched(self) -> None:
        after = self._snapshot()
        changed = sorted(k for k in set(after) | set(self._before) if after.get(k) != self._before.get(k))
        # the parent of every extraction folder: a "../x" entry would land here as a file
        loose = sorted({p.name for p in self.tmp.iterdir() if not p.is_dir()} - self._tmp_files)
        created = [p for p, existed in self._absolute.items() if p.exists() and not existed]
        for p in created:  # never leave a hostile entry's file behind on the machine
            p.unlink()
        assert not changed and not loose and not created, (
            f"written outside the data/out/tmp folders: changed {changed[:10]}, loose in tmp {loose[:10]}, "
            f"absolute {created}")
