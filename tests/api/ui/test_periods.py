"""The per-period checklist of a document-set criterion (issue #15 item 6) in a real Chromium, against a real
server on its own PostgreSQL database reading the example (``served_submission``).

The example's 1.2.1 asks for the four periodic reports: quý I, 6 tháng and năm are there and on time, quý III is
not (the sheet cites a 205/BC-STP that is not among the files). Its criterion page must open on the checklist
with the gap, not on a green "matched" look: each period with its mark and its state in words (not colour
alone), its deadline, and for a found report a link that opens its evidence in the viewer; the missing period
is told above the evidence page. The review table marks the row "3/4 kỳ đúng hạn".
"""

from __future__ import annotations

from tests.api.helpers import example_zip
from tests.api.live import served_submission
from verifier.messages import LABELS

VIEWPORT = {"width": 1440, "height": 900}
STATE = LABELS["periods"]


def test_criterion_page_of_a_document_set_shows_the_checklist(shared_data_dir, browser):
    with served_submission(shared_data_dir, example_zip(), data={"rubric": "par-reference"},
                           name="uvicorn-periods") as served:
        ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        ctx.set_default_timeout(20_000)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(served.base + "/ui/login")
        page.fill("#token", served.token)
        page.press("#token", "Enter")
        page.wait_for_url(served.base + "/ui/")

        # ---- the review table: a compact count on the document-set row only
        page.goto(f"{served.base}/ui/submissions/{served.sid}")
        page.wait_for_selector("#appraisal")
        marker = page.locator('#appraisal tr.crit[data-code="1.2.1"] .pcount-mark')
        assert marker.inner_text() == "3/4 kỳ đúng hạn"
        assert f"Báo cáo quý III: {STATE['missing']}" in marker.get_attribute("title")
        assert page.locator("#appraisal .pcount-mark").count() == 1

        # ---- the criterion page opens on the checklist, the gap first
        page.goto(f"{served.base}/ui/submissions/{served.sid}/criteria/1.2.1")
        page.wait_for_selector('#page[data-ready="1"]')
        box = page.locator("#periods")
        assert "periods-bad" in box.get_attribute("class")
        assert "3/4 đúng hạn" in page.inner_text("#periods-h")
        assert f"Báo cáo quý III ({STATE['missing'].lower()})" in page.inner_text(".periods-alert")
        claim_top = page.locator("#claim-pane h2").first.inner_text()
        assert claim_top.startswith("Kỳ báo cáo"), claim_top  # before the claim and the findings
        rows = page.locator("#periods li.period")
        assert rows.count() == 4
        want = [("q1", "on_time", "✓", "15/03/2024", "38/BC-STP"), ("h1", "on_time", "✓", "15/06/2024", "112/BC-STP"),
                ("q3", "missing", "✗", "15/09/2024", None), ("year", "on_time", "✓", "15/12/2024", "298/BC-STP")]
        for i, (key, state, mark, deadline, number) in enumerate(want):
            row = rows.nth(i)
            assert row.get_attribute("data-key") == key and row.get_attribute("data-state") == state
            text = row.inner_text()
            assert row.locator(".pmark").inner_text() == mark
            assert STATE[state] in text and f"hạn {deadline}" in text, text  # the state in words, not colour alone
            assert row.locator(".pstate").get_attribute("title") == state
            if number:
                assert number in text and row.locator("a.period-ev").count() == 1, text
            else:
                assert "không có văn bản phù hợp" in text and row.locator("a").count() == 0, text

        # ---- the missing period is told above the evidence page, which shows another period's document
        note = page.locator("#viewer #periods-vnote")
        assert note.is_visible() and "Thiếu Báo cáo quý III (hạn 15/09/2024)" in note.inner_text()

        # ---- a period's link opens its evidence in the viewer: the annual report's date line
        link = rows.nth(3).locator("a.period-ev")
        assert "04-BC-CCHC-nam-2024.pdf" in link.inner_text()
        link.click()
        page.wait_for_function("() => document.querySelector('#ev-label').textContent.includes('04-BC-CCHC-nam')")
        page.wait_for_selector('#page[data-ready="1"]')
        assert "298/BC-STP" in page.inner_text("#ev-info")
        assert page.locator("#page .hl").count() >= 1  # the words that decided it, highlighted
        assert page.locator("blockquote.ev.on").count() == 1
        assert errors == [], errors
        ctx.close()
