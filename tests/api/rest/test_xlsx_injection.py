"""Text from a submission or an appraiser never becomes a formula in the workbooks the service hands
out (issue #12): the batch summary (unit and file names) and the report export with the appraisers'
decisions (comments), over REST and from the web interface. The workbook checks are
tests/verifier/test_xlsx_injection.py's; the decisions go through the real API on a real PostgreSQL."""

from __future__ import annotations

import io

import openpyxl

from api.service.batches import summary_row, write_summary
from api.service.store import records
from api.service.tokens import create_token
from models.tables import Submission
from tests.api.ui.test_web_ui import login
from tests.verifier.test_xlsx_injection import (
    HYPERLINK,
    assert_no_formula_cells,
    assert_no_formulas,
    cells_holding,
    hostile_report,
    shown,
)

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


def test_batch_summary_writes_unit_and_file_names_as_text(tmp_path):
    report = hostile_report()  # unit "=HYPERLINK(…)", every other file failed, named like a formula
    failed = [f.name for f in report.files if f.status != "ok"]
    summary = {"units": [summary_row("=cmd|' /C calc'!A0", report),
                         summary_row("=1+1", report.model_copy(update={"unit": None})),
                         summary_row("-2+3", None, "@SUM(A1)")]}
    paths = write_summary(summary, tmp_path)
    assert_no_formulas(paths["xlsx"].read_bytes(), [HYPERLINK, "=cmd|' /C calc'!A0", "=1+1", "-2+3", "@SUM(A1)",
                                                    "\n".join(failed)])
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert_no_formula_cells(wb)
    assert cells_holding(wb, shown(HYPERLINK)) == {("Tổng hợp", "A")}
    assert cells_holding(wb, shown("=1+1")) == {("Tổng hợp", "A"), ("Tổng hợp", "B")}  # unit named by its folder
    assert cells_holding(wb, shown("\n".join(failed))) == {("Tổng hợp", "J")}
    assert cells_holding(wb, shown("@SUM(A1)")) == {("Tổng hợp", "L")}
    first = next(wb.active.iter_rows(min_row=2, max_row=2))
    assert first[2].value == report.totals.claimed_score and first[2].data_type == "n"  # numbers stay numbers


def test_report_export_writes_decision_comments_as_text(client, svc):
    token = create_token(svc.db, "appraiser", label="Nguyễn Văn Thẩm")
    report = hostile_report()
    with svc.db.session() as s:
        sub = Submission(unit_id=records.unit_by_name(s, UNIT).id, year=2024, status="done")
        s.add(sub)
        s.flush()
        records.store_report(s, sub, report)
        sid = sub.id
    comments = {"1.1.1": "=1+1", "1.2.1": HYPERLINK, "1.3.1": "@SUM(A1)", "1.4.1": "+1+1"}
    for code, comment in comments.items():
        r = client.post(f"/submissions/{sid}/criteria/{code}/decisions", headers={"Authorization": f"Bearer {token}"},
                        json={"action": "set", "score": 0, "comment": comment})
        assert r.status_code == 201, r.text
    rest = client.get(f"/submissions/{sid}/report", params={"format": "xlsx"},
                      headers={"Authorization": f"Bearer {token}"})
    assert rest.status_code == 200, rest.text
    login(client, token)
    web = client.get(f"/ui/submissions/{sid}/report.xlsx")
    assert web.status_code == 200, web.text
    for data in (rest.content, web.content):
        texts = assert_no_formulas(data, [c.title for c in report.criteria])
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert_no_formula_cells(wb)
        rows = {r[1].value: r for r in wb["Thẩm định"].iter_rows(min_row=6)}
        for code, comment in comments.items():
            cell = rows[code][10]  # "Ý kiến thẩm định": the comment, then who and when
            assert cell.value.startswith(f"'{comment} — Nguyễn Văn Thẩm") and cell.data_type == "s", cell.value
            assert rows[code][9].value == 0 and rows[code][9].data_type == "n"
            assert cell.value in texts
