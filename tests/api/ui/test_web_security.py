"""Security of the web interface and the app's responses (issue #12, item 7): list filters scoped to
the unit, security headers on every response, a strict CSP on report.html, and server-side
sign-in sessions (the cookie carries a session id, never the bearer token).

Real PostgreSQL and the app in-process (TestClient), like test_web_ui.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.jobs.runtime import configure
from api.server import create_app
from api.service.store import records
from api.service.tokens import create_token, hash_token, revoke_token
from models.report import CriterionResult, Report, Verdict
from models.settings import Settings
from models.tables import Submission, WebSession, utcnow

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
OTHER = "UBND huyện Xuân Lộc"
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY"}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]*)"', html).group(1)


def sign_in(client: TestClient, token: str) -> str:
    """Sign in through the form; returns the session cookie's value."""
    page = client.get("/ui/login")
    r = client.post("/ui/login", data={"token": token, "csrf": _csrf(page.text), "next": "/ui/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/", r.text
    return client.cookies["kc_token"]


def _page_csrf(client: TestClient) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/ui/").text).group(1)


def _signed_in(client: TestClient) -> bool:
    r = client.get("/ui/", follow_redirects=False)
    assert r.status_code in (200, 303)
    return r.status_code == 200


def _add_submission(svc, unit: str, year: int, *, report: Report | None = None) -> str:
    with svc.db.session() as s:
        u = records.unit_by_name(s, unit)
        sub = Submission(unit_id=u.id, year=year, status="done" if report else "failed", source=f"{year}.zip",
                         report=report.model_dump(mode="json") if report else None)
        s.add(sub)
        s.flush()
        return sub.id


def _year_options(html: str) -> list[str]:
    select_ = re.search(r'<select name="year">(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>(\d{4})</option>", select_)


# --------------------------------------------------------------------------- the list's filters


def test_a_unit_sees_only_its_own_years_and_units_in_the_filters(app, svc):
    unit_token = create_token(svc.db, "unit", UNIT)
    staff_token = create_token(svc.db, "appraiser")
    _add_submission(svc, UNIT, 2024)
    _add_submission(svc, OTHER, 2011)
    with TestClient(app) as c, TestClient(app) as staff:
        sign_in(c, unit_token)
        for url in ("/ui/", "/ui/?year=2011", f"/ui/?unit={OTHER}&year=2011", "/ui/?partial=1"):
            html = c.get(url).text
            assert "2011" not in html and OTHER not in html.replace(f"unit={OTHER}", ""), url
        assert _year_options(c.get("/ui/").text) == ["2024"]
        sign_in(staff, staff_token)
        html = staff.get("/ui/").text
        assert _year_options(html) == ["2024", "2011"] and OTHER in html and UNIT in html


# --------------------------------------------------------------------------- headers on every response


def test_every_response_carries_the_security_headers(app, svc):
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as c:
        responses = {
            "REST JSON": c.get("/health"),
            "REST 401": c.get("/submissions"),
            "REST 404": c.get("/no-such-route"),
            "REST 413": c.post("/submissions", content=b"x", headers={
                "Authorization": f"Bearer {token}", "Content-Length": str(10**13)}),
            "UI redirect": c.get("/ui/", follow_redirects=False),
            "UI sign-in": c.get("/ui/login"),
            "static": c.get("/ui/static/app.js"),
        }
        sign_in(c, token)
        responses["UI page"] = c.get("/ui/")
    for what, r in responses.items():
        for name, value in SECURITY_HEADERS.items():
            assert r.headers.get(name) == value, (what, r.status_code, dict(r.headers))
    assert responses["REST 413"].status_code == 413 and responses["REST 404"].status_code == 404
    assert responses["static"].headers["content-type"].startswith("text/javascript")  # nosniff needs the real type


def test_ui_pages_have_a_csp_without_inline_script_or_style(app, svc):
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as c:
        pages = [c.get("/ui/login")]
        sign_in(c, token)
        pages += [c.get("/ui/"), c.get("/ui/upload"), c.get("/ui/references")]
    for r in pages:
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "object-src 'none'" in csp
        # what the CSP allows is all the pages use: no inline script (JSON data blocks are not run) or style
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", r.text)
        assert "<style" not in r.text and " style=" not in r.text and not re.search(r" on[a-z]+=", r.text)


# --------------------------------------------------------------------------- report.html


def _report() -> Report:
    return Report(unit=UNIT, year=2024, rubric_id="par-reference", criteria=[
        CriterionResult(code="1.1.1", title="Ban hành kế hoạch CCHC năm", verdict=Verdict.SUPPORTED,
                        max_score=1, claimed_score=1, supported_score=1)])


def test_report_html_is_served_with_a_strict_csp(app, svc):
    token = create_token(svc.db, "appraiser")
    sid = _add_submission(svc, UNIT, 2024, report=_report())
    with TestClient(app) as c:
        rest = c.get(f"/submissions/{sid}/report?format=html", headers={"Authorization": f"Bearer {token}"})
        sign_in(c, token)
        web = c.get(f"/ui/submissions/{sid}/report.html")
        jsn = c.get(f"/submissions/{sid}/report?format=json", headers={"Authorization": f"Bearer {token}"})
    for r in (rest, web):
        assert r.status_code == 200 and "Ban hành kế hoạch CCHC năm" in r.text
        assert r.headers["content-type"].startswith("text/html")
        csp = [p.strip() for p in r.headers["content-security-policy"].split(";")]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp and "sandbox" in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'none'" in csp and "base-uri 'none'" in csp
        # the report needs its inline <style> and nothing else: no script, no external resource
        assert "style-src 'unsafe-inline'" in csp and "<style>" in r.text and "<script" not in r.text
        assert not re.search(r'(src|href)="(?!#|data:)', r.text)
    assert "content-security-policy" not in jsn.headers or "sandbox" not in jsn.headers["content-security-policy"]
    for r in (rest, web, jsn):  # a unit's evidence and the decisions are never kept by a shared cache
        assert r.headers["cache-control"] == "no-store"


# --------------------------------------------------------------------------- server-side sessions


def test_the_cookie_holds_a_session_id_never_the_token(app, svc):
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as c:
        cookie = sign_in(c, token)
        assert cookie and token not in cookie and hash_token(token) not in cookie
        with svc.db.session() as s:
            [row] = s.scalars(select(WebSession)).all()
            assert row.id == hashlib.sha256(cookie.encode()).hexdigest()  # stored hashed, like tokens
            assert row.revoked_at is None and row.last_seen_at is not None
            assert (row.expires_at - row.created_at) == dt.timedelta(hours=12)
    # a cookie holding the bearer token itself (the old scheme) does not sign in
    with TestClient(app, cookies={"kc_token": token}) as old:
        assert not _signed_in(old)


def test_sign_out_revokes_the_session_server_side(app, svc):
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as c:
        cookie = sign_in(c, token)
        csrf = _page_csrf(c)
        with TestClient(app, cookies={"kc_token": cookie}) as copy:
            assert _signed_in(copy)  # a copied cookie works while the session lives...
            r = c.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/ui/login"
            assert not _signed_in(copy)  # ...and not after sign-out
            assert copy.get("/ui/api/submissions/x/progress").status_code == 401
        with svc.db.session() as s:
            assert s.scalar(select(WebSession.revoked_at)) is not None
        assert not _signed_in(c)


def test_each_sign_in_is_its_own_session_and_csrf_is_bound_to_it(app, svc):
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as a, TestClient(app) as b:
        sa, sb = sign_in(a, token), sign_in(b, token)
        assert sa != sb
        ca, cb = _page_csrf(a), _page_csrf(b)
        assert ca != cb and token not in ca
        # another session's CSRF token is refused; the session's own one is accepted
        assert a.post("/ui/logout", data={"csrf": cb}).status_code == 403
        assert a.post("/ui/logout", data={"csrf": ca}, follow_redirects=False).status_code == 303
        assert not _signed_in(a) and _signed_in(b)  # signing out ends that session only
        # signing in again replaces the session the browser had
        old = sb
        sign_in(b, token)
        with TestClient(app, cookies={"kc_token": old}) as stale:
            assert not _signed_in(stale)


def test_revoking_the_token_ends_its_sessions(app, svc):
    token, other = create_token(svc.db, "appraiser"), create_token(svc.db, "appraiser")
    with TestClient(app) as c, TestClient(app) as d:
        sign_in(c, token)
        sign_in(d, other)
        assert revoke_token(svc.db, token[:10]) == 1
        assert not _signed_in(c) and _signed_in(d)
        with svc.db.session() as s:
            revoked = s.scalars(select(WebSession).where(WebSession.revoked_at.is_not(None))).all()
            assert len(revoked) == 1


def test_sessions_expire(app, svc, monkeypatch):
    token = create_token(svc.db, "appraiser")
    with TestClient(app) as c:
        page = c.get("/ui/login")
        r = c.post("/ui/login", data={"token": token, "csrf": _csrf(page.text), "next": "/ui/"},
                   follow_redirects=False)
        assert "Max-Age=43200" in r.headers["set-cookie"]  # the browser forgets it when the server does
        assert _signed_in(c)
        with svc.db.session() as s:
            row = s.scalar(select(WebSession))
            row.expires_at = utcnow() - dt.timedelta(seconds=1)
        assert not _signed_in(c)
    monkeypatch.setenv("KIEMCHUNG_SESSION_HOURS", "3")
    assert Settings().session_hours == 3 and Settings(session_hours=1).session_hours == 1


@pytest.fixture()
def short_app(pg_url, shared_data_dir):
    service = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, workers=1, reconcile_seconds=3600,
                                 session_hours=2), embedded=True)
    yield service, create_app(service, reconcile_in_background=False)
    service.queue.join()


def test_session_length_follows_the_setting(short_app):
    service, app = short_app
    token = create_token(service.db, "appraiser")
    with TestClient(app) as c:
        page = c.get("/ui/login")
        r = c.post("/ui/login", data={"token": token, "csrf": _csrf(page.text)}, follow_redirects=False)
        assert "Max-Age=7200" in r.headers["set-cookie"]
        with service.db.session() as s:
            row = s.scalar(select(WebSession))
            assert row.expires_at - row.created_at == dt.timedelta(hours=2)
