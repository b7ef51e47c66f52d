"""Page words as columns: what is stored, sent and read back."""

import copy
import json
import pickle

import pytest
from pydantic import ValidationError

from models.pages import Page, PageMethod, Word, Words
from models.provenance import Box


def _page(words) -> Page:
    return Page(number=1, width=595, height=842, method=PageMethod.OCR, text="Số: 1143/QĐ-UBND", words=words)


WORDS = [
    Word(text="Số:", start=0, end=3, box=Box(x0=72, y0=90, x1=90.5, y1=102), confidence=0.91, line=0),
    Word(text="1143/QĐ-UBND", start=4, end=16, box=Box(x0=93, y0=90, x1=170.25, y1=102), confidence=0.62, line=0),
]


def test_words_given_as_models_read_back_as_models():
    page = _page(WORDS)
    assert isinstance(page.words, Words) and len(page.words) == 2
    assert list(page.words) == WORDS and page.words[1] == WORDS[1] and page.words == WORDS
    assert page.words[1].box == Box(x0=93, y0=90, x1=170.25, y1=102)
    assert page.words[-1].text == "1143/QĐ-UBND" and page.words[:1] == WORDS[:1]
    assert page.words.confidence[1] == 0.62 and page.words.start.tolist() == [0, 4]


def test_json_is_columns_and_round_trips():
    page = _page(WORDS)
    data = json.loads(page.model_dump_json())
    assert data["words"]["text"] == ["Số:", "1143/QĐ-UBND"]
    assert data["words"]["x1"] == [90.5, 170.25] and data["words"]["line"] == [0, 0]
    assert Page.model_validate_json(page.model_dump_json()) == page
    assert Page.model_validate(page.model_dump()) == page


def test_pages_stored_with_words_as_a_list_still_load():
    legacy = {"number": 1, "width": 595, "height": 842, "method": "ocr", "text": "Số: 1143/QĐ-UBND",
              "words": [w.model_dump() for w in WORDS]}
    assert Page.model_validate(legacy).words == WORDS


def test_pickle_and_copies_are_independent():
    page = _page(WORDS)
    again = pickle.loads(pickle.dumps(page))
    assert again == page
    deep = copy.deepcopy(page)
    deep.words.text[0] = "Số"
    assert page.words.text[0] == "Số:"


@pytest.mark.parametrize("bad", [
    {"text": ["a"], "start": [0], "end": [1], "x0": [0.0], "y0": [0.0], "x1": [1.0]},  # y1 missing
    {"text": ["a", "b"], "start": [0], "end": [1], "x0": [0.0], "y0": [0.0], "x1": [1.0], "y1": [1.0]},
    {"text": ["a"], "start": ["0"], "end": [1], "x0": [0.0], "y0": [0.0], "x1": [1.0], "y1": [1.0]},
    {"text": [1], "start": [0], "end": [1], "x0": [0.0], "y0": [0.0], "x1": [1.0], "y1": [1.0]},
    "words",
])
def test_malformed_columns_are_validation_errors(bad):
    with pytest.raises(ValidationError):
        _page(bad)


def test_json_schema_describes_the_columns():
    schema = Page.model_json_schema()
    words = schema["properties"]["words"]
    assert words["type"] == "object" and words["properties"]["x0"] == {"type": "array", "items": {"type": "number"}}
    assert set(words["required"]) == {"text", "start", "end", "x0", "y0", "x1", "y1"}
