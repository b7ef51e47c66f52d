"""Bad uploads get a specific error code and a Vietnamese reason — via REST, the web form and `kiemchung check` —
never a 500, a plain-text body or a misleading NO_SHEET. Real PostgreSQL, the in-process queue, real files."""

from __future__ import annotations

import io
import json
import logging
import os
import random
import subprocess
import sys
import tracemalloc
import zipfile

import pytest
from fastapi.testclient import TestClient

from api.service.tokens import create_token
from tests.api.helpers import poll
from tests.api.ui.test_web_ui import login
from tests.ingest.builders import VIET_LINES, text_pdf
from tests.ingest.test_archive import make_zip
from tests.verifier.test_sheet import _cells_xml, _rewrite_sheet, _xlsx

PDF = text_pdf(VIET_LINES[:3])
SHEET_CSV = ("BẢNG TỰ ĐÁNH GIÁ NĂM 2024\nĐơn vị: Sở Tư pháp tỉnh Đồng Nai\n"
             "STT;Mã tiêu chí;Điểm tối đa;Điểm tự đánh giá;Tài liệu kiểm chứng\n1;1.1.1;1;1;ok.pdf\n").encode()


@pytest.fixture()
def token(svc):
    return create_token(svc.db, "appraiser")


def H(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def _post(client, token, name: str, data: bytes, **form):
    return client.post("/submissions", headers=H(token), files={"files": (name, data, "application/octet-stream")},
                       data=form)


def _error(r, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    err = r.json()["error"]
    assert err["code"] == code and err["message"] and err["message_vi"], err
    return err


def _many_entries() -> bytes:
    return _zip([(f"f{i}.pdf", b"x") for i in range(5001)])


def _random_bytes() -> bytes:
    return random.Random(3).randbytes(20_000)


def _all_encrypted(tmp_path) -> bytes:
    return make_zip(tmp_path / "enc.zip", {"bang.csv": SHEET_CSV, "x.pdf": PDF},
                    encrypted={"bang.csv", "x.pdf"}).read_bytes()


def _million_cells(tmp_path) -> bytes:
    p = _xlsx(tmp_path / "big.xlsx")
    _rewrite_sheet(p, _cells_xml(100_000, 10, dimension="A1:J100005"))
    return p.read_bytes()


# --------------------------------------------------------------------------- bad ZIP entries: rejected alone

@pytest.mark.parametrize("entries,bad", [
    ([("x.pdf", PDF), ("x.pdf/y.pdf", PDF)], "x.pdf/y.pdf"),
    ([("a/x.pdf/y.pdf", PDF), ("a/x.pdf", PDF)], "a/x.pdf"),
    ([("a" * 300 + ".pdf", PDF)], None),
    ([("/".join(["d"] * 3000) + "/z.pdf", PDF)], None),
])
def test_bad_entry_is_rejected_alone_and_the_submission_proceeds(client, token, entries, bad):
    r = _post(client, token, "nop.zip", _zip([("bang.csv", SHEET_CSV), *entries, ("ok.pdf", PDF)]))
    assert r.status_code == 202, r.text
    sub = poll(lambda: client.get(f"/submissions/{r.json()['id']}", headers=H(token)).json(),
               until=lambda j: j["status"] in ("done", "failed"))
    errors = {f["name"]: f["error"]["code"] for f in sub["files"] if f["error"]}
    assert list(errors.values()) == ["UNSAFE_PATH"], errors
    if bad:
        assert list(errors) == [bad]
    assert {f["name"] for f in sub["files"] if f["status"] == "ok"} >= {"ok.pdf"}


# --------------------------------------------------------------------------- the real reason, not NO_SHEET

def test_refused_archives_carry_the_real_code(client, token, tmp_path):
    err = _error(_post(client, token, "nhieu.zip", _many_entries()), 422, "ZIP_BOMB")
    assert "5001" in err["message"] and "5000" in err["message"]
    assert "5001" in err["message_vi"] and "5000" in err["message_vi"]
    err = _error(_post(client, token, "x.zip", _random_bytes()), 422, "CORRUPT_ARCHIVE")
    assert "x.zip" in err["message_vi"] and "CORRUPT_ARCHIVE" in err["message_vi"]
    err = _error(_post(client, token, "hong.zip", b"PK\x03\x04" + b"\x00" * 64), 422, "CORRUPT_ARCHIVE")
    assert "hong.zip" in err["message_vi"]
    err = _error(_post(client, token, "mat-khau.zip", _all_encrypted(tmp_path)), 422, "ENCRYPTED_ARCHIVE_ENTRY")
    assert "bang.csv" in err["message_vi"]


def test_a_lone_evidence_file_is_told_the_sheet_is_missing(client, token):
    err = _error(_post(client, token, "a.pdf", b"%PDF-1.4 not really"), 422, "NO_SHEET")
    assert "a.pdf" in err["message_vi"] and "một tệp minh chứng" in err["message_vi"]
    assert "bảng tự đánh giá" in err["message_vi"]


def test_a_sheet_refused_inside_the_zip_is_named(client, token, tmp_path):
    data = make_zip(tmp_path / "s.zip", {"bang.csv": SHEET_CSV, "x.pdf": PDF}, encrypted={"bang.csv"}).read_bytes()
    err = _error(_post(client, token, "nop.zip", data), 422, "ENCRYPTED_ARCHIVE_ENTRY")
    assert "bang.csv" in err["message_vi"]


# --------------------------------------------------------------------------- sheets

@pytest.mark.parametrize("name,content,code,words", [
    ("s.json", json.dumps({"unit": 5, "claims": [{"code": "1.1.1", "claimed_score": 1}]}).encode(),
     "SHEET_INVALID", "đơn vị"),
    ("s.json", json.dumps({"unit": ["a"], "claims": [{"code": "1.1.1", "claimed_score": 1}]}).encode(),
     "SHEET_INVALID", "đơn vị"),
    ("s.json", json.dumps({"unit": "x", "year": 99999, "claims": [{"code": "1.1.1", "claimed_score": 1}]}).encode(),
     "SHEET_INVALID", "2100"),
    ("s.json", b"[" * 100_000 + b"]" * 100_000, "SHEET_TOO_LARGE", "lồng"),
    ("s.csv", b"STT;M\xc3\xa3 ti\xc3\xaau ch\xc3\xad;\xc4\x90i\xe1\xbb\x83m t\xe1\xbb\xb1 \xc4\x91\xc3\xa1nh gi\xc3\xa1\n"
     b'1;1.1.1;"' + b"x" * 200_000 + b'"\n', "SHEET_TOO_LARGE", "ký tự"),
])
def test_bad_sheets_get_a_sheet_code(client, token, name, content, code, words):
    for upload in ((name, content), ("nop.zip", _zip([(name, content), ("x.pdf", PDF)]))):
        err = _error(_post(client, token, *upload), 422, code)
        assert words in err["message_vi"].lower(), err


def test_million_cell_xlsx_is_refused_with_bounded_memory(client, token, tmp_path):
    data = _million_cells(tmp_path)
    tracemalloc.start()
    try:
        r = _post(client, token, "bang.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    err = _error(r, 422, "SHEET_TOO_LARGE")
    assert "giới hạn" in err["message_vi"]
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_years_outside_2000_2100_are_refused(client, token):
    sheet = ("bang.csv", SHEET_CSV, "text/csv")
    for year in ("99999", "1999", "2101"):
        r = client.post("/submissions", headers=H(token), files={"files": sheet}, data={"year": year})
        err = _error(r, 422, "VALIDATION")
        assert "Năm đánh giá" in err["message_vi"] and "2000" in err["message_vi"], err


# --------------------------------------------------------------------------- unexpected errors

def test_unexpected_errors_answer_json_and_are_logged(app, caplog):
    @app.get("/__test_unexpected")
    def unexpected():
        raise RuntimeError("something nobody foresaw")

    with TestClient(app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        r = c.get("/__test_unexpected")
    assert r.status_code == 500 and r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["code"] == "INTERNAL" and err["message_vi"] and "something nobody foresaw" not in r.text
    logged = [rec for rec in caplog.records if rec.exc_info and rec.exc_info[0] is RuntimeError]
    assert logged and "/__test_unexpected" in logged[0].getMessage()


def test_unexpected_errors_in_the_web_interface_answer_a_page(app, token):
    """A person in the browser gets the interface's error page (in Vietnamese), not a JSON body."""
    @app.get("/ui/__test_unexpected")
    def unexpected():
        raise RuntimeError("something nobody foresaw")

    with TestClient(app, raise_server_exceptions=False) as c:
        login(c, token)
        r = c.get("/ui/__test_unexpected", headers={"Accept": "text/html"})
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "Lỗi nội bộ của hệ thống" in r.text and "something nobody foresaw" not in r.text


# --------------------------------------------------------------------------- the web form

def test_web_upload_says_what_was_wrong_with_which_file(app, token):
    with TestClient(app) as c:
        csrf = login(c, token)

        def upload(name, data, accept="application/json"):
            return c.post("/ui/submissions", data={"csrf": csrf, "rubric": "par-reference"},
                          files={"files": (name, data, "application/octet-stream")}, headers={"Accept": accept})

        r = upload("x.zip", _random_bytes())
        assert r.status_code == 422 and r.json()["error"]["code"] == "CORRUPT_ARCHIVE"
        vi = r.json()["error"]["message_vi"]
        assert "x.zip" in vi and "không phải tệp ZIP hợp lệ" in vi and "(CORRUPT_ARCHIVE)" in vi, vi
        r = upload("a.pdf", b"%PDF-1.4 broken")
        assert r.status_code == 422 and "một tệp minh chứng" in r.json()["error"]["message_vi"]
        assert "thiếu bảng tự đánh giá" in r.json()["error"]["message_vi"]
        r = upload("nhieu.zip", _many_entries(), accept="text/html")
        assert r.status_code == 422 and "ZIP_BOMB" in r.text and "5001" in r.text
        assert "Hãy tải lên một tệp ZIP" not in r.text


# --------------------------------------------------------------------------- kiemchung check

def _check(tmp_path, target, *args):
    return subprocess.run([sys.executable, "-m", "api", "check", str(target), "-q", "--out", str(tmp_path / "o"),
                           *args], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "d"), COLUMNS="300"))


def test_cli_names_the_real_code(tmp_path):
    cases = {"nhieu.zip": (_many_entries(), "ZIP_BOMB"), "x.zip": (_random_bytes(), "CORRUPT_ARCHIVE"),
             "mat-khau.zip": (_all_encrypted(tmp_path), "ENCRYPTED_ARCHIVE_ENTRY")}
    for name, (data, code) in cases.items():
        (tmp_path / name).write_bytes(data)
        proc = _check(tmp_path, tmp_path / name)
        assert proc.returncode == 3, (name, proc.returncode, proc.stderr)
        assert code in proc.stderr and "NO_SHEET" not in proc.stderr, (name, proc.stderr)


def test_cli_year_outside_2000_2100_is_a_usage_error(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bang.csv").write_bytes(SHEET_CSV)
    proc = _check(tmp_path, tmp_path / "sub", "--year", "99999")
    assert proc.returncode == 2, proc.stderr
    assert "Năm đánh giá" in proc.stderr and "2100" in proc.stderr
