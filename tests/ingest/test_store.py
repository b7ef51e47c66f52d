import hashlib

from ingest import LocalBlobStore, ingest_file
from ingest.store import ResultCache, result_cache_for
from models import PIPELINE_VERSION
from models.settings import Settings

from .builders import VIET_LINES, text_pdf, write


def test_blob_store_layout_and_idempotence(tmp_path):
    data = b"%PDF-1.4 evidence bytes"
    src = write(tmp_path, "a.pdf", data)
    store = LocalBlobStore(tmp_path / "blobs")
    sha = store.put_file(src)
    assert sha == hashlib.sha256(data).hexdigest()
    path = store.local_path(sha)
    assert path == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert store.has(sha) and store.get_bytes(sha) == data
    assert store.put_file(src) == sha
    assert not any(p.name.startswith(".tmp") for p in path.parent.iterdir())


def test_ingest_stores_blob_and_reuses_cached_result(tmp_path, settings):
    data = text_pdf(VIET_LINES)
    first = ingest_file(write(tmp_path, "a/kh.pdf", data), "1.1.1/kh.pdf", settings=settings)
    assert first.status == "ok" and not first.from_cache
    assert first.pipeline_version == PIPELINE_VERSION and first.size == len(data)
    assert LocalBlobStore(settings.resolved_blob_dir).has(first.sha256)
    second = ingest_file(write(tmp_path, "b/copy.pdf", data), "3.2.1/copy.pdf", settings=settings)
    assert second.from_cache
    assert second.name == "3.2.1/copy.pdf"
    assert second.pages == first.pages and second.sha256 == first.sha256


def test_cache_key_includes_ocr_settings(tmp_path, settings):
    data = text_pdf(VIET_LINES[:3])
    ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    other = Settings(data_dir=settings.data_dir, workers=1, ocr_dpi=200)
    assert not ingest_file(write(tmp_path, "kh.pdf", data), settings=other).from_cache
    assert ingest_file(write(tmp_path, "kh.pdf", data), settings=settings).from_cache


def test_errors_of_bad_files_are_not_served_from_someone_elses_cache(tmp_path, settings):
    r = ingest_file(write(tmp_path, "rong.pdf", b""), settings=settings)
    assert r.status == "error" and not r.from_cache


def test_corrupt_cache_entry_is_ignored(tmp_path, settings):
    data = text_pdf(VIET_LINES[:2])
    r = ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    cache = result_cache_for(settings)
    assert isinstance(cache, ResultCache)
    for f in cache.root.rglob("*.json"):
        f.write_text("{not json")
    again = ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    assert again.status == "ok" and not again.from_cache and again.pages == r.pages
