import pytest

from extractors.subjects import whole_word_before, whole_word_end


@pytest.mark.parametrize("core, after, expected", [
    # the head of a long clause cut inside "cá nhân" (vbpl/doc_000167) is finished with "nhân"
    ("Mức phạt tiền áp dụng đối với cá".split(), "nhân là người".split(), ["nhân"]),
    # a cut at a word boundary, or before no letters, takes nothing
    ("Mức phạt tiền áp dụng đối với".split(), "cá nhân là".split(), []),
    ("Khối lượng các học phần".split(), ["(%)"], []),
    (["Dự", "toán"], [], []),
])
def test_whole_word_end(core, after, expected):
    pytest.importorskip("underthesea")
    assert whole_word_end(core, after) == expected


@pytest.mark.parametrize("core, before, expected", [
    # a tail cut inside "trường hợp" (laws/ Luật Nhà ở 2014) begins with "trường"
    ("hợp người thuê mua có điều kiện".split(), "thuê mua, trừ trường".split(), ["trường"]),
    ("người thuê mua có điều kiện".split(), "trừ trường hợp".split(), []),
])
def test_whole_word_before(core, before, expected):
    pytest.importorskip("underthesea")
    assert whole_word_before(core, before) == expected
