"""Digital signatures of evidence PDFs (ingest/signatures.py), on PDFs signed in test setup with pyHanko
by a self-signed CA's certificate (O=UBND TỈNH ĐỒNG NAI, CN=Nguyễn Văn A): intact or not, changed
after signing or not, who signed and when; trust is never claimed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pymupdf
import pytest

from ingest import ingest_file, ingest_files, merge_parts
from ingest.archive import Entry
from ingest.signatures import has_signature_fields, read_signatures
from models.pages import FileKind
from tests.support.signing import ORG, PERSON, add_text, append_page, encrypt_empty_password, make_keys, sign, text_pdf

PAGES = ["UBND TỈNH ĐỒNG NAI\nSỞ TƯ PHÁP\nSố: 15/KH-STP\nKẾ HOẠCH\nCải cách hành chính năm 2024",
         "Điều 1. Tổ chức thực hiện.\nGIÁM ĐỐC\nPhạm Thị Thu Hà"]


@pytest.fixture(scope="module")
def keys():
    return make_keys()


@pytest.fixture(scope="module")
def signed(keys) -> bytes:
    return sign(text_pdf(PAGES), keys)


def _write(tmp_path, data: bytes, name: str = "doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_intact_unmodified_signature_reports_signer_time_and_no_trust(tmp_path, signed):
    before = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    [sig] = read_signatures(_write(tmp_path, signed))
    assert sig.error is None
    assert sig.field_name == "Signature1" and sig.kind == "signature"
    assert sig.intact is True
    assert sig.modified_after_signing is False
    assert sig.coverage == "entire_file" and sig.modification_level == "none"
    assert sig.signer_organization == ORG and sig.signer_name == PERSON
    assert f"CN={PERSON}" in sig.signer_subject and f"O={ORG}" in sig.signer_subject
    assert "Test CA kiemchung" in sig.certificate_issuer
    assert sig.signing_time_source == "signed_attribute"
    assert dt.datetime.fromisoformat(sig.signing_time) >= before
    assert sig.trust == "not_verified" and sig.trust_vi == "chưa kiểm tra với danh sách tin cậy"
    assert "valid" not in json.dumps(sig.model_dump()).replace("not_verified", "")


def test_timestamp_token_time_is_the_signing_time(tmp_path, keys):
    at = dt.datetime(2024, 1, 19, 18, 30, tzinfo=dt.UTC)
    [sig] = read_signatures(_write(tmp_path, sign(text_pdf(PAGES), keys, at=at)))
    assert sig.intact is True
    assert sig.signing_time_source == "timestamp_token"
    assert dt.datetime.fromisoformat(sig.signing_time) == at


@pytest.mark.parametrize("change", [append_page, add_text], ids=["page appended", "text added"])
def test_incremental_update_after_signing_is_a_modification(tmp_path, signed, change):
    changed = change(signed)
    assert changed.startswith(signed)  # an incremental update: the signed bytes are untouched
    [sig] = read_signatures(_write(tmp_path, changed))
    assert sig.intact is True  # the signed revision is still what was signed …
    assert sig.coverage == "entire_revision"
    assert sig.modified_after_signing is True  # … but the file is not that revision any more
    assert sig.modification_level == "other"


def test_a_second_signature_is_not_a_modification_of_the_first(tmp_path, keys, signed):
    first, second = read_signatures(_write(tmp_path, sign(signed, keys, field="Signature2")))
    assert (first.field_name, second.field_name) == ("Signature1", "Signature2")
    assert first.intact and second.intact
    assert first.coverage == "entire_revision" and first.modification_level == "form_filling"
    assert first.modified_after_signing is False and second.modified_after_signing is False


def test_bytes_changed_inside_the_signed_range_break_the_signature(tmp_path, signed):
    assert signed.count(b"/Producer(MuPDF") == 1
    tampered = signed.replace(b"/Producer(MuPDF", b"/Producer(MuPDG")  # same length, inside the byte range
    [sig] = read_signatures(_write(tmp_path, tampered))
    assert sig.error is None
    assert sig.intact is False
    assert sig.signer_name == PERSON  # who claims to have signed is still reported


def test_encrypted_pdf_with_empty_user_password_is_checked(tmp_path, keys, settings):
    data = sign(encrypt_empty_password(text_pdf(PAGES)), keys, encrypted=True)
    assert b"/Encrypt" in data
    path = _write(tmp_path, data, "encrypted.pdf")
    [sig] = read_signatures(path)
    assert sig.error is None and sig.intact is True and sig.modified_after_signing is False
    assert sig.signer_name == PERSON
    f = ingest_file(path, settings=settings)  # and through the pipeline
    assert f.status == "ok" and any("encrypted" in n for n in f.notes)
    assert [s.field_name for s in f.signatures] == ["Signature1"] and f.signatures[0].intact


def test_unsigned_pdf_has_no_signatures_and_is_not_handed_to_pyhanko(tmp_path):
    plain = _write(tmp_path, text_pdf(PAGES))
    assert read_signatures(plain) == []
    doc = pymupdf.open()  # a form without a signature field
    page = doc.new_page()
    w = pymupdf.Widget()
    w.field_type, w.field_name, w.field_value = pymupdf.PDF_WIDGET_TYPE_TEXT, "ho_ten", "x"
    w.rect = pymupdf.Rect(50, 50, 250, 70)
    page.add_widget(w)
    form = _write(tmp_path, doc.tobytes(), "form.pdf")
    doc.close()
    with pymupdf.open(str(form)) as d:
        assert d.is_form_pdf and not has_signature_fields(d)
    assert read_signatures(form) == []


def test_signature_fields_are_found_without_sigflags(tmp_path, signed):
    no_flags = signed.replace(b"/SigFlags 3", b"/SigFlagz 3")
    assert no_flags != signed
    path = _write(tmp_path, no_flags)
    with pymupdf.open(str(path)) as d:
        assert d.get_sigflags() <= 0 and has_signature_fields(d)
    [sig] = read_signatures(path)
    assert sig.field_name == "Signature1" and sig.signer_name == PERSON


@pytest.mark.parametrize("corrupt", ["byte range", "contents"])
def test_corrupt_signature_dictionary_is_a_signature_with_an_error(tmp_path, signed, corrupt):
    if corrupt == "byte range":
        data = signed.replace(b"/ByteRange", b"/ByteRangX")
    else:
        at = signed.index(b"/Contents <") + len(b"/Contents <")
        data = signed[:at] + b"0" * 40 + signed[at + 40:]  # the CMS blob is no longer DER
    [sig] = read_signatures(_write(tmp_path, data))
    assert sig.field_name == "Signature1"
    assert sig.error and sig.intact is None and sig.modified_after_signing is None
    assert sig.trust == "not_verified"


def test_read_from_inside_a_running_event_loop(tmp_path, signed):
    """pyHanko's synchronous API runs its own event loop; an async caller still gets the result."""
    path = _write(tmp_path, signed)

    async def caller():
        return read_signatures(path)

    [sig] = asyncio.run(caller())
    assert sig.intact is True and sig.signer_name == PERSON


def test_not_a_pdf_gives_no_signatures(tmp_path):
    assert read_signatures(_write(tmp_path, b"not a pdf at all", "x.pdf")) == []


def test_pipeline_reads_signatures_once_for_a_long_file_and_merge_keeps_them(tmp_path, keys, settings):
    path = _write(tmp_path, sign(text_pdf(PAGES), keys), "long.pdf")
    whole = ingest_file(path, settings=settings)
    assert [s.signer_name for s in whole.signatures] == [PERSON]
    parts = [ingest_file_range(path, first, last, settings) for first, last in ((1, 1), (2, 2))]
    assert len(parts[0].signatures) == 1 and parts[1].signatures == []  # read with the first pages only
    merged = merge_parts(parts)
    assert merged.signatures == whole.signatures and [p.number for p in merged.pages] == [1, 2]


def ingest_file_range(path, first: int, last: int, settings):
    return ingest_files([Entry(name=path.name, path=path, kind=FileKind.PDF, pages=(first, last))],
                        settings=settings)[0]
