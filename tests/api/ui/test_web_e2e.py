"""End to end in a real headless Chromium (Debian's `chromium`, driven by Playwright).

A real uvicorn server on 127.0.0.1 (free port), backed by the test PostgreSQL and the in-process
queue. The appraiser signs in, drops the example ZIP, watches it being read, opens a refuted
criterion, checks that the highlight lies over the quoted words on the rendered page (geometry
against the page's word boxes, and Tesseract reading the browser's pixels under the highlight),
records a decision, exports the XLSX and finds the decision in it. Screenshots of the main screens
go to tests/artifacts/ (not committed) for review.
"""

from __future__ import annotations

import base64
import io
import re
import socket
import threading
import time
import unicodedata

import httpx
import pytest
from openpyxl import load_workbook

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings
from tests.api.helpers import example_zip
from tests.conftest import ROOT

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORT = {"width": 1366, "height": 768}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(pg_url, shared_data_dir):
    import uvicorn

    svc = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, workers=2, reconcile_seconds=3600),
                    embedded=True)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(svc, reconcile_in_background=False), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield svc, f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    svc.queue.join()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip()


def test_appraiser_reviews_the_example_in_a_browser(server, browser, tmp_path):
    svc, base = server
    token = create_token(svc.db, "appraiser", label="Trần Thị Thẩm Định")
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="vi-VN")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # ---- sign in
    page.goto(base + "/ui/")
    assert "/ui/login" in page.url
    page.fill("#token", token)
    shot(page, "01-dang-nhap")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ui/")
    assert "Trần Thị Thẩm Định" in page.inner_text("header")
    assert not any(c["name"] == "kc_token" and not c["httpOnly"] for c in ctx.cookies())

    # ---- upload: drop the example ZIP on the drop zone
    page.click("text=Tải lên hồ sơ")
    page.wait_for_url(base + "/ui/upload")
    b64 = base64.b64encode(example_zip()).decode()
    page.evaluate("""(b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], "ho-so-so-tu-phap-2024.zip", { type: "application/zip" }));
        const drop = document.getElementById("drop");
        drop.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        drop.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }""", b64)
    assert "ho-so-so-tu-phap-2024.zip" in page.inner_text("#chosen")
    shot(page, "02-tai-len")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/ui/submissions/[0-9a-f]{32}$"))
    sid = page.url.rsplit("/", 1)[1]

    # ---- live progress, then the appraisal table appears without a manual reload
    page.wait_for_selector("#p-rows tr")
    time.sleep(1.5)
    shot(page, "03-tien-do")
    page.wait_for_selector("#appraisal", timeout=180_000)
    summary = page.inner_text("#progress summary")
    assert "7/7" in summary, summary
    assert page.locator("#appraisal tr.crit").count() == 11
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]  # no sideways scrolling
    shot(page, "04-bang-tham-dinh")

    # ---- filter to refuted, keyboard to 3.2.1, open its evidence
    for v in ("NOT_ENOUGH_EVIDENCE", "MANUAL_REVIEW", "SUPPORTED"):
        page.uncheck(f'input[name="verdict"][value="{v}"]')
    refuted = page.locator("#appraisal tr.crit:not(.hidden)")
    assert refuted.count() == 4
    codes = [refuted.nth(i).get_attribute("data-code") for i in range(4)]
    assert "3.2.1" in codes
    shot(page, "05-loc-khong-khop")
    for _ in range(codes.index("3.2.1") + 1):
        page.keyboard.press("j")
    assert page.locator("tr.crit.sel").get_attribute("data-code") == "3.2.1"
    page.keyboard.press("e")
    page.wait_for_url(re.compile(r".*/criteria/3\.2\.1\?v=REFUTED"))
    page.wait_for_selector('#page[data-ready="1"]')
    assert "100%" in page.inner_text("#claim-pane")  # the self-reported value from the sheet
    info = page.inner_text("#ev-info")  # the finding's Vietnamese label; its code only as the tooltip
    assert "Số liệu không khớp" in info and "METRIC_MISMATCH" not in info, info
    assert page.get_attribute("#ev-info .fcode", "title") == "METRIC_MISMATCH"
    shot(page, "06-tieu-chi-minh-chung")

    # ---- the highlight lies over the quoted words on the rendered page
    label = page.inner_text("#ev-label")
    assert "04-BC-CCHC-nam-2024.pdf" in label and "trang 1" in label
    img = page.locator("#page-img").bounding_box()
    hls = [page.locator(".hl").nth(i).bounding_box() for i in range(page.locator(".hl").count())]
    assert hls, "no highlight drawn"
    files = httpx.get(f"{base}/submissions/{sid}", headers={"Authorization": f"Bearer {token}"}).json()["files"]
    sha = next(f["sha256"] for f in files if f["name"] == "04-BC-CCHC-nam-2024.pdf")
    pdata = httpx.get(f"{base}/documents/{sha}/pages/1", headers={"Authorization": f"Bearer {token}"}).json()
    cols = pdata["words"]  # columns: text, start, end, x0, y0, x1, y1, confidence, line
    i = next(k for k, t in enumerate(cols["text"]) if "97,35" in t)
    word = {n: cols[n][i] for n in cols}
    sx, sy = img["width"] / pdata["width"], img["height"] / pdata["height"]
    wx0, wy0 = img["x"] + word["x0"] * sx, img["y"] + word["y0"] * sy
    wx1, wy1 = img["x"] + word["x1"] * sx, img["y"] + word["y1"] * sy
    tol = 3
    assert any(h["x"] - tol <= wx0 and wx1 <= h["x"] + h["width"] + tol and h["y"] - tol <= wy0
               and wy1 <= h["y"] + h["height"] + tol for h in hls), (word, hls, img)
    # ...and the pixels under the highlight, as the browser drew them, read as the quote
    import pytesseract
    from PIL import Image

    page.evaluate("document.querySelectorAll('.hl').forEach((h) => { h.style.visibility = 'hidden'; })")
    crops = []
    for h in hls:  # one highlight per line of the quote; read the page pixels inside it
        png = page.screenshot(clip={"x": h["x"] - 2, "y": h["y"] - 2, "width": h["width"] + 4, "height": h["height"] + 4})
        im = Image.open(io.BytesIO(png)).convert("L")
        im = im.resize((im.width * 3, im.height * 3), Image.LANCZOS)
        crops.append(pytesseract.image_to_string(im, lang="vie", config="--psm 7"))
    page.evaluate("document.querySelectorAll('.hl').forEach((h) => { h.style.visibility = ''; })")
    seen = _fold(" ".join(crops))
    assert "97,35" in seen and "đúng hạn" in seen, seen

    # ---- next / previous evidence on a criterion with several (keyboard k, n, p, j)
    page.keyboard.press("k")
    page.wait_for_url(re.compile(r".*/criteria/1\.3\.1\?v=REFUTED"))
    page.wait_for_selector('#page[data-ready="1"]')
    first = page.inner_text("#ev-label")
    assert first.startswith("Minh chứng 1/")
    page.keyboard.press("n")
    page.wait_for_selector("#ev-label:text-matches('^Minh chứng 2/')")
    page.wait_for_selector('#page[data-ready="1"]')
    assert page.locator(".hl").count() >= 1
    page.keyboard.press("p")
    page.wait_for_selector("#ev-label:text-matches('^Minh chứng 1/')")
    page.keyboard.press("j")
    page.wait_for_url(re.compile(r".*/criteria/3\.2\.1\?v=REFUTED"))
    page.wait_for_selector('#page[data-ready="1"]')

    # ---- record a decision: the appraised score with a comment
    comment = "Đối chiếu sổ theo dõi: 97,35% đúng hạn, chấm 1,5 điểm"
    page.keyboard.press("s")
    page.keyboard.type("1,5")
    page.fill("#comment", comment)
    page.click("#set-score")
    page.wait_for_selector("#history tr.current")
    row = page.inner_text("#history tr.current")
    assert "1,5" in row and comment in row and "Trần Thị Thẩm Định" in row
    assert page.inner_text("#appraised") == "1,5"
    page.locator("#history").scroll_into_view_if_needed()
    shot(page, "07-quyet-dinh")

    # ---- back to the table (Esc); accept the machine's score of another criterion with "a"
    page.keyboard.press("Escape")
    page.wait_for_selector("#appraisal")
    assert page.locator("tr.crit.sel").get_attribute("data-code") == "3.2.1"
    page.keyboard.press("k")
    accepted = page.locator("tr.crit.sel").get_attribute("data-code")
    machine = page.locator("tr.crit.sel").get_attribute("data-machine")
    page.keyboard.press("a")
    page.wait_for_selector(f'tr[data-code="{accepted}"] td.appraised b')
    assert page.inner_text("#td") == "đã thẩm định 2/11"
    shot(page, "08-bang-sau-tham-dinh")

    # ---- export XLSX and find the decisions in it
    with page.expect_download() as dl:
        page.click("#export-xlsx")
    # the browser saves it under the unit's Vietnamese name (Content-Disposition filename*, RFC 6266)
    assert dl.value.suggested_filename == "bao-cao-Sở-Tư-pháp-tỉnh-Đồng-Nai-2024.xlsx", dl.value.suggested_filename
    path = tmp_path / "report.xlsx"
    dl.value.save_as(path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "bao-cao-e2e.xlsx").write_bytes(path.read_bytes())
    ws = load_workbook(path)["Thẩm định"]
    got = {r[1]: (r[9], r[10]) for r in ws.iter_rows(min_row=6, values_only=True) if r[1]}
    assert got["3.2.1"][0] == 1.5 and comment in got["3.2.1"][1] and "Trần Thị Thẩm Định" in got["3.2.1"][1]
    assert got[accepted][0] == float(machine)

    # ---- HTML export opens
    session = {c["name"]: c["value"] for c in ctx.cookies() if c["name"] == "kc_token"}  # the session, not the token
    report = httpx.get(f"{base}/ui/submissions/{sid}/report.html", cookies=session)
    assert comment in report.text and "sandbox" in report.headers["content-security-policy"]

    # ---- which units cite a number
    page.goto(base + "/ui/references")
    page.fill("#number", "1143/QĐ-UBND")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ref-summary")
    assert UNIT in page.inner_text("main")
    shot(page, "09-tra-cuu")

    page.goto(base + "/ui/")
    assert page.inner_text("tr[data-status=done] td:nth-child(3)").strip() == "4"  # refuted criteria
    shot(page, "10-danh-sach")
    page.click("text=Đăng xuất")
    page.wait_for_url(re.compile(r".*/ui/login$"))
    assert errors == [], errors
    ctx.close()
