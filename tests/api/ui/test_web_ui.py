"""The web interface (/ui) without a browser: sign-in cookie, CSRF, scoping, decisions and exports.

Real PostgreSQL and the in-process queue, like test_service_api. The browser test is test_web_e2e.
"""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.service.tokens import create_token, revoke_token
from models.tables import Decision
from tests.api.helpers import example_zip, poll

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


@pytest.fixture()
def tokens(svc):
    return {
        "appraiser": create_token(svc.db, "appraiser", label="Nguyễn Văn Thẩm"),
        "unit": create_token(svc.db, "unit", UNIT),
        "other": create_token(svc.db, "unit", "UBND huyện Xuân Lộc"),
    }


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]*)"', html).group(1)


def login(client: TestClient, token: str) -> str:
    """Sign in through the form; returns the page's CSRF token."""
    page = client.get("/ui/login")
    assert page.status_code == 200 and "Đăng nhập" in page.text
    r = client.post("/ui/login", data={"token": token, "csrf": _csrf(page.text), "next": "/ui/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/"
    cookie = r.headers["set-cookie"]
    assert "kc_token=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    home = client.get("/ui/")
    assert home.status_code == 200
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text).group(1)


def _upload(client: TestClient, csrf: str, data: bytes) -> str:
    r = client.post("/ui/submissions", data={"csrf": csrf, "rubric": "par-reference"},
                    files={"files": ("ho-so.zip", data, "application/zip")},
                    headers={"Accept": "application/json"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _wait(client: TestClient, sid: str) -> dict:
    return poll(lambda: client.get(f"/ui/api/submissions/{sid}/progress").json(),
                until=lambda j: j["status"] in ("done", "failed"))


def test_pages_need_sign_in_and_bad_tokens_are_refused(app, tokens):
    with TestClient(app) as c:
        r = c.get("/ui/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
        assert c.get("/", follow_redirects=False).headers["location"] == "/ui/"
        assert c.get("/ui/api/submissions/x/progress").status_code == 401
        assert c.get("/ui/documents/abc/pages/1/image").status_code == 401
        page = c.get("/ui/login?next=/ui/references")
        r = c.post("/ui/login", data={"token": "kc_wrong", "csrf": _csrf(page.text), "next": "/ui/"})
        assert r.status_code == 401 and "không hợp lệ" in r.text and "kc_token=" not in r.headers.get("set-cookie", "")
        # the sign-in form needs its own nonce (login CSRF)
        r = c.post("/ui/login", data={"token": tokens["appraiser"], "csrf": "forged"}, follow_redirects=False)
        assert r.status_code == 401 and "kc_token=" not in r.headers.get("set-cookie", "")
        # no open redirect after sign-in
        page = c.get("/ui/login")
        r = c.post("/ui/login", data={"token": tokens["appraiser"], "csrf": _csrf(page.text),
                                      "next": "https://evil.example/"}, follow_redirects=False)
        assert r.headers["location"] == "/ui/"
        # the REST API does not accept the cookie: it keeps bearer tokens
        assert c.get("/submissions").status_code == 401


def test_csrf_logout_and_revocation(app, tokens, svc):
    with TestClient(app) as c:
        csrf = login(c, tokens["appraiser"])
        r = c.post("/ui/submissions", data={"csrf": "nope"}, files={"files": ("a.zip", b"PK", "application/zip")})
        assert r.status_code == 403 and r.json()["error"]["code"] == "CSRF"
        r = c.post("/ui/submissions", data={"csrf": csrf}, files={"files": ("a.zip", b"PK", "application/zip")},
                   headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        r = c.post("/ui/logout", data={"csrf": "nope"})
        assert r.status_code == 403
        r = c.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303 and 'kc_token=""' in r.headers["set-cookie"]
        assert c.get("/ui/", follow_redirects=False).status_code == 303
        login(c, tokens["appraiser"])
        revoke_token(svc.db, tokens["appraiser"][:10])
        assert c.get("/ui/", follow_redirects=False).status_code == 303


def test_review_decisions_exports_and_scoping(app, tokens, svc):
    with TestClient(app) as c, TestClient(app) as unit, TestClient(app) as other:
        csrf = login(c, tokens["appraiser"])
        bad = c.post("/ui/submissions", data={"csrf": csrf, "rubric": "/etc/passwd"},
                     files={"files": ("a.zip", example_zip(), "application/zip")}, headers={"Accept": "application/json"})
        assert bad.status_code == 422  # the form accepts bundled rubrics only
        sid = _upload(c, csrf, example_zip())
        j = _wait(c, sid)
        assert j["status"] == "done" and j["progress"]["files_done"] == j["progress"]["files_total"] == 7
        assert {f["state"] for f in j["files"]} == {"done"} and j["progress"]["pages_ocr"] >= 7  # the scans: 01, 03, 04, 06

        listing = c.get("/ui/").text
        assert UNIT in listing and "Đã kiểm tra" in listing and f"/ui/submissions/{sid}" in listing
        page = c.get(f"/ui/submissions/{sid}").text
        assert 'id="appraisal"' in page and "TỔNG ĐIỂM" in page and "Không khớp" in page
        assert 'data-code="3.2.1"' in page and 'data-verdict="REFUTED"' in page

        crit = c.get(f"/ui/submissions/{sid}/criteria/3.2.1?v=REFUTED")
        assert crit.status_code == 200
        assert "97,35%" in crit.text and "Giá trị tự báo cáo" in crit.text and "100%" in crit.text
        items = re.search(r'<script type="application/json" id="evidence-data">(.*?)</script>', crit.text, re.S)
        import json

        items = json.loads(items.group(1))
        ev = next(i for i in items if i["code"] == "METRIC_MISMATCH")
        assert ev["file"] == "04-BC-CCHC-nam-2024.pdf" and ev["page"] == 1 and ev["boxes"]
        assert all(0 <= b["x"] <= 100 and 0 <= b["y"] <= 100 for b in ev["boxes"])
        assert "97,35%" in " ".join(b["text"] for b in ev["boxes"])
        img = c.get(f"/ui/documents/{ev['sha256']}/pages/1/image")
        assert img.status_code == 200 and img.content[:4] == b"\x89PNG"
        # next/previous among the refuted criteria
        assert f'id="prev-crit" href="/ui/submissions/{sid}/criteria/1.3.1?v=REFUTED"' in crit.text

        # decisions: invalid ones are refused with a Vietnamese message; valid ones are audited
        url = f"/ui/submissions/{sid}/criteria/3.2.1/decision"
        jh = {"Accept": "application/json", "X-CSRF-Token": csrf}
        r = c.post(url, data={"action": "set", "score": "1,5"}, headers=jh)
        assert r.status_code == 422 and "ý kiến" in r.json()["error"]["message_vi"]
        r = c.post(url, data={"action": "set", "score": "7"}, headers=jh)
        assert r.status_code == 422 and "từ 0 đến 2" in r.json()["error"]["message_vi"]
        for typed in ("abc", "inf", "nan"):  # read like the survey import and the round form
            r = c.post(url, data={"action": "set", "score": typed, "comment": "x"}, headers=jh)
            assert r.status_code == 422 and r.json()["error"]["message_vi"] == "Điểm thẩm định phải là một số.", typed
        r = c.post(url, data={"action": "accept"}, headers={"Accept": "application/json"})
        assert r.status_code == 403  # no CSRF token
        r = c.post(url, data={"action": "accept"}, headers=jh)
        assert r.status_code == 200 and r.json()["decision"]["score"] == 1.0
        assert r.json()["totals"]["decided"] == 1
        r = c.post(url, data={"action": "set", "score": "1,5", "comment": "Đã đối chiếu sổ theo dõi hồ sơ",
                              "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        with svc.db.session() as s:
            rows = s.scalars(select(Decision).where(Decision.submission_id == sid).order_by(Decision.id)).all()
            assert [(d.action, d.score, d.machine_score) for d in rows] == [("accept", 1.0, 1.0), ("set", 1.5, 1.0)]
            assert rows[-1].by_label == "Nguyễn Văn Thẩm" and rows[-1].by_role == "appraiser" and rows[-1].created_at
        crit = c.get(f"/ui/submissions/{sid}/criteria/3.2.1").text
        assert "Đã đối chiếu sổ theo dõi hồ sơ" in crit and "Chấp nhận" in crit and 'id="history"' in crit

        def decision_cells(data: bytes) -> tuple:
            ws = load_workbook(io.BytesIO(data))["Thẩm định"]
            for row in ws.iter_rows(values_only=True):
                if row[1] == "3.2.1":
                    return row[9], row[10]
            raise AssertionError("3.2.1 not in the workbook")

        x = c.get(f"/ui/submissions/{sid}/report.xlsx")
        assert x.status_code == 200 and x.content[:2] == b"PK"
        score, comment = decision_cells(x.content)
        assert score == 1.5 and "Đã đối chiếu sổ theo dõi hồ sơ" in comment and "Nguyễn Văn Thẩm" in comment
        rest = c.get(f"/submissions/{sid}/report?format=xlsx", headers={"Authorization": f"Bearer {tokens['appraiser']}"})
        assert decision_cells(rest.content) == (score, comment)
        h = c.get(f"/ui/submissions/{sid}/report.html").text
        assert "Kết quả thẩm định" in h and "Đã đối chiếu sổ theo dõi hồ sơ" in h

        # references across all documents, and the page a hit is on, highlighted
        refs = c.get("/ui/references", params={"number": "298/BC-STP"}).text
        assert "04-BC-CCHC-nam-2024.pdf" in refs and UNIT in refs and "chính xác" in refs
        link = re.search(r'href="(/ui/documents/[0-9a-f]{64}/pages/\d+\?start=\d+&amp;end=\d+[^"]*)"', refs).group(1)
        doc = c.get(link.replace("&amp;", "&"))
        assert doc.status_code == 200 and '"boxes": [{' in doc.text and "298/BC-STP" in doc.text

        # a unit sees its own submission but may not decide; another unit sees nothing
        login(unit, tokens["unit"])
        assert unit.get(f"/ui/submissions/{sid}").status_code == 200
        assert unit.get("/ui/references?number=298/BC-STP").status_code == 403
        ucsrf = re.search(r'content="([^"]+)"', unit.get("/ui/").text.split('name="csrf-token"')[1]).group(1)
        r = unit.post(url, data={"action": "accept", "csrf": ucsrf})
        assert r.status_code == 403
        login(other, tokens["other"])
        assert other.get(f"/ui/submissions/{sid}").status_code == 403
        assert other.get(f"/ui/api/submissions/{sid}/progress").status_code == 404
        assert other.get(f"/ui/documents/{ev['sha256']}/pages/1/image").status_code == 403
        assert other.get(f"/ui/submissions/{sid}/report.xlsx").status_code == 403
        assert UNIT not in other.get("/ui/").text


def test_highlights_follow_the_words_and_mark_low_confidence():
    from api.ui.views import criterion_flags, highlight_boxes
    from models.pages import Page, PageMethod, Word
    from models.provenance import Box, Evidence
    from models.report import CriterionResult, Finding, FindingCode, Severity, Verdict

    text = "tỷ lệ giải\nquyết đúng hạn 97,35%"
    words, pos = [], 0
    for line, (y, chunk) in enumerate([(100, "tỷ lệ giải"), (120, "quyết đúng hạn 97,35%")]):
        x = 50
        for w in chunk.split():
            start = text.index(w, pos)
            pos = start + len(w)
            words.append(Word(text=w, start=start, end=pos, box=Box(x0=x, y0=y, x1=x + 10 * len(w), y1=y + 12),
                              confidence=0.41 if w == "97,35%" else 0.96, line=line))
            x += 10 * len(w) + 5
    page = Page(number=1, width=600, height=800, method=PageMethod.OCR, text=text, words=words)
    start = text.index("giải")
    boxes = highlight_boxes(page, start, len(text), None)
    assert len(boxes) == 2  # one box per line, only the quoted words
    assert boxes[0]["text"] == "giải" and boxes[0]["x"] == pytest.approx(100 * words[2].box.x0 / 600, abs=1e-3)
    assert boxes[0]["y"] == pytest.approx(100 * 100 / 800) and not boxes[0]["low"]
    assert boxes[1]["low"] and boxes[1]["conf"] == 0.41 and boxes[1]["text"].endswith("97,35%")
    # no words in the span: the span's own box
    assert highlight_boxes(page, 0, 0, Box(x0=60, y0=80, x1=120, y1=92)) == [
        {"x": 10.0, "y": 10.0, "w": 10.0, "h": 1.5, "conf": None, "low": False, "text": ""}]
    c = CriterionResult(code="3.2.1", title="t", verdict=Verdict.MANUAL_REVIEW, findings=[
        Finding(code=FindingCode.LOW_CONFIDENCE, severity=Severity.WARNING, message="m",
                evidence=[Evidence(file="a.pdf", page=1, start=start, end=len(text), confidence=0.41)])])
    flags = criterion_flags(c)
    assert flags["low"] and flags["severities"] == ["warning"] and flags["main"].code == FindingCode.LOW_CONFIDENCE
