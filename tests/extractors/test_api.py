from extractors import extract, extract_text
from models.pages import IngestedFile
from tests.extractors.helpers import CORPUS, ocr_page, text_page


def test_extract_text_news():
    ex = extract_text((CORPUS / "news" / "dongnai-par-index-plan-2024.txt").read_text(encoding="utf-8"), name="n.txt")
    assert ex.file == "n.txt" and ex.pages == 1 and ex.status == "ok"
    assert [r.number for r in ex.references] == ["1143/QĐ-UBND", "1143/QĐ-UBND"]
    assert all(r.issued_on == "2024-04-24" for r in ex.references)
    assert any(m.value == 70 and m.qualifier.value == "ge" for m in ex.metrics)


def test_extract_resolves_across_pages_and_uses_year_hint():
    p1 = text_page("UBND TỈNH ĐỒNG NAI\nSố: 15/KH-STP\nĐồng Nai, ngày 20 tháng 02 năm 2024\nKẾ HOẠCH\n"
                   "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;", 1)
    p2 = ocr_page("thực hiện Nghị quyết số 76/NQ-CP; báo cáo trước Ngày 31/12", number=2)
    f = IngestedFile(name="kh.pdf", status="ok", page_count=2, pages=[p1, p2])
    ex = extract(f)
    assert ex.document.number == "15/KH-STP"
    assert ex.references[1].page == 2 and ex.references[1].resolved_to == 0
    assert ex.references[1].issued_on == "2021-07-15"
    assert any(d.value == "2024-12-31" and d.role.value == "deadline" for d in ex.dates)
    assert ex.pages_ocr == [2]


def test_extract_error_file():
    f = IngestedFile(name="bad.pdf", status="error", pages=[])
    assert extract(f).status == "error"


def test_spacy_pipeline():
    from extractors.spacy_pipeline import make_nlp

    nlp = make_nlp()
    doc = nlp("Theo Quyết định số 1143/QĐ-UBND ngày 24/4/2024, tỷ lệ đạt 97,35%.")
    assert [s.text for s in doc.spans["references"]] == ["1143/QĐ-UBND"]
    assert [s.label_ for s in doc.spans["dates"]] == ["REFERENCE"]
    assert [s.text for s in doc.spans["metrics"]] == ["97,35%"]
    assert doc._.references[0].issued_on == "2024-04-24"
