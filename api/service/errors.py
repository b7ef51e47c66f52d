"""One error type for the whole service: ``ServiceError`` carries a stable code, an English message (logs,
API clients) and a Vietnamese one (people). What a code means to each adapter is a table here, not a
branch at the raise site: ``HTTP_STATUS`` for REST and the web interface, ``EXIT_CODES`` for the CLI.

Codes are ``models.errors.ErrorCode`` (what a file or a submission can be refused for, also stored
and reported) or ``ServiceCode`` (what only a request can be refused for: access, state, decisions).
"""

from __future__ import annotations

from enum import StrEnum

from models.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_USAGE, ErrorCode


class ServiceCode(StrEnum):
    """Request-level codes; stable (clients and tests match on them)."""

    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    CSRF = "CSRF"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_READY = "NOT_READY"  # the submission is not checked yet
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    VALIDATION = "VALIDATION"
    RENDER_FAILED = "RENDER_FAILED"
    # an appraiser's decision that cannot be recorded
    DECISION_INVALID = "DECISION_INVALID"
    CRITERION_NOT_FOUND = "CRITERION_NOT_FOUND"
    ACTION_INVALID = "ACTION_INVALID"
    NO_MACHINE_SCORE = "NO_MACHINE_SCORE"
    SCORE_REQUIRED = "SCORE_REQUIRED"
    SCORE_INVALID = "SCORE_INVALID"
    SCORE_OUT_OF_RANGE = "SCORE_OUT_OF_RANGE"
    COMMENT_REQUIRED = "COMMENT_REQUIRED"
    REASON_REQUIRED = "REASON_REQUIRED"  # withdrawing a submission without saying why
    # appraisal campaigns: rounds, explanations, locks
    CAMPAIGN_INVALID = "CAMPAIGN_INVALID"  # a campaign file that does not load
    NOT_IN_CAMPAIGN = "NOT_IN_CAMPAIGN"  # the unit takes no part in the campaign
    STEP_LOCKED = "STEP_LOCKED"  # the unit's step is locked (by the unit, an admin, or its deadline)
    STEP_NOT_OPEN = "STEP_NOT_OPEN"  # the step has not opened yet
    NOT_QUESTIONED = "NOT_QUESTIONED"  # an explanation for a criterion the appraisers did not question
    SURVEY_INVALID = "SURVEY_INVALID"  # a survey file whose rows cannot be imported


Code = ErrorCode | ServiceCode

# HTTP status of each code; every other code is 422 (the request was understood, its content refused).
HTTP_STATUS: dict[Code, int] = {
    ServiceCode.UNAUTHORIZED: 401,
    ServiceCode.FORBIDDEN: 403,
    ServiceCode.CSRF: 403,
    ErrorCode.UNIT_MISMATCH: 403,
    ServiceCode.NOT_FOUND: 404,
    ServiceCode.METHOD_NOT_ALLOWED: 405,
    ServiceCode.NOT_READY: 409,
    ServiceCode.STEP_LOCKED: 409,
    ServiceCode.STEP_NOT_OPEN: 409,
    ServiceCode.PAYLOAD_TOO_LARGE: 413,
    ServiceCode.REASON_REQUIRED: 422,  # the request was understood; a withdrawal without a reason is refused
    ErrorCode.UNSUPPORTED_TYPE: 415,
    ErrorCode.INTERNAL: 500,
}
DEFAULT_HTTP_STATUS = 422

# CLI exit code of each code; every other code is EXIT_INPUT (the submission cannot be read).
EXIT_CODES: dict[Code, int] = {
    ServiceCode.REASON_REQUIRED: EXIT_USAGE,  # the command lacks an argument, the submission is fine
    ErrorCode.INTERNAL: EXIT_INTERNAL,
}
DEFAULT_EXIT_CODE = EXIT_INPUT


class ServiceError(Exception):
    """A request, a submission or a decision refused, with a stable ``code`` and the reason in English
    (``message``, also ``str(exc)``) and Vietnamese (``message_vi``)."""

    def __init__(self, code: Code, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_vi = message_vi or message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, DEFAULT_HTTP_STATUS)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.code, DEFAULT_EXIT_CODE)

    def body(self) -> dict[str, dict[str, str]]:
        """The JSON error body every adapter answers with."""
        return error_body(self.code.value, self.message, self.message_vi)

    def __repr__(self) -> str:
        return f"ServiceError({self.code.value}, {self.message!r})"


def error_body(code: str, message: str, message_vi: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message, "message_vi": message_vi}}


def not_found(what: str, message_vi: str = "Không tìm thấy.") -> ServiceError:
    return ServiceError(ServiceCode.NOT_FOUND, f"{what} not found", message_vi)


def forbidden(message_vi: str = "Mã truy cập không có quyền này.") -> ServiceError:
    return ServiceError(ServiceCode.FORBIDDEN, "this token may not access this resource", message_vi)


def not_ready(status: str) -> ServiceError:
    return ServiceError(ServiceCode.NOT_READY, f"submission is {status}", "Hồ sơ chưa kiểm tra xong.")
