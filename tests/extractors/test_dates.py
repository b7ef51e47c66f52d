import datetime as dt

import pytest

from extractors import find_dates, parse_date
from tests.extractors.helpers import CORPUS, ocr_page, text_page


@pytest.mark.parametrize("s, hint, expected", [
    ("ngày 05 tháng 7 năm 2023", None, dt.date(2023, 7, 5)),
    ("Hà Nội, ngày03 tháng 12 năm 2004", None, dt.date(2004, 12, 3)),
    ("24/4/2024", None, dt.date(2024, 4, 24)),
    ("ngày 01-10-1997", None, dt.date(1997, 10, 1)),
    ("Ngày 31/12", 2024, dt.date(2024, 12, 31)),
    ("31/12", 2023, dt.date(2023, 12, 31)),
    ("31/02/2024", None, None),
    ("ngày 30 tháng 2 năm 2024", None, None),
    ("năm 2024", None, None),
    ("Ngày 31/12", None, None),
])
def test_parse_date(s, hint, expected):
    assert parse_date(s, year_hint=hint) == expected


def _roles(text, page_no=1, hint=None):
    return [(d.text, d.value, d.end_value, d.role.value) for d in find_dates(text_page(text, page_no), year_hint=hint)]


def test_issue_reference_deadline_other():
    text = ("UBND TỈNH ĐỒNG NAI\nSố: 15/KH-STP\nĐồng Nai, ngày 20 tháng 02 năm 2024\n"
            "Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh;\n"
            "Các đơn vị gửi báo cáo trước ngày 15/6/2024; chậm nhất ngày 30/6/2024.\n"
            "Hội nghị tổ chức ngày 10/3/2024.")
    assert _roles(text) == [
        ("ngày 20 tháng 02 năm 2024", "2024-02-20", None, "issue"),
        ("24/4/2024", "2024-04-24", None, "reference"),
        ("15/6/2024", "2024-06-15", None, "deadline"),
        ("30/6/2024", "2024-06-30", None, "deadline"),
        ("10/3/2024", "2024-03-10", None, "other"),
    ]


def test_issue_role_only_near_the_header():
    assert _roles("Đồng Nai, ngày 20 tháng 02 năm 2024", page_no=5)[0][3] == "other"


@pytest.mark.parametrize("text, value, end_value", [
    ("kết quả 6 tháng đầu năm 2024", "2024-01-01", "2024-06-30"),
    ("6 tháng cuối năm 2024", "2024-07-01", "2024-12-31"),
    ("9 tháng đầu năm 2023", "2023-01-01", "2023-09-30"),
    ("báo cáo quý I năm 2024", "2024-01-01", "2024-03-31"),
    ("quý III/2024", "2024-07-01", "2024-09-30"),
    ("tháng 6/2024", "2024-06-01", "2024-06-30"),
    ("tháng 2 năm 2024", "2024-02-01", "2024-02-29"),
])
def test_periods(text, value, end_value):
    (got,) = find_dates(text_page(text))
    assert (got.value, got.end_value, got.role.value) == (value, end_value, "period")


def test_year_alone_is_not_a_date():
    assert find_dates(text_page("Kế hoạch cải cách hành chính năm 2024 giai đoạn 2021 - 2025")) == []


def test_period_without_year_uses_hint_only():
    assert find_dates(text_page("trong 6 tháng đầu năm công tác")) == []
    (d,) = find_dates(text_page("trong 6 tháng đầu năm công tác"), year_hint=2024)
    assert d.value == "2024-01-01"


def test_web_boilerplate_and_ranges():
    text = (CORPUS / "news" / "moha-6month-tasks-2024.txt").read_text(encoding="utf-8")
    ds = find_dates(text_page(text))
    got = [(d.value, d.role.value) for d in ds]
    assert ("2016-02-26", "other") in got  # stale banner
    assert ("1945-09-02", "other") in got and ("2024-09-02", "other") in got  # range = two dates
    assert ("2024-06-21", "reference") in got
    assert ("2024-01-12", "reference") in got
    assert all(not d.text.startswith("288") for d in ds)


def test_copy_stamp_date():
    text = "Số: 15/KH-STP\nĐà Nẵng, ngày 10 tháng 10 năm 2023\n...\nSAO Y\nỦy ban nhân dân thành phố Đà Nẵng\nThời gian ký: 19/10/2023 10:56:22 +07:00"
    roles = _roles(text)
    assert ("ngày 10 tháng 10 năm 2023", "2023-10-10", None, "issue") in roles
    assert ("19/10/2023", "2023-10-19", None, "copy") in roles


def test_low_confidence_date_needs_review():
    (d,) = find_dates(ocr_page("hạn nộp trước ngày 15/6/2024 tại", low={"15/6/2024": 0.3}))
    assert d.needs_review and d.confidence == pytest.approx(0.3) and d.role.value == "deadline"
