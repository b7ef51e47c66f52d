"""`make bench`: run every ``bench/bench_*.py`` (or the ones named), write
``bench/results/<name>.json``, and refresh the summary in the README.

Each benchmark module has ``run(workdir: Path) -> dict`` returning
``{"description": str, "metrics": {...}, "targets": {name: target(...)}}``.
Figures are ratios against the raw tool measured in the same run.

    python -m bench.run                 # all
    python -m bench.run ingest_text     # one (module bench/bench_ingest_text.py)
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import time
import traceback

from .common import RESULTS, ROOT, WORK, write_result

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))


def summary_table() -> str:
    lines = ["| benchmark | figure | measured | target | met |", "|---|---|---|---|---|"]
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, t in data.get("targets", {}).items():
            lines.append(f"| {data['name']} | {key} | {t['value']:g} {t.get('unit', '')} | {t['op']} {t['target']:g} "
                         f"| {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines)


def refresh_readme() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        stamp = time.strftime("%Y-%m-%d")
        block = f"{START}\nLast `make bench`: {stamp}, {__import__('os').cpu_count()} cores.\n\n{summary_table()}\n{END}"
        readme.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str]) -> int:
    names = argv or discover()
    failed = 0
    for name in names:
        mod = importlib.import_module(f"bench.bench_{name}")
        workdir = WORK / name
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            result = mod.run(workdir)
        except Exception:
            traceback.print_exc()
            failed += 1
            continue
        result["wall_seconds"] = round(time.perf_counter() - t0, 2)
        path = write_result(name, result)
        for key, t in result.get("targets", {}).items():
            print(f"   {key}: {t['value']:g} {t.get('unit', '')} (target {t['op']} {t['target']:g}) "
                  f"{'ok' if t['met'] else 'NOT MET'}", flush=True)
        print(f"   -> {path.relative_to(ROOT)}", flush=True)
    refresh_readme()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
