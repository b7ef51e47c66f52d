"""One error type, one table per adapter: what each code means to REST/web (HTTP status) and to the CLI
(exit code), and the body every adapter answers with."""

from __future__ import annotations

import pytest

from api.service.errors import (
    DEFAULT_EXIT_CODE,
    DEFAULT_HTTP_STATUS,
    EXIT_CODES,
    HTTP_STATUS,
    ServiceCode,
    ServiceError,
    forbidden,
    not_found,
    not_ready,
)
from api.service.status import SubmissionStatus
from models.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE, ErrorCode


@pytest.mark.parametrize("code, status", [
    (ServiceCode.UNAUTHORIZED, 401), (ServiceCode.FORBIDDEN, 403), (ServiceCode.CSRF, 403),
    (ErrorCode.UNIT_MISMATCH, 403), (ServiceCode.NOT_FOUND, 404), (ServiceCode.NOT_READY, 409),
    (ErrorCode.UNSUPPORTED_TYPE, 415), (ErrorCode.INTERNAL, 500),
    (ErrorCode.NO_SHEET, 422), (ErrorCode.ZIP_BOMB, 422), (ErrorCode.RUBRIC_INVALID, 422),
    (ServiceCode.SCORE_OUT_OF_RANGE, 422), (ServiceCode.COMMENT_REQUIRED, 422), (ServiceCode.RENDER_FAILED, 422),
    (ServiceCode.REASON_REQUIRED, 422),
])
def test_http_status_of_a_code(code, status):
    assert ServiceError(code, "m", "vi").http_status == status


def test_exit_codes_follow_the_readme():
    assert ServiceError(ErrorCode.NO_SHEET, "m", "vi").exit_code == EXIT_INPUT == DEFAULT_EXIT_CODE
    assert ServiceError(ErrorCode.CORRUPT_ARCHIVE, "m", "vi").exit_code == EXIT_INPUT
    assert ServiceError(ErrorCode.INTERNAL, "m", "vi").exit_code == EXIT_INTERNAL
    assert ServiceError(ServiceCode.REASON_REQUIRED, "m", "vi").exit_code == EXIT_USAGE  # a missing argument


def test_tables_name_only_known_codes_and_codes_are_not_shared():
    assert set(HTTP_STATUS) | set(EXIT_CODES) <= set(ErrorCode) | set(ServiceCode)
    assert not {c.value for c in ErrorCode} & {c.value for c in ServiceCode}
    assert DEFAULT_HTTP_STATUS == 422


def test_the_body_and_the_helpers():
    exc = not_found("submission", "Không tìm thấy hồ sơ.")
    assert str(exc) == "submission not found" and exc.http_status == 404
    assert exc.body() == {"error": {"code": "NOT_FOUND", "message": "submission not found",
                                    "message_vi": "Không tìm thấy hồ sơ."}}
    assert forbidden().body()["error"]["code"] == "FORBIDDEN"
    ready = not_ready(SubmissionStatus.RUNNING)
    assert ready.http_status == 409 and ready.message == "submission is running"
    assert ServiceError(ErrorCode.NO_SHEET, "no sheet", "").message_vi == "no sheet"  # never an empty reason
