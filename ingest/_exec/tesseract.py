"""The one place that runs Tesseract.

Builds the command line, feeds the page image as a BMP in a memory-backed temporary file (in this
process's scratch folder, removed by the next process to start if this one is killed), runs it
single-threaded (``OMP_THREAD_LIMIT=1``: one Tesseract per core is ~2.5x faster than one
multi-threaded Tesseract, see DOMAIN §5) with a timeout, and turns failures into
``OcrTimeout`` / ``OcrFailed``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..exceptions import OcrFailed, OcrTimeout
from . import scratch

TESSERACT = os.environ.get("KIEMCHUNG_TESSERACT", "tesseract")


@dataclass(frozen=True)
class TsvWord:
    """A level-5 row of Tesseract's TSV output, in pixels of the image given."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..100
    block: int
    par: int
    line: int


@dataclass(frozen=True)
class Orientation:
    rotate: int  # degrees to rotate the image (clockwise, Tesseract's "Rotate") to make it upright
    confidence: float


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _bmp(image: np.ndarray, dpi: int | None = None) -> bytes:
    """The page as an uncompressed 8-bit BMP for Tesseract's stdin.

    Measured on an A4 page at 300 dpi: BMP is written in ~5 ms and Leptonica reads it so fast
    that Tesseract finishes ~10% sooner than on the same page as level-1 PNG (~200 ms to
    encode), with byte-identical output. PGM was ~15% slower than PNG (Leptonica reads PNM a
    pixel at a time).
    """
    if image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError("expected a 2-D uint8 grayscale image")
    buf = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    Image.fromarray(np.ascontiguousarray(image)).save(buf, format="BMP", **extra)
    return buf.getvalue()


def _exec(cmd: list[str], timeout: float) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env(), check=False)
    except subprocess.TimeoutExpired as e:
        raise OcrTimeout(f"tesseract exceeded {timeout:.0f}s") from e
    except FileNotFoundError as e:
        raise OcrFailed(f"tesseract not found ({TESSERACT}); install tesseract-ocr") from e
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"tesseract exited {proc.returncode}: {' | '.join(err[-3:])}")
    return proc.stdout.decode("utf-8", "replace")


def _run(args: list[str], image: np.ndarray, timeout: float, dpi: int | None = None) -> str:
    """Run Tesseract on the image, written to a memory-backed temporary file.

    Not stdin: Leptonica reads stdin in small pieces, ~0.14 s slower per A4 page at 300 dpi
    than the same BMP read from a file (bench/ingest_ocr)."""
    with tempfile.NamedTemporaryFile(suffix=".bmp", dir=scratch.process_dir()) as img:
        img.write(_bmp(image, dpi))
        img.flush()
        return _exec([TESSERACT, img.name, "stdout", *args], timeout)


def _parse_tsv(out: str) -> dict[int, list[TsvWord]]:
    """Level-5 (word) rows of Tesseract's TSV, by 1-based page (one page per input image)."""
    pages: dict[int, list[TsvWord]] = {}
    for row in out.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            conf = -1.0
        pages.setdefault(int(cols[1]), []).append(
            TsvWord(
                text=text,
                left=int(cols[6]),
                top=int(cols[7]),
                width=int(cols[8]),
                height=int(cols[9]),
                conf=max(conf, 0.0),
                block=int(cols[2]),
                par=int(cols[3]),
                line=int(cols[4]),
            )
        )
    return pages


def image_to_words(image: np.ndarray, *, lang: str, dpi: int, timeout: float, psm: int = 3) -> list[TsvWord]:
    """OCR a grayscale image; words with boxes, confidences and block/paragraph/line ids."""
    out = _run(["-l", lang, "--dpi", str(dpi), "--psm", str(psm), "tsv"], image, timeout, dpi)
    return _parse_tsv(out).get(1, [])


def lines_to_words(images: list[np.ndarray], *, lang: str, dpi: int, timeout: float) -> list[list[TsvWord]]:
    """Read each image as one raw text line (``--psm 13``), all in one Tesseract run.

    The images go to Tesseract as a list file (one model load for all of them).  With
    ``--psm 13`` the whole image is what the LSTM sees: no layout analysis and no row
    metrics, so the caller decides the scale and margins the text is read at.
    """
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="kc-lines-", dir=scratch.process_dir()) as tmp:
        paths = []
        for k, image in enumerate(images):
            path = os.path.join(tmp, f"{k:04d}.bmp")
            with open(path, "wb") as f:
                f.write(_bmp(image, dpi))
            paths.append(path)
        listing = os.path.join(tmp, "images.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(paths) + "\n")
        out = _exec([TESSERACT, listing, "stdout", "-l", lang, "--dpi", str(dpi), "--psm", "13", "tsv"], timeout)
    pages = _parse_tsv(out)
    return [pages.get(k + 1, []) for k in range(len(images))]


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OCONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_orientation(image: np.ndarray, *, dpi: int, timeout: float) -> Orientation | None:
    """Tesseract OSD (``--psm 0``); None when it cannot tell (too little text)."""
    try:
        out = _run(["--dpi", str(dpi), "--psm", "0"], image, timeout, dpi)
    except OcrFailed:
        return None
    rot, conf = _ROTATE.search(out), _OCONF.search(out)
    if not rot:
        return None
    return Orientation(rotate=int(rot.group(1)) % 360, confidence=float(conf.group(1)) if conf else 0.0)


def version() -> str:
    """'tesseract 5.3.0' or '' when missing (for logs and health checks)."""
    if not shutil.which(TESSERACT):
        return ""
    out = subprocess.run([TESSERACT, "--version"], capture_output=True, timeout=10, check=False)
    text = (out.stdout or out.stderr).decode("utf-8", "replace").splitlines()
    return text[0].strip() if text else ""
