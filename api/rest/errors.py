"""The error handlers of the app: JSON with a stable code and a message in Vietnamese and English for
every error, an unexpected exception included (500 INTERNAL, logged with its traceback). A
``ServiceError`` answers with the status its code has in ``service.errors.HTTP_STATUS``; under ``/ui/``
a browser (``Accept: text/html``) gets the web interface's error page instead (``app.state.error_page``,
set by the web interface: rest never imports ui)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import ErrorCode
from verifier.sheet import MAX_YEAR, MIN_YEAR

from ..service.errors import ServiceCode, ServiceError, error_body

log = logging.getLogger(__name__)


_HTTP_VI = {
    401: (ServiceCode.UNAUTHORIZED, "Thiếu hoặc sai mã truy cập."),
    403: (ServiceCode.FORBIDDEN, "Không có quyền truy cập."),
    404: (ServiceCode.NOT_FOUND, "Không tìm thấy."),
    405: (ServiceCode.METHOD_NOT_ALLOWED, "Phương thức không được hỗ trợ."),
    413: (ServiceCode.PAYLOAD_TOO_LARGE, "Tệp tải lên quá lớn."),
}


# Request fields people fill in, for the Vietnamese message of a validation error.
_FIELD_VI = {"unit": "Đơn vị", "rubric": "Bộ tiêu chí", "files": "Tệp tải lên", "file": "Tệp tải lên",
             "page": "Trang", "per_page": "Số dòng mỗi trang", "number": "Số hiệu văn bản", "score": "Điểm",
             "comment": "Ghi chú", "action": "Thao tác", "format": "Định dạng"}
_PROBLEM_VI = {
    "missing": "bị thiếu",
    "int_parsing": "phải là số nguyên", "int_type": "phải là số nguyên", "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số", "float_type": "phải là số",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}", "less_than": "phải nhỏ hơn {lt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}", "greater_than": "phải lớn hơn {gt}",
    "string_too_long": "dài quá {max_length} ký tự", "string_too_short": "phải có ít nhất {min_length} ký tự",
}


def _validation_vi(e: dict) -> str:
    """One pydantic error in Vietnamese: which field, what is wrong with it."""
    field = str(e["loc"][-1]) if e.get("loc") else ""
    given = f" (nhận được {e['input']!r:.40})" if isinstance(e.get("input"), (str, int, float)) else ""
    if field == "year":  # every year in the API is an assessment year
        return f"Năm đánh giá phải là số từ {MIN_YEAR} đến {MAX_YEAR}{given}"
    label = _FIELD_VI.get(field, f"Trường “{field}”" if field else "Dữ liệu")
    try:
        problem = _PROBLEM_VI[e["type"]].format(**(e.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        problem = "không hợp lệ"
    return f"{label} {problem}{given}"


def _wants_page(request: Request) -> bool:
    """A person's browser under /ui/ (a navigation or a form post), not a script or an API client."""
    return request.url.path.startswith("/ui/") and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError):
        page = getattr(request.app.state, "error_page", None)
        if page is not None and _wants_page(request):
            return page(request, exc.http_status, exc.message_vi)
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse(exc.body(), status_code=exc.http_status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        code, vi = _HTTP_VI.get(exc.status_code, (f"HTTP_{exc.status_code}", "Yêu cầu không hợp lệ."))
        return JSONResponse(error_body(str(code), str(exc.detail), vi), status_code=exc.status_code)

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError):
        # the database refused a value (a NUL character, a number out of range): the input was invalid
        return JSONResponse(error_body(ServiceCode.VALIDATION, f"invalid value: {exc.orig}",
                                       "Dữ liệu gửi lên không hợp lệ."), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        msg = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        vi = "; ".join(_validation_vi(e) for e in exc.errors())
        return JSONResponse(error_body(ServiceCode.VALIDATION, msg, "Dữ liệu gửi lên không hợp lệ: " + vi + "."),
                            status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # anything no other handler knows: JSON like every other error, the traceback in the log (not the body)
        log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=exc,
                  extra={"method": request.method, "path": request.url.path})
        page = getattr(request.app.state, "error_page", None)  # the web interface answers people with a page
        if page is not None and _wants_page(request):
            try:
                return page(request, 500, "Lỗi nội bộ của hệ thống; vui lòng thử lại sau hoặc báo cho quản trị viên.")
            except Exception:  # the page itself failed (e.g. the database is down): JSON below
                log.exception("error page failed")
        return JSONResponse(error_body(ErrorCode.INTERNAL.value, "internal error; the details are in the server log",
                                 "Lỗi nội bộ của hệ thống; vui lòng thử lại sau hoặc báo cho quản trị viên."),
                            status_code=500)
