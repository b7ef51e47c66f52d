"""``GET /campaigns/{id}/council`` on a real PostgreSQL, for the example campaign of ``tests/council_example.py``:
the JSON equals ``build_council``; the XLSX read back with openpyxl and the DOCX with python-docx hold the same
ranks (ties shared) and totals; the HTML page has the ranking and both charts inline; one group alone; each
file is named with RFC 6266 (ASCII fallback and the UTF-8 name); a unit token is 403, as the CLI refuses it."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from docx import Document
from openpyxl import load_workbook

from api.service import council
from api.service.tokens import authenticate, create_token
from tests.council_example import CAMPAIGN, A, B, C, D, build
from verifier.reports.council_table import fmt

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
URL = f"/campaigns/{CAMPAIGN}/council"


def H(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def built(svc, tmp_path):
    build(svc, tmp_path)
    appraiser = create_token(svc.db, "appraiser", label="Lê Thị Thẩm")
    expected = council.build_council(svc, authenticate(svc.db, appraiser), CAMPAIGN)
    return {"appraiser": appraiser, "admin": create_token(svc.db, "admin", label="Trần Văn Quản"),
            "unit": create_token(svc.db, "unit", A, "Nguyễn Văn A"), "expected": expected}


def _error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message_vi"]


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in {ws.title}")


def test_json_equals_the_service(client, built):
    r = client.get(URL, headers=H(built["appraiser"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body, expected = r.json(), built["expected"].model_dump(mode="json")
    body.pop("generated_at"), expected.pop("generated_at")
    assert body == expected
    so = body["groups"][0]
    assert [(u["unit"], u["rank"], u["total"], u["index"]) for u in so["units"]] == [
        (A, 1, 16, 80.0), (B, 1, 16, 80.0), (C, 3, 2, 10.0)]
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-disposition"] == f'attachment; filename="hoi-dong-{CAMPAIGN}.json"'


def test_xlsx_holds_the_ranks_and_totals(client, built):
    r = client.get(URL, params={"format": "xlsx"}, headers=H(built["admin"]))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(r.content))
    for g in built["expected"].groups:
        ws = wb[f"Xếp hạng {g.code}"]
        head = _find(ws, "Hạng")
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=head.row + 1, max_row=head.row + len(g.units))]
        assert [(x[0], x[1], x[7], x[9], x[10]) for x in rows] == [
            (u.rank, u.unit, u.total, u.index, u.band) for u in g.units]
    assert [(x[0], x[1]) for x in rows] == [(1, D)]  # the second group: its one unit
    so = wb["Xếp hạng so_nganh"]
    head = _find(so, "Hạng")
    assert [so.cell(row=head.row + i, column=1).value for i in (1, 2, 3)] == [1, 1, 3]  # a tie shares a rank


def test_docx_holds_the_ranks_and_totals(client, built):
    r = client.get(URL, params={"format": "docx"}, headers=H(built["appraiser"]))
    assert r.status_code == 200 and r.headers["content-type"] == DOCX
    doc = Document(io.BytesIO(r.content))
    rankings = [t for t in doc.tables if t.rows[0].cells[0].text == "Hạng"]
    assert len(rankings) == len(built["expected"].groups)
    for table, g in zip(rankings, built["expected"].groups, strict=True):
        rows = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert [(x[0], x[1], x[7], x[9]) for x in rows] == [
            (fmt(u.rank), u.unit, fmt(u.total), fmt(u.index)) for u in g.units]
    assert [x.cells[0].text for x in rankings[0].rows[1:]] == ["1", "1", "3"]
    name = f"hoi-dong-{CAMPAIGN}.docx"
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'


def test_html_has_the_ranking_and_the_charts_inline(client, built):
    r = client.get(URL, params={"format": "html"}, headers=H(built["appraiser"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.count("<svg") == 4 and "<?xml" not in page  # two charts per group, inline
    assert all(name in page for name in (A, B, C, D))
    assert "<td class=\"num\">80</td>" in page and "11,5" in page
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["content-disposition"].startswith('inline; filename="hoi-dong-')


def test_one_group_and_its_file_name(client, built):
    r = client.get(URL, params={"format": "xlsx", "group": "so_nganh"}, headers=H(built["appraiser"]))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert "Xếp hạng so_nganh" in wb.sheetnames and "Xếp hạng cap_xa" not in wb.sheetnames
    name = f"hoi-dong-{CAMPAIGN}-Sở-ban-ngành.xlsx"
    assert r.headers["content-disposition"] == (
        f'attachment; filename="hoi-dong-{CAMPAIGN}-So-ban-nganh.xlsx"; filename*=UTF-8\'\'{quote(name, safe="")}')
    body = client.get(URL, params={"group": "cap_xa"}, headers=H(built["appraiser"])).json()
    assert [g["code"] for g in body["groups"]] == ["cap_xa"] and body["groups"][0]["units"][0]["unit"] == D
    _error(client.get(URL, params={"group": "khong-co"}, headers=H(built["appraiser"])), 404, "NOT_FOUND")


def test_a_chart_as_svg(client, built):
    r = client.get(f"{URL}/so_nganh/charts/chi-so.svg", headers=H(built["appraiser"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in r.content and A.encode() in r.content
    assert client.get(f"{URL}/so_nganh/charts/linh-vuc.svg", headers=H(built["appraiser"])).status_code == 200
    _error(client.get(f"{URL}/khong-co/charts/chi-so.svg", headers=H(built["appraiser"])), 404, "NOT_FOUND")
    assert client.get(f"{URL}/so_nganh/charts/khac.svg", headers=H(built["appraiser"])).status_code == 422


def test_only_staff(client, built):
    unit = H(built["unit"])
    for params in ({}, {"format": "xlsx"}, {"format": "docx"}, {"format": "html"}):
        _error(client.get(URL, params=params, headers=unit), 403, "FORBIDDEN")
    _error(client.get(f"{URL}/so_nganh/charts/chi-so.svg", headers=unit), 403, "FORBIDDEN")
    _error(client.get(URL), 401, "UNAUTHORIZED")
    _error(client.get("/campaigns/khong-co/council", headers=H(built["appraiser"])), 404, "NOT_FOUND")
    _error(client.get(URL, params={"format": "pdf"}, headers=H(built["appraiser"])), 422, "VALIDATION")
