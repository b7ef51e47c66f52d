"""In a real Chromium against a real server (#15 items 4 and 5): a wrong sheet dropped on the upload form
shows the headers found against those expected and a template link that downloads a sheet the check reads;
the page of a submission whose files are not read yet paints its bar from the share the server computes
(pages known at upload, under 100 %), every file row with its page count, and no review shortcuts."""

from __future__ import annotations

import base64

from api.service.submissions import create_submission
from api.service.tokens import create_token
from tests.api.jobs.conftest import submission
from tests.api.ui.test_layout import serious_axe
from tests.api.ui.test_web_e2e import VIEWPORT, server, shot  # noqa: F401 (fixture)
from tests.ingest.builders import write
from verifier import read_sheet

WRONG = "STT;Tên;Điểm\n1;abc;1\n".encode()


def _signed_in(browser, base: str, token: str):  # noqa: F811 (the fixture's value)
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="vi-VN")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/ui/")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ui/")
    return page, errors


def test_wrong_sheet_in_the_browser(server, browser, tmp_path):  # noqa: F811
    svc, base = server
    page, errors = _signed_in(browser, base, create_token(svc.db, "appraiser"))
    page.goto(base + "/ui/upload")
    page.evaluate("""(b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], "bang.csv", { type: "text/csv" }));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true,
                                                                            cancelable: true }));
    }""", base64.b64encode(WRONG).decode())
    page.click("#submit")
    page.wait_for_selector("#sheet-headers:not(.hidden)")
    assert "bang.csv" in page.inner_text("#upload-error")
    assert page.inner_text("#sh-found") == "“STT”, “Tên”, “Điểm”"
    assert page.inner_text("#sh-missing") == "Điểm tự đánh giá"
    assert "Điểm tự đánh giá" in page.inner_text("#sh-expected")
    assert page.is_visible("#error-template-link")
    shot(page, "upload-bang-sai-tieu-de")
    assert not serious_axe(page)
    with page.expect_download() as dl:
        page.click("#error-template-link")
    path = tmp_path / "mau.xlsx"
    dl.value.save_as(path)
    assert any(c.code == "1.1.1" for c in read_sheet(path).claims)
    assert not errors, errors


def test_progress_of_files_not_read_yet_in_the_browser(server, browser, tmp_path):  # noqa: F811
    svc, base = server
    folder = submission(tmp_path, {"a.pdf": 2, "b.pdf": 3})
    write(folder, "hong.pdf", b"%PDF-1.4\n1 0 obj <<>> broken")
    sid = create_submission(svc, folder, display="nop")  # after start-up: nothing schedules its jobs
    page, errors = _signed_in(browser, base, create_token(svc.db, "appraiser"))
    page.goto(f"{base}/ui/submissions/{sid}")
    page.wait_for_selector("#progress[data-painted]:not([data-painted='1'])", state="attached")  # two polls painted
    percent = page.evaluate("fetch('/ui/api/submissions/" + sid + "/progress').then(r => r.json())")["progress"]["percent"]
    bar = page.evaluate("(() => { const b = document.getElementById('p-bar'); "
                        "return b.getBoundingClientRect().width / b.parentElement.getBoundingClientRect().width; })()")
    assert percent < 100 and abs(bar * 100 - percent) < 1, (bar, percent)
    assert page.get_attribute(".meter", "aria-valuenow") == str(percent)
    assert page.inner_text("#p-pages") == "0/5" and page.inner_text("#p-files") == "1/3"
    cells = page.eval_on_selector_all("#p-rows tr", "rows => rows.map(r => [r.cells[0].innerText, r.cells[3].innerText])")
    assert dict(cells) == {"a.pdf": "0/2", "b.pdf": "0/3", "hong.pdf": "—"}, cells
    assert "CORRUPT_PDF" in page.inner_text("#p-rows") and "Không đọc được" in page.inner_text("#p-rows")
    assert page.locator("#keys").count() == 0
    shot(page, "tien-do-chua-doc")
    assert not serious_axe(page)
    assert not errors, errors
