"""The evidence viewer one step further (issue #15 item 10), in a real Chromium against a real server on
PostgreSQL with the in-process queue reading the example (its 04-BC report is a two-page scan, read by OCR):

- page thumbnails (lazy, at 36 dpi, "Trang n") in a strip; clicking one, or Enter on it, shows that page;
- how the page shown was read ("Đọc bằng OCR · độ tin cậy 87%" / "Lớp chữ của tệp") on both viewers;
- the original file opens or downloads: the same bytes (sha256), named as the unit named it (RFC 6266); a
  unit reads its own files only (another unit gets 404, nothing learned);
- a quoted word read with low confidence shows its other reading ("Có thể đọc là: …"): the stored page is given
  what ingest stores for a misread number (``Page.alternatives``; tests/ingest/test_word_alternatives reads one
  with the real engines);
- a criterion claimed at 0 whose report is missing is not shown as green "matched": "Không có minh chứng";
- axe-core finds no serious violation on the criterion and document viewers.
"""

from __future__ import annotations

import hashlib
import shutil
import threading

import pytest
import uvicorn
from openpyxl import load_workbook
from sqlalchemy import select

from api.jobs.schedule import submit as create_submission
from api.service.store import records
from api.service.tokens import create_token
from api.ui.views import method_label
from models.pages import Page
from models.tables import PageRow, SubmissionFile
from tests.api.browser import DESKTOP, signed_in_page
from tests.api.helpers import free_port, poll
from tests.api.ui.test_layout import serious_axe
from tests.conftest import EXAMPLE

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
REPORT = "04-BC-CCHC-nam-2024.pdf"


@pytest.fixture()
def site(svc, app, tmp_path):
    """The example with 1.2.1 claimed at 0 (its quý III report is missing), read; a real server over it."""
    folder = tmp_path / "ho-so"
    shutil.copytree(EXAMPLE, folder)
    sheet = folder / "00-bang-tu-danh-gia-2024.xlsx"
    wb = load_workbook(sheet)
    ws = wb.active
    row = next(r for r in ws.iter_rows() if r[1].value == "1.2.1")
    row[4].value = 0
    wb.save(sheet)
    sid = create_submission(svc, folder, display="viewer")
    svc.queue.join()
    with svc.db.session() as s:
        sha = s.scalar(select(SubmissionFile.sha256).where(SubmissionFile.submission_id == sid,
                                                           SubmissionFile.name == REPORT))
        doc = records.find_document(s, sha)
        rows = {r.number: r for r in s.scalars(select(PageRow).where(PageRow.document_id == doc.id))}
        # what ingest stores for a misread number: a low confidence and the second engine's other reading
        page = Page.model_validate(rows[1].data)
        at = next(i for i, w in enumerate(page.words) if w.text.startswith("97,35"))
        page.words.confidence[at] = 0.41
        data = page.model_dump(mode="json")
        data["alternatives"] = [{"word": at, "text": "97,85%", "source": "second_engine", "confidence": 0.93}]
        rows[1].data = data
        labels = {n: method_label(r.method, (r.data or {}).get("ocr_confidence")) for n, r in rows.items()}
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="uvicorn-viewer", daemon=True)
    thread.start()
    poll(lambda: srv.started, until=bool, timeout=30, every=0.05)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "sid": sid, "sha": sha, "labels": labels,
               "appraiser": create_token(svc.db, "appraiser", label="Phạm Thị Xem"),
               "unit": create_token(svc.db, "unit", UNIT), "other": create_token(svc.db, "unit", "UBND huyện Xuân Lộc")}
    finally:
        srv.should_exit = True
        thread.join(10)


def _signed_in(browser, base: str, token: str):
    page = signed_in_page(browser, base, token, DESKTOP)
    return page.context, page


def _ready(page) -> None:
    page.wait_for_selector('#page[data-ready="1"]', state="attached", timeout=90_000)


def test_thumbnails_page_method_and_the_original_file(site, browser):
    base, sha = site["base"], site["sha"]
    ctx, page = _signed_in(browser, base, site["appraiser"])
    page.goto(f"{base}/ui/submissions/{site['sid']}/criteria/1.3.2")  # its evidence is on page 2 of the report
    _ready(page)
    thumbs = page.locator("#thumbs button.thumb")
    assert page.locator("#thumbs").is_visible() and thumbs.count() == 2
    for n in (1, 2):
        img = thumbs.nth(n - 1).locator("img")
        assert img.get_attribute("alt") == f"Trang {n}" and img.get_attribute("loading") == "lazy"
        assert img.get_attribute("src") == f"/ui/documents/{sha}/pages/{n}/image?dpi=36"
    page.wait_for_function("() => [...document.querySelectorAll('#thumbs img')].every((i) => i.naturalWidth > 0)")
    assert thumbs.nth(1).get_attribute("aria-current") == "page"
    assert site["labels"][2].startswith("Đọc bằng OCR · độ tin cậy ")
    assert page.inner_text("#pg-method") == "Trang 2: " + site["labels"][2]

    thumbs.nth(0).click()  # the first page
    page.wait_for_function("() => document.querySelector('#page-img').getAttribute('src').includes('/pages/1/image')")
    _ready(page)
    assert "trang 1/2" in page.inner_text("#ev-label")
    assert thumbs.nth(0).get_attribute("aria-current") == "page" and thumbs.nth(1).get_attribute("aria-current") is None
    assert page.inner_text("#pg-method") == "Trang 1: " + site["labels"][1]
    assert page.locator("#page .hl").count() == 0  # the quoted words are on page 2
    thumbs.nth(1).focus()  # keyboard: a thumbnail is a button
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#page-img').getAttribute('src').includes('/pages/2/image')")
    _ready(page)
    assert page.locator("#page .hl").count() >= 1

    # the original file: opened in the browser or downloaded, the same bytes, named as the unit named it
    want = hashlib.sha256((EXAMPLE / REPORT).read_bytes()).hexdigest()
    assert want == sha
    opened = page.request.get(base + page.get_attribute("#orig-open", "href"))
    got = page.request.get(base + page.get_attribute("#orig-download", "href"))
    assert page.get_attribute("#orig-open", "target") == "_blank"
    for r, disposition in ((opened, "inline"), (got, "attachment")):
        assert r.status == 200 and hashlib.sha256(r.body()).hexdigest() == sha
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"] == f'{disposition}; filename="{REPORT}"'
    assert serious_axe(page) == []

    # the document viewer: the same strip, the page's method beside the document's details
    page.goto(f"{base}/ui/documents/{sha}/pages/1")
    _ready(page)
    assert page.inner_text("#read-as") == site["labels"][1]
    assert page.inner_text("#pg-method") == "Trang 1: " + site["labels"][1]
    assert page.locator("#thumbs button.thumb").count() == 2
    assert page.get_attribute("#orig-download", "href") == f"/ui/documents/{sha}/original?download=1"
    assert serious_axe(page) == []
    assert page.errors == []
    ctx.close()


def test_a_unit_fetches_its_own_originals_only(site, browser):
    base, sha = site["base"], site["sha"]
    url = f"{base}/ui/documents/{sha}/original?download=1"
    ctx, page = _signed_in(browser, base, site["unit"])
    r = page.request.get(url)
    assert r.status == 200 and hashlib.sha256(r.body()).hexdigest() == sha
    assert r.headers["content-disposition"] == f'attachment; filename="{REPORT}"'
    ctx.close()
    ctx, page = _signed_in(browser, base, site["other"])
    for u in (url, f"{base}/ui/documents/{sha}/original", f"{base}/ui/documents/{'0' * 64}/original"):
        r = page.request.get(u)
        assert r.status == 404 and "%PDF" not in r.text(), u
    ctx.close()
    ctx = browser.new_context()
    assert ctx.request.get(url).status == 401  # not signed in
    ctx.close()


def test_a_low_confidence_word_shows_its_other_reading(site, browser):
    base = site["base"]
    ctx, page = _signed_in(browser, base, site["appraiser"])
    page.goto(f"{base}/ui/submissions/{site['sid']}/criteria/3.2.1")
    _ready(page)
    info = page.inner_text("#ev-info")
    assert "Có thể đọc là: “97,85%” (bộ đọc số thứ hai, 93%)" in info and "thay cho “97,35%" in info, info
    quote = page.locator("blockquote.ev").first.inner_text()
    assert "Có thể đọc là: “97,85%”" in quote, quote
    hl = page.locator("#page .hl.low")
    assert hl.count() >= 1 and "Có thể đọc là: “97,85%”" in hl.first.get_attribute("title")
    name = hl.first.get_attribute("aria-label")  # the box's accessible text says it too
    assert hl.first.get_attribute("role") == "img" and name.startswith("Vùng đánh dấu") and "“97,85%”" in name, name
    assert serious_axe(page) == []
    assert page.errors == []
    ctx.close()


def test_claimed_zero_with_a_missing_report_is_not_shown_as_matched(site, browser):
    base = site["base"]
    ctx, page = _signed_in(browser, base, site["appraiser"])
    page.goto(f"{base}/ui/submissions/{site['sid']}/criteria/1.2.1")
    _ready(page)
    verdict = page.locator("#verdict")
    assert verdict.inner_text() == "Không có minh chứng"
    assert "v-none" in verdict.get_attribute("class") and "v-SUPPORTED" not in verdict.get_attribute("class")
    assert verdict.get_attribute("title").startswith("SUPPORTED")  # the verdict itself stays right: 0 claimed, 0 supported
    assert "tự đánh giá 0 điểm" in page.inner_text("#no-evidence")
    assert page.locator("#periods.periods-bad").count() == 1  # the missing quarter is still told
    # the viewer opens on a period's found document, not on the missing one
    assert "Minh chứng 1/" in page.inner_text("#ev-label")
    assert page.errors == []
    ctx.close()
