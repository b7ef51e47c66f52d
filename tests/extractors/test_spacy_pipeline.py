"""The spaCy components: raw-text matches mapped onto tokens with alignment_mode="expand"."""

import pytest

from extractors.spacy_pipeline import make_nlp

TEXT = ("Căn cứ Luật số 72/2020/QH14 và Quyết định (số 1143/QĐ-UBND) ngày24/4/2024; "
        "tỷ lệ hồ sơ đúng hạn đạt 97,35%, tiếp nhận 291.899 hồ sơ.")


@pytest.fixture(scope="module")
def doc():
    return make_nlp()(TEXT)


def test_references_split_by_the_tokenizer_become_one_span(doc):
    spans = doc.spans["references"]
    assert [s.text for s in spans] == ["72/2020/QH14", "1143/QĐ-UBND"]
    assert [len(s) for s in spans] == [3, 5]  # 72/2020 / QH14 ; 1143 / QĐ - UBND
    assert [s.label_ for s in spans] == ["REF", "QĐ"]
    for s, r in zip(spans, doc._.references, strict=True):
        assert (s.start_char, s.end_char) == (r.start, r.end)
        assert TEXT[r.start:r.end] == r.text
    assert [r.number for r in doc._.references] == ["72/2020/QH14", "1143/QĐ-UBND"]


def test_expand_covers_a_match_inside_a_token(doc):
    (date,) = doc._.dates
    assert date.text == "24/4/2024" and date.value == "2024-04-24"
    (span,) = doc.spans["dates"]
    assert span.text == "ngày24/4/2024"  # the token holds more than the match: expanded, not dropped
    assert span.start_char <= date.start and span.end_char >= date.end


def test_metric_spans_and_objects(doc):
    assert [(s.text, s.label_) for s in doc.spans["metrics"]] == [("97,35%", "PERCENT"), ("291.899 hồ sơ", "COUNT")]
    pct, count = doc._.metrics
    assert pct.value == 97.35 and pct.subject.lower().startswith("tỷ lệ hồ sơ đúng hạn")
    assert count.value == 291899 and count.unit == "hồ sơ"


def test_metric_subjects_end_on_word_boundaries(monkeypatch):
    """underthesea's word segmentation moves a subject cut at 16 syllables out of a compound."""
    import extractors.metric_subjects as M

    text = ("Trong thời gian bị tạm đình chỉ công việc, người lao động được tạm ứng 50% tiền lương "
            "hằng tháng của họ trong thời gian trước khi bị tạm đình chỉ công việc.")
    snapped = make_nlp()(text)._.metrics[0].subject
    monkeypatch.setattr(M, "SNAP_SUBJECTS", False)
    plain = make_nlp()(text)._.metrics[0].subject
    assert plain.endswith("đình chỉ công")  # cut inside "công việc"
    assert snapped.endswith("đình chỉ công việc") and snapped.startswith(plain)
