"""The one place that runs the second OCR engine: RapidOCR's PP-OCRv6 text-line recogniser.

Tesseract's LSTM drops or swaps digits with high word confidence (a leading ``1`` lost from
``118/2015``, ``5`` read as ``0``); a second, independent model reading the same crop is what
catches that (``ingest.ocr.confirm_numbers``).  The model is the recogniser ONNX file shipped
inside the ``rapidocr`` wheel (``rapidocr/models/PP-OCRv6_rec_small.onnx``, its character list
in the model's metadata): nothing is downloaded, ever.  It is run here with onnxruntime
directly rather than through ``rapidocr``'s pipeline, whose import pulls OpenCV, Shapely and
OmegaConf into the worker for a detection step a word crop does not need; the preprocessing
is the recogniser's own (``rapidocr.ch_ppocr_rec.TextRecognizer.resize_norm_img``: height 48,
aspect kept, ``(x / 255 - 0.5) / 0.5``).

The model reads Chinese and Latin script, not Vietnamese letters, so it is given only the crops
of number-bearing words (a digit run and what is glued to it: ``118/2015/NĐ-CP``, ``27/30``,
``90%``, ``24/4/2024``) and its output is decoded **restricted** to a character set: digits and
the separators and punctuation of numbers, dates, metrics and coordinates
(``/ . , - % : ; ( ) ° ’ ”``, so a bracket has a class of its own to fall on rather than the
nearest digit), plus Latin letters when the word has letters (the symbol after a number).  At
every time step the best allowed class is taken, then the usual CTC collapse; each character
comes with its probability.  Callers compare digit runs only.

onnxruntime is imported on first use, in the OCR worker that needs it: the API process and
text-layer ingest never load it (``tests/ingest/test_startup.py``).  One session per process,
single-threaded like Tesseract (one worker per core).
"""

from __future__ import annotations

import importlib.util
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..exceptions import OcrFailed

MODEL_FILE = "PP-OCRv6_rec_small.onnx"
HEIGHT = 48  # the recogniser's input height
DIGITS = "0123456789"
SEPARATORS = "/.,-%:;()°'\"’”"  # of numbers, dates, metrics, coordinates; and what follows a number
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzĐđ"


class SecondEngineError(OcrFailed):
    """The second engine could not read (not installed, model missing, runtime error): OCR_FAILED.

    Never fails a page: a word it cannot check stays unconfirmed."""


class SecondEngineMissing(SecondEngineError):
    """onnxruntime or the rapidocr wheel's model file is not installed."""


@dataclass(frozen=True)
class Reading:
    """What the recogniser read in one crop: the text and each character's probability."""

    text: str
    probs: tuple[float, ...]

    @property
    def conf(self) -> float:
        """The least certain character's probability (0 for an empty reading)."""
        return min(self.probs) if self.probs else 0.0


def model_path() -> Path:
    """The recogniser shipped in the rapidocr wheel (found without importing rapidocr)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.origin:
        raise SecondEngineMissing("the rapidocr package (its recogniser model) is not installed")
    path = Path(spec.origin).parent / "models" / MODEL_FILE
    if not path.is_file():
        raise SecondEngineMissing(f"{path} is missing from the rapidocr package")
    return path


class _Recogniser:
    def __init__(self) -> None:
        try:
            import onnxruntime as ort  # lazy: only OCR workers that read digit crops pay for it
        except ImportError as e:
            raise SecondEngineMissing(f"onnxruntime is not installed: {e}") from e
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.enable_cpu_mem_arena = False  # an arena would keep the largest crop's buffers for good
        opts.enable_mem_pattern = False  # every crop has its own width: a pattern per shape is never reused (~30 MB)
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(model_path()), opts, providers=["CPUExecutionProvider"])
            chars = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        except SecondEngineError:
            raise
        except Exception as e:  # onnxruntime raises its own exception types
            raise SecondEngineError(f"cannot load {MODEL_FILE}: {type(e).__name__}: {e}") from e
        self.input = self.session.get_inputs()[0].name
        self.classes = ["<blank>", *chars, " "]  # rapidocr's CTCLabelDecode: blank first, space last
        self._allowed: dict[str, np.ndarray] = {}

    def allowed(self, charset: str) -> np.ndarray:
        idx = self._allowed.get(charset)
        if idx is None:
            where = {c: i for i, c in enumerate(self.classes)}
            idx = np.array([0] + sorted({where[c] for c in charset if c in where}), dtype=np.int64)
            self._allowed[charset] = idx
        return idx

    def run(self, batch: np.ndarray) -> np.ndarray:
        try:
            return self.session.run(None, {self.input: batch})[0]
        except Exception as e:  # onnxruntime raises its own exception types
            raise SecondEngineError(f"{MODEL_FILE} failed: {type(e).__name__}: {e}") from e


_LOCK = threading.Lock()
_RECOGNISER: _Recogniser | None = None


def _recogniser() -> _Recogniser:
    global _RECOGNISER
    with _LOCK:
        if _RECOGNISER is None:
            _RECOGNISER = _Recogniser()
        return _RECOGNISER


def loaded() -> bool:
    """Whether this process has loaded the model (for tests and logs)."""
    return _RECOGNISER is not None


def _normalise(image: np.ndarray) -> np.ndarray:
    """A grayscale crop as the recogniser's (3, 48, W) input."""
    h, w = image.shape
    width = max(1, math.ceil(HEIGHT * w / max(h, 1)))
    small = np.asarray(Image.fromarray(image).resize((width, HEIGHT), Image.Resampling.BILINEAR), dtype=np.float32)
    x = small * (2.0 / 255.0) - 1.0
    return np.ascontiguousarray(np.broadcast_to(x, (3, HEIGHT, width)))


def _decode(probs: np.ndarray, allowed: np.ndarray, classes: list[str]) -> Reading:
    """Greedy CTC over the allowed classes only: best allowed class per step, repeats merged."""
    sub = probs[:, allowed]
    best = sub.argmax(axis=1)
    text, conf = [], []
    prev = 0
    for k, b in enumerate(best):
        if b != 0 and b != prev:
            text.append(classes[allowed[b]])
            conf.append(float(sub[k, b]))
        elif b != 0 and b == prev:
            conf[-1] = max(conf[-1], float(sub[k, b]))
        prev = b
    return Reading("".join(text), tuple(round(c, 4) for c in conf))


def read(images: list[np.ndarray], charset: str = DIGITS + SEPARATORS) -> list[Reading]:
    """Read each grayscale uint8 crop (one text line each), decoded restricted to ``charset``."""
    return read_each(images, [charset] * len(images))


def read_each(images: list[np.ndarray], charsets: list[str]) -> list[Reading]:
    """Read each crop, decoded restricted to its own character set.

    Crops are run one at a time: at these widths a batch padded to its widest crop costs more
    than it saves, and a single crop keeps the session's buffers small.
    """
    if not images:
        return []
    rec = _recogniser()
    out = []
    for image, charset in zip(images, charsets, strict=True):
        if image.ndim != 2 or image.dtype != np.uint8 or image.size == 0:
            raise ValueError("expected a non-empty 2-D uint8 grayscale image")
        probs = rec.run(_normalise(image)[None])[0]
        out.append(_decode(probs, rec.allowed(charset), rec.classes))
    return out
