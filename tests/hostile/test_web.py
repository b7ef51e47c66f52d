"""Hostile uploads through the web interface in Chromium (the real server, Playwright): a ZIP holding a
corrupt PDF reaches the finished appraisal table and shows the file's error reason in Vietnamese; a
broken ZIP ends with the archive's own reason — never an endless "Đang xử lý", never "upload a ZIP"."""

from __future__ import annotations

import re
import time

import pytest

from api.service.tokens import create_token
from tests.api.ui.test_web_e2e import VIEWPORT, shot

from .corpus import BY_NAME, CITED, base_files, corrupt_pdf, zip_bytes

DEADLINE = 120  # seconds to a finished page
RUNNING = ("Đang xử lý", "Đang chờ")
NO_SHEET_VI = "Không tìm thấy bảng tự đánh giá"
# the generic "wrong upload" message a broken ZIP once got instead of its own reason
GENERIC_UPLOAD_VI = "Hãy tải lên một tệp ZIP, hoặc bảng tự đánh giá kèm các tệp minh chứng."


def _signed_in_page(svc, base, browser):
    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    page.goto(base + "/ui/login")
    page.fill("#token", create_token(svc.db, "appraiser", label="Thẩm định viên"))
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ui/")
    return ctx, page


def _upload(page, base, name: str, data: bytes) -> None:
    page.goto(base + "/ui/upload")
    page.set_input_files("#files", files=[{"name": name, "mimeType": "application/zip", "buffer": data}])
    page.click("#submit")


def _status(page) -> str:
    try:
        return page.inner_text("#status", timeout=2_000).strip()
    except Exception:  # the page is reloading itself (done): ask again
        return ""


def _finished(page) -> str:
    """Wait until the upload ends on the upload page with an error, or on a submission page that is no longer
    running; return the text the appraiser reads there."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if "/ui/submissions/" in page.url:
            st = _status(page)
            if st and st not in RUNNING:
                page.wait_for_load_state()
                return page.inner_text("main")
        elif page.locator("#upload-error:not(.hidden)").count() and page.inner_text("#upload-error").strip():
            return page.inner_text("#upload-error")
        time.sleep(0.5)
    pytest.fail(f"no finished state after {DEADLINE} s: {page.url}, status {_status(page)!r}")


def test_web_zip_with_corrupt_pdf(server, browser):  # noqa: F811
    svc, base = server
    ctx, page = _signed_in_page(svc, base, browser)
    _upload(page, base, "ho-so-pdf-hong.zip", zip_bytes(base_files() + [(CITED, corrupt_pdf())]))
    page.wait_for_url(re.compile(r".*/ui/submissions/[0-9a-f]{32}$"))
    text = _finished(page)
    assert _status(page) != "Lỗi", f"the submission failed: {text[:600]}"
    try:
        page.wait_for_selector("#appraisal", timeout=30_000)  # the page reloads itself once done
    except Exception:
        pytest.fail(f"no appraisal table: status {_status(page)!r}; {page.inner_text('main')[:600]}")
    shot(page, "hostile-01-pdf-hong")
    assert _status(page) == "Đã kiểm tra"
    if page.get_attribute("#progress", "open") is None:
        page.click("#progress summary")  # the file list folds away once the table is there: open it
    row = page.locator("#p-rows tr", has_text=CITED).inner_text()
    assert "CORRUPT_PDF" in row, row
    assert "hỏng" in row and "cannot" not in row.lower(), f"the reason should be in Vietnamese: {row!r}"
    assert page.locator("#appraisal tr.crit").count() == 11
    ctx.close()


@pytest.mark.parametrize("name", ["zip-truncated", "zip-random-bytes"])
def test_web_broken_zip(server, browser, name, tmp_path):  # noqa: F811
    svc, base = server
    ctx, page = _signed_in_page(svc, base, browser)
    archive = BY_NAME[name].build(tmp_path)
    _upload(page, base, archive.name, archive.read_bytes())
    text = _finished(page)
    shot(page, f"hostile-02-{name}")
    assert GENERIC_UPLOAD_VI not in text, f"a broken ZIP is still a ZIP: {text[:400]!r}"
    assert NO_SHEET_VI not in text, f"the archive's own error should be shown, not 'no sheet': {text[:400]!r}"
    assert "hỏng" in text or "không phải tệp ZIP" in text, f"the archive's reason should be shown: {text[:400]!r}"
    ctx.close()
