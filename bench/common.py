"""Helpers shared by the benchmarks: targets, timing, peak memory, result files."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work"
VENDORED_CORPUS = ROOT / "tests" / "corpus"

_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b}


def target(value: float, op: str, threshold: float, unit: str = "") -> dict:
    """A measured figure against its target; ``met`` is computed, never asserted."""
    return {"value": round(float(value), 4), "op": op, "target": threshold, "unit": unit,
            "met": bool(_OPS[op](value, threshold))}


@contextmanager
def timer():
    box = {}
    t0 = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - t0


def corpus_dir() -> Path:
    """The real-text corpus the benchmarks read: ``$KIEMCHUNG_BENCH_CORPUS`` if set, else
    ``../shared/corpus`` beside the clone if it exists, else the subset vendored for the tests
    (``tests/corpus``, see its README) so that a bare clone's ``make bench`` still runs."""
    env = os.environ.get("KIEMCHUNG_BENCH_CORPUS")
    if env:
        return Path(env)
    shared = ROOT.parent / "shared" / "corpus"
    return shared if shared.is_dir() else VENDORED_CORPUS


def machine() -> dict:
    try:
        tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        tess = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "tesseract": tess}


def peak_rss_mb_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def write_result(name: str, result: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"name": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
              "corpus": str(corpus_dir()), **result}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
