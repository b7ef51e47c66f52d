import dataclasses
import hashlib

import pytest

from ingest import LocalBlobStore, digits, ingest_file, pipeline, store
from ingest.store import ResultCache, result_cache_for
from models import PIPELINE_VERSION
from models.settings import Settings

from .builders import VIET_LINES, png_bytes, text_pdf, write


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


@pytest.fixture
def cache_text_files(monkeypatch):
    """Cache text-layer files too, so cache mechanics can be tested on fast text PDFs."""
    monkeypatch.setattr(pipeline, "CACHE_TEXT_LAYER_FILES", True)


def test_text_layer_files_are_not_cached_by_default(tmp_path, settings):
    data = text_pdf(VIET_LINES)
    first = ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    again = ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    assert first.status == again.status == "ok" and not again.from_cache
    assert again.pages == first.pages
    assert LocalBlobStore(settings.resolved_blob_dir).has(first.sha256)  # the viewer still needs the blob
    assert not list(result_cache_for(settings).root.rglob("*.json"))


def test_files_that_went_to_ocr_are_cached(tmp_path, settings):
    blank = png_bytes((400, 300), color=255)  # an image: one OCR job (blank, so Tesseract never runs)
    first = ingest_file(write(tmp_path, "trang.png", blank), settings=settings)
    again = ingest_file(write(tmp_path, "copy.png", blank), settings=settings)
    assert not first.from_cache and again.from_cache and again.name == "copy.png"
    assert again.pages == first.pages


@pytest.mark.usefixtures("cache_text_files")
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


@pytest.mark.usefixtures("cache_text_files")
def test_cache_key_includes_ocr_settings(tmp_path, settings):
    data = text_pdf(VIET_LINES[:3])
    ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    other = Settings(data_dir=settings.data_dir, workers=1, ocr_dpi=200)
    assert not ingest_file(write(tmp_path, "kh.pdf", data), settings=other).from_cache
    assert ingest_file(write(tmp_path, "kh.pdf", data), settings=settings).from_cache


def test_cache_key_includes_the_number_check_policy(monkeypatch):
    # a recalibrated ingest/data/digits.yaml changes which OCR numbers come out confirmed
    settings = Settings(data_dir="/tmp/unused")
    before = store.cache_key("ab" * 32, settings)
    looser = dataclasses.replace(digits.policy(), max_words=digits.policy().max_words + 1)
    monkeypatch.setattr(digits, "policy", lambda: looser)
    assert store.cache_key("ab" * 32, settings) != before


def test_errors_of_bad_files_are_not_served_from_someone_elses_cache(tmp_path, settings):
    r = ingest_file(write(tmp_path, "rong.pdf", b""), settings=settings)
    assert r.status == "error" and not r.from_cache


@pytest.mark.usefixtures("cache_text_files")
def test_corrupt_cache_entry_is_ignored(tmp_path, settings):
    data = text_pdf(VIET_LINES[:2])
    r = ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    cache = result_cache_for(settings)
    assert isinstance(cache, ResultCache)
    for f in cache.root.rglob("*.json"):
        f.write_text("{not json")
    again = ingest_file(write(tmp_path, "kh.pdf", data), settings=settings)
    assert again.status == "ok" and not again.from_cache and again.pages == r.pages
