"""The page pool: two worker processes, results in order, progress events."""

from ingest import Entry, ProcessExecutor, SerialExecutor, detect_kind, ingest_files, make_executor
from models.pages import PageMethod
from models.settings import Settings

from .builders import VIET_LINES, raster_pdf, text_pdf, write


def _square(x):
    return x * x


def test_serial_and_pool_executors():
    with make_executor(1) as ex:
        assert isinstance(ex, SerialExecutor)
        assert ex.submit(_square, 7).result() == 49
    assert isinstance(make_executor(4, jobs=1), SerialExecutor)
    with make_executor(2, jobs=5) as ex:
        assert isinstance(ex, ProcessExecutor) and ex.workers == 2
        assert sorted(f.result() for f in [ex.submit(_square, i) for i in range(5)]) == [0, 1, 4, 9, 16]


def entries_for(paths):
    return [Entry(name=p.name, path=p, kind=detect_kind(p)) for p in paths]


def test_pool_of_two_workers_with_progress(tmp_path):
    s = Settings(data_dir=tmp_path / "data", workers=2)
    born = text_pdf(VIET_LINES)
    scan_a = raster_pdf(born, dpi=200)
    scan_b = raster_pdf(text_pdf(VIET_LINES[:5]), dpi=200)
    two_pages = text_pdf(VIET_LINES[:2])
    import pymupdf

    doc = pymupdf.open(stream=two_pages, filetype="pdf")
    doc.insert_pdf(pymupdf.open(stream=scan_b, filetype="pdf"))  # page 1 text layer, page 2 scan
    paths = [write(tmp_path, "a-scan.pdf", scan_a), write(tmp_path, "b-born.pdf", born),
             write(tmp_path, "c-mixed.pdf", doc.tobytes()), write(tmp_path, "d-empty.pdf", b"")]
    events = []
    results = ingest_files(entries_for(paths), settings=s, progress=events.append)

    assert [r.name for r in results] == [p.name for p in paths]
    assert [r.status for r in results] == ["ok", "ok", "ok", "error"]
    assert results[0].pages_ocr == [1] and results[1].pages_ocr == []
    assert [p.method for p in results[2].pages] == [PageMethod.TEXT_LAYER, PageMethod.OCR]
    assert "1143/QĐ-UBND" in results[0].pages[0].text

    page_events = [e for e in events if not e.file_done]
    file_events = [e for e in events if e.file_done]
    assert len(page_events) == 4  # 1 + 1 + 2 pages
    assert sorted(e.file for e in file_events) == [p.name for p in paths]
    assert {e.method for e in page_events} == {PageMethod.OCR, PageMethod.TEXT_LAYER}
    assert [e.overall_pages_done for e in page_events] == [1, 2, 3, 4]
    assert [e.files_done for e in file_events] == [1, 2, 3, 4]
    last = events[-1]
    assert last.files_total == 4 and last.overall_pages_total == 4 and last.overall_pages_done == 4
    mixed = [e for e in page_events if e.file == "c-mixed.pdf"]
    assert sorted(e.pages_done for e in mixed) == [1, 2] and all(e.pages_total == 2 for e in mixed)
    assert next(e for e in file_events if e.file == "d-empty.pdf").status == "error"

    again = []
    cached = ingest_files(entries_for(paths[:1]), settings=s, progress=again.append)
    assert cached[0].from_cache
    assert again[-1].file_done and again[-1].from_cache and again[-1].pages_done == 1


def test_a_broken_progress_callback_does_not_break_ingest(tmp_path, settings):
    def boom(event):
        raise RuntimeError("progress bar crashed")

    p = write(tmp_path, "kh.pdf", text_pdf(VIET_LINES[:2]))
    assert ingest_files(entries_for([p]), settings=settings, progress=boom)[0].status == "ok"
