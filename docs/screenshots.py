"""Screenshots of the web interface's main screens at a desktop and a phone width, for the docs.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

Starts the service on a throwaway data dir (embedded SQLite, in-process queue and OCR workers) behind a real
uvicorn server on 127.0.0.1, reads examples/submission-2024, signs in as an appraiser in Debian's Chromium
(Playwright) and saves one PNG per screen and width (the appraisal-round screens over a campaign made from
examples/campaign-2026.yaml for the example's year, with round 1 open and kiemchung's questions proposed) — ``SCREEN-desktop.png`` (1440×900) and
``SCREEN-phone.png`` (390×844) — reduced to a 256-colour palette so that they stay small in the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import httpx
import uvicorn
from PIL import Image
from playwright.sync_api import Page, sync_playwright

from api.jobs.runtime import Runtime, configure
from api.server import create_app
from api.service import campaigns
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from models.settings import Settings
from verifier.messages import VN_TZ

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "submission-2024"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
APPRAISER = "Trần Thị Thẩm Định"
CAMPAIGN = ROOT / "examples" / "campaign-2026.yaml"
UNIT = "Sở Tư pháp tỉnh Đồng Nai"  # the example submission's unit


def example_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(EXAMPLE.iterdir()):
            z.writestr(p.name, p.read_bytes())
    return buf.getvalue()


def serve(data_dir: Path) -> tuple[uvicorn.Server, threading.Thread, str, str, Runtime]:
    """The service on ``data_dir`` behind uvicorn on a free port; returns the server, its thread, URL, a token
    and the service."""
    svc = configure(Settings(data_dir=data_dir, reconcile_seconds=3600), embedded=True)
    config = uvicorn.Config(create_app(svc, reconcile_in_background=False), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="uvicorn-screenshots", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    return srv, thread, f"http://127.0.0.1:{port}", create_token(svc.db, "appraiser", label=APPRAISER), svc


def open_round1(svc: Runtime, token: str, year: int) -> dict[str, str]:
    """The example campaign moved to ``year`` with round 1 open today, and kiemchung's questions proposed for
    the example's unit; returns the paths of the campaign screens."""
    spec = campaigns.load_spec(CAMPAIGN).model_dump(mode="json")
    today = dt.datetime.now(VN_TZ).date()
    days = {"self_assessment": (-30, -5), "round1": (None, 10), "explanation": (None, 20), "round2": (None, 30)}
    spec["year"] = year
    spec["calendar"] = {k: {"opens": (today + dt.timedelta(o)).isoformat() if o is not None else None,
                            "closes": (today + dt.timedelta(c)).isoformat()} for k, (o, c) in days.items()}
    cid = campaigns.create_campaign(svc, CampaignSpec.model_validate(spec))
    campaigns.propose_from_latest(svc, authenticate(svc.db, token), cid, UNIT)
    return {"dot-danh-gia": f"/ui/campaigns/{cid}", "vong-tham-dinh": f"/ui/campaigns/{cid}/units/{UNIT}"}


def read_example(base: str, token: str) -> tuple[dict[str, str], int]:
    """Upload the example, wait until it is checked; returns the path of each main screen and its year."""
    auth = {"Authorization": f"Bearer {token}"}
    r = httpx.post(f"{base}/submissions", headers=auth, timeout=120,
                   files={"files": ("ho-so-so-tu-phap-2024.zip", example_zip(), "application/zip")})
    r.raise_for_status()
    sid = r.json()["id"]
    deadline = time.monotonic() + 900
    while (j := httpx.get(f"{base}/submissions/{sid}", headers=auth, timeout=30).json())["status"] not in ("done",
                                                                                                           "failed"):
        if time.monotonic() > deadline:
            raise SystemExit("the example was not read in 15 minutes")
        time.sleep(1)
    if j["status"] != "done":
        raise SystemExit(f"the example failed: {j.get('error')}")
    sha = next(f["sha256"] for f in j["files"] if f["name"] == "01-KH-CCHC-2024.pdf")
    return {
        "dang-nhap": "/ui/login",
        "danh-sach": "/ui/",
        "tai-len": "/ui/upload",
        "ho-so": f"/ui/submissions/{sid}",
        "tieu-chi": f"/ui/submissions/{sid}/criteria/3.2.1",
        "van-ban": f"/ui/documents/{sha}/pages/1",
        "tra-cuu": "/ui/references?number=1143/QĐ-UBND",
    }, int(j["year"])


def save(page: Page, path: Path) -> None:
    """A viewport screenshot as a palette PNG (UI colours survive; the file is a fraction of the RGB one)."""
    im = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


def shoot(base: str, token: str, screens: dict[str, str], out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for width, viewport in WIDTHS.items():
            ctx = browser.new_context(viewport=viewport, locale="vi-VN", device_scale_factor=1)
            ctx.set_default_timeout(30_000)
            page = ctx.new_page()
            page.goto(base + screens["dang-nhap"])
            save(page, out / f"dang-nhap-{width}.png")
            page.fill("#token", token)
            page.press("#token", "Enter")
            page.wait_for_url(base + "/ui/")
            for name, path in screens.items():
                if name == "dang-nhap":
                    continue
                page.goto(base + path)
                if name in ("tieu-chi", "van-ban"):  # on a phone the page image waits in the hidden evidence pane
                    page.wait_for_selector('#page[data-ready="1"]', state="attached", timeout=90_000)
                page.evaluate("document.fonts.ready")
                save(page, out / f"{name}-{width}.png")
                if width == "phone" and name == "tieu-chi":  # the evidence pane of the stacked page
                    page.click("#show-evidence")
                    page.wait_for_selector('#page[data-ready="1"]')  # visible now
                    save(page, out / f"{name}-minh-chung-{width}.png")
                if width == "phone" and name == "danh-sach":  # the header's menu, open
                    page.click("#menu-button")
                    save(page, out / f"menu-{width}.png")
            ctx.close()
        browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kiemchung-screenshots-") as tmp:
        srv, thread, base, token, svc = serve(Path(tmp))
        try:
            screens, year = read_example(base, token)
            screens |= open_round1(svc, token, year)
            shoot(base, token, screens, args.out)
        finally:
            srv.should_exit = True
            thread.join(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
