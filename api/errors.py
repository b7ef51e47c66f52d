"""API errors: JSON with a stable code and a message in Vietnamese and English."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, message_vi: str):
        self.status, self.code, self.message, self.message_vi = status, code, message, message_vi


def body(code: str, message: str, message_vi: str) -> dict:
    return {"error": {"code": code, "message": message, "message_vi": message_vi}}


_HTTP_VI = {
    401: ("UNAUTHORIZED", "Thiếu hoặc sai mã truy cập."),
    403: ("FORBIDDEN", "Không có quyền truy cập."),
    404: ("NOT_FOUND", "Không tìm thấy."),
    405: ("METHOD_NOT_ALLOWED", "Phương thức không được hỗ trợ."),
    413: ("PAYLOAD_TOO_LARGE", "Tệp tải lên quá lớn."),
}


def install(app) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(body(exc.code, exc.message, exc.message_vi), status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        code, vi = _HTTP_VI.get(exc.status_code, (f"HTTP_{exc.status_code}", "Yêu cầu không hợp lệ."))
        return JSONResponse(body(code, str(exc.detail), vi), status_code=exc.status_code)

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError):
        # the database refused a value (a NUL character, a number out of range): the input was invalid
        return JSONResponse(body("VALIDATION", f"invalid value: {exc.orig}", "Dữ liệu gửi lên không hợp lệ."),
                            status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        msg = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return JSONResponse(body("VALIDATION", msg, "Dữ liệu gửi lên không hợp lệ: " + msg), status_code=422)


def not_found(what: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", f"{what} not found", "Không tìm thấy.")


def forbidden() -> ApiError:
    return ApiError(403, "FORBIDDEN", "this token may not access this resource", "Mã truy cập không có quyền này.")
