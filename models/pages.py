"""Ingest output: files, pages, words with boxes and confidences."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any, overload

from pydantic import BaseModel, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import CoreSchema, core_schema

from .errors import ErrorInfo
from .extraction import Signature
from .provenance import Box


class PageMethod(str, Enum):
    TEXT_LAYER = "text_layer"  # the PDF's own text was usable
    OCR = "ocr"  # rendered and read by Tesseract
    EMPTY = "empty"  # nothing on the page to read
    FAILED = "failed"  # this page could not be read (see Page.error)


class Word(BaseModel):
    """One word as read from the page.

    ``start``/``end`` index into the page's ``text``; ``box`` is in PDF points,
    origin top-left; ``confidence`` in [0, 1] (1.0 for a usable text layer).
    """

    text: str
    start: int
    end: int
    box: Box
    confidence: float = 1.0
    line: int = 0  # line index on the page, in reading order


# ``Words`` builds Word/Box views without re-validating values that were checked when the
# columns were filled.  Every field is set, so all views share one fields-set (pydantic only
# ever adds names to it on assignment, and copies it in ``model_copy``).
_WORD_FIELDS = {"text", "start", "end", "box", "confidence", "line"}
_BOX_FIELDS = {"x0", "y0", "x1", "y1"}
_new = object.__new__
_set = object.__setattr__


def _plain_fields(cls: type[BaseModel], names: set[str]) -> bool:
    """True while ``cls`` is a plain field holder (no validators, extras or private state to set up)."""
    return (set(cls.model_fields) == names and not cls.__pydantic_root_model__ and not cls.__pydantic_post_init__
            and cls.model_config.get("extra") != "allow" and not cls.__private_attributes__)


def _box_view(x0: float, y0: float, x1: float, y1: float) -> Box:
    b = _new(Box)
    _set(b, "__dict__", {"x0": x0, "y0": y0, "x1": x1, "y1": y1})
    _set(b, "__pydantic_fields_set__", _BOX_FIELDS)
    _set(b, "__pydantic_extra__", None)
    _set(b, "__pydantic_private__", None)
    return b


def _word_view(text: str, start: int, end: int, box: Box, confidence: float, line: int) -> Word:
    w = _new(Word)
    _set(w, "__dict__", {"text": text, "start": start, "end": end, "box": box, "confidence": confidence, "line": line})
    _set(w, "__pydantic_fields_set__", _WORD_FIELDS)
    _set(w, "__pydantic_extra__", None)
    _set(w, "__pydantic_private__", None)
    return w


if not (_plain_fields(Word, _WORD_FIELDS) and _plain_fields(Box, _BOX_FIELDS)):  # pragma: no cover
    def _box_view(x0: float, y0: float, x1: float, y1: float) -> Box:  # validators to honour
        return Box(x0=x0, y0=y0, x1=x1, y1=y1)

    def _word_view(text: str, start: int, end: int, box: Box, confidence: float, line: int) -> Word:
        return Word(text=text, start=start, end=end, box=box, confidence=confidence, line=line)


WORD_COLUMNS = ("text", "start", "end", "x0", "y0", "x1", "y1", "confidence", "line")
_COLUMN_TYPES = (str, int, int, float, float, float, float, float, int)
_TYPECODES = {int: "q", float: "d"}  # array.array type codes of the numeric columns


def _column(typ: type, values: Any) -> Any:
    """A numeric column as an ``array.array`` (kept as is when it already is one of the right kind)."""
    code = _TYPECODES[typ]
    if isinstance(values, array) and values.typecode == code:
        return values
    if hasattr(values, "dtype"):  # numpy: copy the buffer, no Python objects on the way
        return array(code, values.astype("int64" if typ is int else "float64", copy=False).tobytes())
    return array(code, values)


class Words(Sequence[Word]):
    """A page's words, stored as columns, in reading order.

    A text-layer page holds ~500 words; as columns they cost a list of strings and eight
    ``array.array``s instead of a thousand objects to build, keep, pickle and store, and the
    garbage collector does not walk their values (bench/ingest_text, ingest_cache_rss).
    Indexing and iteration give :class:`Word` models, built on access; code that walks many
    words reads the columns (``words.start``, ``words.x0``, …) directly.  Stored and sent as
    ``{"text": [...], "start": [...], ...}``; a list of words is accepted too.
    """

    __slots__ = WORD_COLUMNS

    def __init__(self, text: list[str] | None = None, start: Any = None, end: Any = None, x0: Any = None,
                 y0: Any = None, x1: Any = None, y1: Any = None, confidence: Any = None, line: Any = None):
        self.text = text if text is not None else []
        n = len(self.text)
        self.start = _column(int, start if start is not None else ())
        self.end = _column(int, end if end is not None else ())
        self.x0 = _column(float, x0 if x0 is not None else ())
        self.y0 = _column(float, y0 if y0 is not None else ())
        self.x1 = _column(float, x1 if x1 is not None else ())
        self.y1 = _column(float, y1 if y1 is not None else ())
        self.confidence = _column(float, confidence if confidence is not None else array("d", [1.0]) * n)
        self.line = _column(int, line if line is not None else array("q", [0]) * n)
        for name in WORD_COLUMNS[1:]:
            if len(getattr(self, name)) != n:
                raise ValueError(f"word column {name!r} has {len(getattr(self, name))} values for {n} words")

    @classmethod
    def of(cls, words: Iterable[Word | Mapping[str, Any]]) -> Words:
        """Columns from Word models (or their dicts)."""
        out = cls()
        for w in words:
            if not isinstance(w, Word):
                w = Word.model_validate(w)
            out.append(w)
        return out

    def append(self, w: Word) -> None:
        self.text.append(w.text)
        self.start.append(w.start)
        self.end.append(w.end)
        self.x0.append(w.box.x0)
        self.y0.append(w.box.y0)
        self.x1.append(w.box.x1)
        self.y1.append(w.box.y1)
        self.confidence.append(w.confidence)
        self.line.append(w.line)

    def __len__(self) -> int:
        return len(self.text)

    def box(self, i: int) -> Box:
        return _box_view(self.x0[i], self.y0[i], self.x1[i], self.y1[i])

    @overload
    def __getitem__(self, i: int) -> Word: ...

    @overload
    def __getitem__(self, i: slice) -> Words: ...

    def __getitem__(self, i: int | slice) -> Word | Words:
        if isinstance(i, slice):
            return Words(*(getattr(self, name)[i] for name in WORD_COLUMNS))
        return _word_view(self.text[i], self.start[i], self.end[i], self.box(i), self.confidence[i], self.line[i])

    def __iter__(self) -> Iterator[Word]:
        box, word = _box_view, _word_view
        for t, s, e, a, b, c, d, cf, ln in zip(self.text, self.start, self.end, self.x0, self.y0, self.x1, self.y1,
                                                self.confidence, self.line, strict=True):
            yield word(t, s, e, box(a, b, c, d), cf, ln)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Words):
            return all(getattr(self, n) == getattr(other, n) for n in WORD_COLUMNS)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.text[:5])
        return f"Words({len(self)}: {head}{', …' if len(self) > 5 else ''})"

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in WORD_COLUMNS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for n, v in zip(WORD_COLUMNS, state, strict=True):
            setattr(self, n, v)

    def columns(self) -> dict[str, list[Any]]:
        """Each column as a list (the stored and serialised form)."""
        return {n: (v if isinstance(v, list) else v.tolist()) for n in WORD_COLUMNS for v in (getattr(self, n),)}

    # ------------------------------------------------------------------ pydantic
    @classmethod
    def _validate(cls, value: Any) -> Words:
        if isinstance(value, Words):
            return value
        if isinstance(value, Mapping):
            missing = [n for n in ("text", "start", "end", "x0", "y0", "x1", "y1") if n not in value]
            if missing:
                raise ValueError(f"word columns missing: {', '.join(missing)}")
            cols = {}
            for n, typ in zip(WORD_COLUMNS, _COLUMN_TYPES, strict=True):
                col = value.get(n)
                if col is None:
                    continue
                if not isinstance(col, list):
                    raise ValueError(f"word column {n!r} must be a list")
                try:
                    cols[n] = col if all(type(v) is typ for v in col) else [_coerce(typ, v) for v in col]
                except (TypeError, ValueError) as e:
                    raise ValueError(f"word column {n!r}: {e}") from None
            return cls(**cols)
        if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
            return cls.of(value)
        raise ValueError("words must be a list of words or a mapping of word columns")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda w: w.columns()),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        def arr(item: dict[str, Any]) -> dict[str, Any]:
            return {"type": "array", "items": item}

        types = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}}
        return {"type": "object", "title": "Words",
                "description": "A page's words as columns of equal length: text, character offsets into "
                               "the page text, box in PDF points (top-left origin), confidence, line.",
                "properties": {n: arr(types[t]) for n, t in zip(WORD_COLUMNS, _COLUMN_TYPES, strict=True)},
                "required": list(WORD_COLUMNS[:7])}


def _coerce(typ: type, v: Any) -> Any:
    if typ is int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"{v!r} is not an integer")
        return v
    if typ is float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"{v!r} is not a number")
        return float(v)
    if not isinstance(v, str):
        raise ValueError(f"{v!r} is not a string")
    return v


class AltSource(str, Enum):
    SECOND_ENGINE = "second_engine"  # the digit recogniser on the word's crop (ingest.numbers)
    REREAD = "reread"  # Tesseract again on the word cut out of the page, in several views


class WordAlternative(BaseModel):
    """Another reading of one word of the page whose digits the first reading did not settle.

    The page text keeps the first reading (a second reading may confirm a number, never replace it);
    the alternatives are what a person should compare with the page image ("Có thể đọc là: …")."""

    word: int = Field(ge=0)  # index into Page.words
    text: str
    source: AltSource
    confidence: float | None = None  # the reading's own confidence in [0, 1], when it has one


class Page(BaseModel):
    number: int = Field(ge=1)
    width: float  # points
    height: float  # points
    rotation: int = 0  # degrees the page image was rotated before OCR
    method: PageMethod
    text: str = ""  # NFC-normalised page text, lines joined with "\n"
    words: Words = Field(default_factory=Words)
    layer_score: float | None = None  # share of valid Vietnamese syllables in the text layer
    ocr_confidence: float | None = None  # mean word confidence of the OCR, [0, 1]
    alternatives: list[WordAlternative] = []  # other readings of words whose digits were not confirmed
    decision: str = ""  # why this method was chosen (shown to operators)
    error: ErrorInfo | None = None


class FileKind(str, Enum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    ZIP = "zip"
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    UNKNOWN = "unknown"


class IngestedFile(BaseModel):
    """One evidence file after ingest. ``status == 'error'`` means the file failed alone."""

    name: str  # path inside the submission, with forward slashes
    sha256: str = ""
    size: int = 0
    kind: FileKind = FileKind.UNKNOWN
    status: str = "ok"  # "ok" | "error"
    error: ErrorInfo | None = None
    notes: list[str] = []  # e.g. "repaired by MuPDF", "EXIF rotation applied"
    page_count: int = 0
    pages: list[Page] = []
    pipeline_version: str = ""
    from_cache: bool = False
    signatures: list[Signature] = []  # digital signatures of a PDF (ingest/signatures.py)

    @property
    def pages_ocr(self) -> list[int]:
        return [p.number for p in self.pages if p.method == PageMethod.OCR]
