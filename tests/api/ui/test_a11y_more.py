"""#15 item 8 on the sign-in page and in the header: end users are told whom to ask for a token (the contact
from ``KIEMCHUNG_SUPPORT_CONTACT`` when set), never a command line; the header shows the holder's name."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings

CONTACT = "Phòng Cải cách hành chính, Sở Nội vụ — 0251 3822 000"


@pytest.fixture()
def contact_client(pg_url, shared_data_dir):
    svc = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, workers=1, reconcile_seconds=3600,
                             support_contact=CONTACT), embedded=True)
    with TestClient(create_app(svc, reconcile_in_background=False)) as c:
        yield svc, c
    svc.queue.join()


def test_sign_in_page_names_whom_to_ask_and_header_shows_the_name(contact_client, client):
    svc, c = contact_client
    page = c.get("/ui/login")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "kiemchung token" not in text and "--role" not in text and "<code>" not in text
    assert "quản trị hệ thống của Sở Nội vụ" in text and CONTACT in text
    plain = re.sub(r"\s+", " ", client.get("/ui/login").text)  # no contact configured: the sentence alone
    assert "quản trị hệ thống của Sở Nội vụ" in plain and "support-contact" not in plain

    token = create_token(svc.db, "appraiser", label="Nguyễn Văn A")
    nonce = re.search(r'name="csrf" value="([^"]*)"', page.text).group(1)
    r = c.post("/ui/login", data={"token": token, "csrf": nonce, "next": "/ui/"}, follow_redirects=False)
    assert r.status_code == 303
    home = c.get("/ui/").text
    who = re.search(r'<span class="who-name"[^>]*>([^<]*)</span>', home).group(1)
    assert who == "Nguyễn Văn A · Thẩm định viên" and "kc_" not in who
