"""Page text assembly: offsets, lines, normalisation, and the unvalidated Word/Box fast path."""

import copy
import pickle

import numpy as np
import pymupdf

from ingest.normalize import _LETTERS, _retone_syllable, normalize_tone_style
from ingest.pagetext import RawWords, _build_slow, build_page_text
from ingest.pdf import _line_order, triage_page
from models.pages import Page, PageMethod, Word
from models.provenance import Box

from .builders import CORPUS, VIET_LINES, text_pdf


def raw(lines):
    return RawWords.from_lines([[(t, float(i), 1.0, i + 0.5, 2.0, 0.9) for i, t in enumerate(line)] for line in lines])


def check_offsets(text, words):
    for w in words:
        assert text[w.start:w.end] == w.text


def test_words_lines_and_offsets():
    text, words = build_page_text(raw([["Số:", "1143/QĐ-UBND"], ["Đồng", "Nai"]]))
    assert text == "Số: 1143/QĐ-UBND\nĐồng Nai"
    check_offsets(text, words)
    assert [w.line for w in words] == [0, 0, 1, 1]
    assert words[1].box == Box(x0=1.0, y0=1.0, x1=1.5, y1=2.0) and words[1].confidence == 0.9


def test_words_are_normalised_before_offsets():
    text, words = build_page_text(raw([["CỘNG", "HOÀ"], ["thuỷ", "Ðồng"]]))
    assert text == "CỘNG HÒA\nthủy Đồng"
    check_offsets(text, words)


def test_word_that_splits_or_vanishes_takes_the_slow_path():
    lines = [["a\u2003b", "\u200b", "c"], ["\u200b"], ["d"]]
    text, words = build_page_text(raw(lines))
    assert text == "a b c\nd"
    assert [w.text for w in words] == ["a", "b", "c", "d"]
    assert [w.line for w in words] == [0, 0, 0, 1]
    check_offsets(text, words)
    assert words[0].box == words[1].box  # the pieces of one word share its box


def test_fast_path_matches_slow_path_and_validated_models():
    lines = [line.split() for line in VIET_LINES]
    fast_text, fast = build_page_text(raw(lines))
    slow_text, slow = _build_slow(raw(lines))
    assert fast_text == slow_text and fast == slow
    for w in fast:
        checked = Word.model_validate(w.model_dump())
        assert checked == w and checked.model_dump_json() == w.model_dump_json()
        assert w.model_fields_set == checked.model_fields_set
    page = Page(number=1, width=595, height=842, method=PageMethod.TEXT_LAYER, text=fast_text, words=fast)
    assert Page.model_validate_json(page.model_dump_json()) == page


def test_fast_built_words_behave_like_models():
    _, words = build_page_text(raw([["một", "hai"]]))
    w = words[0]
    clone = w.model_copy(update={"text": "ba"})
    assert clone.text == "ba" and w.text == "một"
    w2 = copy.deepcopy(words[1])
    w2.text = "bốn"
    assert words[1].text == "hai" and w2.text == "bốn"
    assert pickle.loads(pickle.dumps(w)) == w
    assert "text='một'" in repr(w)


def test_empty_page():
    assert build_page_text(RawWords()) == ("", [])


def test_tone_style_fast_scan_equals_word_by_word_reference():
    sample = (CORPUS / "laws").glob("*.txt")
    texts = [next(sample).read_text(encoding="utf-8")[:20000] for _ in range(3)]
    texts.append("hoà Hoà HOÀ thuỷ khoẻ quý uỷ ban hoàng thuyền xhoàtoá aaaaaaoà Hoà2 _hoà hoà_ 3hoà")
    for t in texts:
        t = t.replace("hòa", "hoà").replace("thủy", "thuỷ")
        assert normalize_tone_style(t) == _LETTERS.sub(lambda m: _retone_syllable(m.group(0)), t)


def _order_columns(words):
    x0, y0, _, _, _, blocks, lines, _ = zip(*words, strict=True)
    return np.array(x0, dtype=float), np.array(y0, dtype=float), blocks, lines


def _in_reading_order(words):
    order, _ = _line_order(*_order_columns(words))
    return words if order is None else [words[i] for i in order]


def test_reading_order_moves_whole_blocks_only():
    words = [
        (300, 500, 320, 510, "dưới", 0, 0, 0), (330, 500, 350, 510, "cùng", 0, 0, 1),
        (72, 90, 100, 100, "trên", 1, 0, 0), (72, 110, 100, 120, "hai", 1, 1, 0),
    ]
    assert [w[4] for w in _in_reading_order(words)] == ["trên", "hai", "dưới", "cùng"]
    in_order = words[2:] + words[:2]
    assert _line_order(*_order_columns(in_order))[0] is None  # nothing moves


def test_text_layer_page_rows_match_pymupdf_words():
    page = pymupdf.open(stream=text_pdf(VIET_LINES), filetype="pdf")[0]
    t = triage_page(page, 0.75)
    ref = [w for w in page.get_text("words") if w[4].strip()]
    assert t.words.texts == [w[4] for w in ref]
    for got, col in ((t.words.x0, 0), (t.words.y0, 1), (t.words.x1, 2), (t.words.y1, 3)):
        assert list(got) == [w[col] for w in ref]  # MuPDF's values, unrounded


def test_normalized_texts_fast_path_only_when_nothing_would_change():
    from ingest.pagetext import normalized_texts

    words = ["Quyết", "định", "số", "1143/QĐ-UBND"]
    assert normalized_texts(words) == words
    assert normalized_texts(["thuỷ", "lợi"]) == ["thủy", "lợi"]
    for odd in (["a\u00a0b", "c"], ["a", ""], ["", "a"], ["a\nb"], ["a\tb"]):
        assert normalized_texts(odd) is None, odd


def test_inner_space_class_is_every_split_character_but_newline():
    from ingest.pagetext import _INNER_SPACE

    splitting = {chr(c) for c in range(0x110000) if chr(c).isspace()} - {"\n"}
    assert {ch for ch in map(chr, range(0x110000)) if _INNER_SPACE.match(ch)} == splitting
