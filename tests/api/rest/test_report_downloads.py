"""Report downloads name the unit and open cleanly (issue #15 item 7), over REST and from the web interface:
``Content-Disposition`` per RFC 6266, the UTF-8 name in ``filename*`` and a transliterated ASCII fallback
(read back by a strict parser and by the standard library's MIME reader); the same name and bytes' kind from
both doors. A real verification (``tests/verifier/report_example``) stored for a unit on the test PostgreSQL."""

from __future__ import annotations

import io

import openpyxl
import pytest

from api.service.status import SubmissionStatus
from api.service.store import records
from api.service.tokens import create_token
from models.tables import Submission
from tests.api.disposition import parse
from tests.api.ui.test_web_ui import login
from tests.verifier.report_example import example_report

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
NAME = "bao-cao-Sở-Tư-pháp-tỉnh-Đồng-Nai-2024"
FALLBACK = "bao-cao-So-Tu-phap-tinh-Dong-Nai-2024"


@pytest.fixture()
def checked(svc, tmp_path):
    """(submission id, appraiser token): the example's report stored as a checked submission of UNIT."""
    report = example_report(tmp_path)
    with svc.db.session() as s:
        sub = Submission(unit_id=records.unit_by_name(s, UNIT).id, year=2024, status=SubmissionStatus.DONE)
        s.add(sub)
        s.flush()
        records.store_report(s, sub, report)
        sid = sub.id
    return sid, create_token(svc.db, "appraiser", label="Nguyễn Văn Thẩm")


def test_rest_and_web_downloads_carry_the_utf8_name_and_an_ascii_fallback(client, checked):
    sid, token = checked
    auth = {"Authorization": f"Bearer {token}"}
    rest = {fmt: client.get(f"/submissions/{sid}/report", params={"format": fmt}, headers=auth)
            for fmt in ("xlsx", "html", "json")}
    login(client, token)
    web = {fmt: client.get(f"/ui/submissions/{sid}/report.{fmt}") for fmt in ("xlsx", "html", "json")}
    for door, answers in (("rest", rest), ("web", web)):
        for fmt, r in answers.items():
            assert r.status_code == 200, (door, fmt, r.text)
            d = parse(r.headers["content-disposition"])
            assert d.kind == ("inline" if fmt == "html" else "attachment"), (door, fmt)
            assert d.filename_star == f"{NAME}.{fmt}" and d.filename == f"{FALLBACK}.{fmt}", (door, fmt, d)
            assert r.headers["cache-control"] == "no-store"
    wb = openpyxl.load_workbook(io.BytesIO(rest["xlsx"].content))  # the named file is the workbook
    assert "Thẩm định" in wb.sheetnames and web["xlsx"].content[:2] == b"PK"


def test_a_submission_without_unit_or_year_still_gets_a_plain_name(client, svc, tmp_path):
    token = create_token(svc.db, "appraiser", label="Nguyễn Văn Thẩm")
    with svc.db.session() as s:
        sub = Submission(status=SubmissionStatus.DONE)
        s.add(sub)
        s.flush()
        records.store_report(s, sub, example_report(tmp_path, broken=False))
        sid = sub.id
    r = client.get(f"/submissions/{sid}/report", params={"format": "xlsx"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    d = parse(r.headers["content-disposition"])
    assert (d.kind, d.filename, d.filename_star) == ("attachment", "bao-cao-don-vi.xlsx", None)
