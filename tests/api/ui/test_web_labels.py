"""The appraiser's screens read Vietnamese, not codes or storage paths (issue #15 item 3), in a real Chromium.

A real uvicorn server on its own PostgreSQL database with the in-process queue reads the example, zipped the
way a unit zips a folder (every file under ``ho-so-so-tu-phap-2024/``). Then:

- the criterion page (claim, findings, the evidence viewer's info box and label) shows each verdict, severity
  and finding by its label from verifier/data/labels_vi.yaml; no code is visible text, every code it uses is
  in a ``title=`` tooltip; the severity badge of an evidence problem never reads "Lỗi";
- file names show without the submission's folder, the full path kept as the tooltip (claim pane and viewer);
- the submission page names the criteria set by its title (its id in the tooltip);
- the document page shows the file's name without its folders and its issue date as dd/mm/yyyy.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, sync_playwright

from models.errors import ErrorCode
from models.extraction import DocumentKind
from models.report import FindingCode, Severity, Verdict
from tests.api.browser import MISSING, chromium_present, launch
from tests.api.helpers import zip_folder
from tests.api.live import served_submission
from tests.conftest import EXAMPLE
from verifier import load_rubric
from verifier.messages import LABELS, label

FOLDER = "ho-so-so-tu-phap-2024/"
RUBRIC = "par-reference"
# Every code an appraiser must not read (as test_report_print counts them): the enums' values and the rubric id.
CODES = {v.value for enum in (Verdict, FindingCode, ErrorCode, Severity, DocumentKind) for v in enum} | {RUBRIC}


def visible_codes(text: str) -> set[str]:
    return {c for c in CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}


@pytest.fixture(scope="module")
def site(shared_data_dir):
    """(base URL, appraiser token, submission id, its files as REST lists them), the example read once."""
    with served_submission(shared_data_dir, zip_folder(EXAMPLE, prefix=FOLDER), data={"rubric": RUBRIC},
                           name="uvicorn-labels") as served:
        files = served.submission["files"]
        assert all(f["name"].startswith(FOLDER) for f in files), files  # stored with the unit's folder
        yield served.base, served.token, served.sid, {f["name"]: f for f in files}


@pytest.fixture()
def page(site, shared_data_dir):
    if not chromium_present():
        pytest.fail(MISSING)
    base, token, _sid, _files = site
    with sync_playwright() as pw:
        b = launch(pw)
        ctx = b.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
        ctx.set_default_timeout(20_000)
        p = ctx.new_page()
        errors: list[str] = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto(base + "/ui/login")
        p.fill("#token", token)
        p.press("#token", "Enter")
        p.wait_for_url(base + "/ui/")
        yield p
        assert errors == [], errors
        b.close()


def titles(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "(els) => els.map((e) => e.getAttribute('title') || '')")


def test_the_criterion_page_shows_labels_and_keeps_codes_as_tooltips(site, page):
    base, _token, sid, _files = site
    page.goto(f"{base}/ui/submissions/{sid}/criteria/3.2.1")
    page.wait_for_selector('#page[data-ready="1"]')
    shown = page.inner_text("#claim-pane") + "\n" + page.inner_text("#viewer")
    assert visible_codes(shown) == set(), visible_codes(shown)

    # the findings: severity and code as labels, the codes as tooltips
    assert label("findings", "METRIC_MISMATCH") == "Số liệu không khớp"
    assert "Số liệu không khớp" in page.inner_text(".findings")
    assert {"METRIC_MISMATCH", "SCORE_NOT_SUPPORTED"} <= set(titles(page, ".findings .fcode"))
    assert page.inner_text("#verdict") == LABELS["verdicts"]["REFUTED"]
    assert page.get_attribute("#verdict", "title") == "REFUTED"

    # the viewer's info box: the same labels, drawn by its script from the server's labels
    info = page.inner_text("#ev-info")
    assert "Số liệu không khớp" in info and "METRIC_MISMATCH" not in info, info
    assert page.get_attribute("#ev-info .fcode", "title") == "METRIC_MISMATCH"
    badge = page.locator("#ev-info .sev")
    assert badge.inner_text() == LABELS["severities"]["error"] != "Lỗi" and badge.get_attribute("title") == "error"

    # file names without the unit's folder, the full path as the tooltip
    assert FOLDER not in shown, shown
    ev_label = page.inner_text("#ev-label")
    assert "04-BC-CCHC-nam-2024.pdf" in ev_label and FOLDER not in ev_label
    assert FOLDER + "04-BC-CCHC-nam-2024.pdf" in page.get_attribute("#ev-label", "title")
    assert page.inner_text("blockquote.ev .file") == "04-BC-CCHC-nam-2024.pdf"
    assert titles(page, "blockquote.ev .file")[0] == FOLDER + "04-BC-CCHC-nam-2024.pdf"
    assert all(t.startswith(FOLDER) for t in titles(page, "#documents .file"))


def test_the_submission_page_names_the_criteria_set_by_its_title(site, page):
    base, _token, sid, _files = site
    page.goto(f"{base}/ui/submissions/{sid}")
    page.wait_for_selector("#appraisal")
    title = load_rubric(RUBRIC).title
    assert page.inner_text("#rubric") == title and page.get_attribute("#rubric", "title") == RUBRIC
    head = page.inner_text("main .bar")
    assert RUBRIC not in head and FOLDER not in head, head


def test_the_document_page_shows_the_name_without_folders_and_a_vietnamese_date(site, page):
    base, _token, _sid, files = site
    sha = files[FOLDER + "04-BC-CCHC-nam-2024.pdf"]["sha256"]
    page.goto(f"{base}/ui/documents/{sha}/pages/1")
    page.wait_for_selector('#page[data-ready="1"]')
    assert page.inner_text("#file") == "04-BC-CCHC-nam-2024.pdf"
    assert page.get_attribute("#file", "title") == FOLDER + "04-BC-CCHC-nam-2024.pdf"
    assert re.fullmatch(r"\d\d/\d\d/2024", page.inner_text("#issued").strip()), page.inner_text("#issued")
    assert FOLDER not in page.inner_text("#ev-label")
    assert visible_codes(page.inner_text("#doc-pane")) == set()
