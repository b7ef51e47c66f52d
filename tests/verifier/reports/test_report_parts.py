"""A criteria set with bonus and penalty items: the HTML and XLSX reports show the net total's parts on their own
lines (penalty points as minus), and the appraised total counts them as the report's totals do — bonus adds,
penalty subtracts, both within the set's caps — instead of adding every decided score."""

from __future__ import annotations

from openpyxl import load_workbook

from models.claims import Claim, Sheet
from verifier import load_rubric, verify
from verifier.reports.html_report import render_html
from verifier.reports.present import appraised_total, has_bonus_or_penalty
from verifier.reports.xlsx_report import write_xlsx

# ordinary 1.1.1 and 1.5.3; bonus 3.3.5 + 7.2.4 (set cap 1,5); penalties 1.2.4 + 3.3.6 + 5.5.4 (set cap 2)
CLAIMS = {"1.1.1": 1, "1.5.3": 1, "3.3.5": 0.5, "7.2.4": 0.5, "1.2.4": 0.5, "3.3.6": 1, "5.5.4": 1}


def _report():
    sheet = Sheet(file="s.xlsx", unit="Sở Tư pháp", year=2026,
                  claims=[Claim(row=i, code=c, claimed_score=v) for i, (c, v) in enumerate(CLAIMS.items(), 7)])
    return verify(sheet, load_rubric("example-province"), [], unit="Sở Tư pháp", year=2026)


def test_the_appraised_total_subtracts_penalties_within_the_caps():
    report = _report()
    assert has_bonus_or_penalty(report)
    decisions = {"1.1.1": {"score": 1}, "3.3.5": {"score": 1}, "7.2.4": {"score": 1}, "1.2.4": {"score": 0.5},
                 "3.3.6": {"score": 1}, "5.5.4": {"score": 1}}
    got = appraised_total(report, decisions)
    # 1 ordinary + min(2, 1,5) bonus − min(2,5, 2) penalty
    assert got.total == 0.5 and got.done == 6


def test_reports_show_the_parts_of_the_net_total(tmp_path):
    report = _report()
    html = render_html(report)
    assert "Điểm thưởng (cộng), tối đa 1,5" in html and "Điểm trừ, tối đa 2" in html
    assert "−2" in html and "+1,5" in html  # penalty within its cap, shown as minus; bonus within its cap
    path = write_xlsx(report, tmp_path / "r.xlsx")
    ws = load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    at = next(i for i, row in enumerate(rows) if row[2] == "TỔNG ĐIỂM")
    assert rows[at][3:6] == [70, 0.5, report.totals.supported_score]
    parts = {row[2]: row[3:6] for row in rows[at + 1:at + 4]}
    assert parts["trong đó: điểm các tiêu chí"] == [70, 1, report.totals.score_supported]
    assert parts["điểm thưởng (cộng) — tối đa 1,5"][1] == 1.5
    assert parts["điểm trừ — tối đa 2"][1] == -2
