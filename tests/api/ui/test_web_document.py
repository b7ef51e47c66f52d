"""The document viewer tells the appraiser what kind of document it is, its ingest notes and its digital
signatures (pyHanko, never "valid": trust is not checked offline). Real signing, ingest and database."""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.jobs.schedule import submit as create_submission
from api.service.tokens import create_token
from models.tables import SubmissionFile
from tests.api.ui.test_web_ui import login
from tests.conftest import EXAMPLE
from tests.support.signing import ORG, PERSON, append_page, make_keys, sign, text_pdf


def test_the_viewer_shows_signatures_and_the_document_kind(app, svc, tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(EXAMPLE / "00-bang-tu-danh-gia-2024.xlsx", folder)
    keys = make_keys()
    signed = sign(text_pdf(["Bài viết về cải cách hành chính năm 2024 của tỉnh, không có phần đầu văn bản."]), keys)
    (folder / "bai-viet-da-ky.pdf").write_bytes(append_page(signed))  # changed after signing
    sid = create_submission(svc, folder, display="signed")
    svc.queue.join()
    with svc.db.session() as s:
        sha = s.scalar(select(SubmissionFile.sha256).where(SubmissionFile.submission_id == sid,
                                                           SubmissionFile.name == "bai-viet-da-ky.pdf"))
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as c:
        login(c, token)
        r = c.get(f"/ui/documents/{sha}/pages/1")
    assert r.status_code == 200
    assert "Chữ ký số" in r.text and PERSON in r.text and ORG in r.text
    assert "bị sửa đổi sau khi ký" in r.text and "chưa kiểm tra với danh sách tin cậy" in r.text
    assert "hợp lệ" not in r.text  # never "valid"
    assert "Không có phần đầu văn bản" in r.text
