"""The submission page while its files are read (#15 item 4): page totals known at upload in every file row
(never "0/0"), the failed file with its reason at once, the share under 100 %, and no review shortcuts
before there is a table to review. Real PostgreSQL; the submission stored, its jobs not run yet."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.service.submissions import create_submission
from api.service.tokens import create_token
from tests.api.jobs.conftest import submission
from tests.api.ui.test_web_ui import login
from tests.ingest.builders import write


def test_page_of_a_submission_being_read(app, svc, tmp_path):
    folder = submission(tmp_path, {"a.pdf": 2, "b.pdf": 3})
    write(folder, "hong.pdf", b"%PDF-1.4\n1 0 obj <<>> broken")
    sid = create_submission(svc, folder, display="nop")
    c = TestClient(app)  # not entered: no start-up reconcile, so the jobs stay unscheduled while we look
    login(c, create_token(svc.db, "appraiser"))
    page = c.get(f"/ui/submissions/{sid}").text
    j = c.get(f"/ui/api/submissions/{sid}/progress").json()
    rows = {m[0]: m[1] for m in re.findall(r"<tr class=\"fs-\w+\"><td>([^<]+)</td>.*?<td class=\"num\">(\d+/\d+|—)</td>",
                                           page, re.S)}
    assert rows == {"a.pdf": "0/2", "b.pdf": "0/3", "hong.pdf": "—"}, rows
    assert 'id="p-pages">0/5<' in page and 'id="p-files">1/3<' in page
    assert "CORRUPT_PDF" in page and 'aria-valuenow="0"' in page
    assert 'id="keys"' not in page and "Phím tắt" not in page  # nothing to review yet
    p = j["progress"]
    assert (p["files_total"], p["files_done"], p["files_failed"], p["pages_total"]) == (3, 1, 1, 5)
    assert p["percent"] < 100
    assert {f["name"]: (f["state"], f["pages_total"]) for f in j["files"]} == {
        "a.pdf": ("queued", 2), "b.pdf": ("queued", 3), "hong.pdf": ("error", 0)}
