"""ASGI middleware guarding the door: the upload byte limit before the body is fully read (413),
and NUL characters in the URL (422)."""

from __future__ import annotations

import json

from ..service.errors import ServiceCode, error_body


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def _reject(self, send) -> None:
        payload = json.dumps(error_body(ServiceCode.PAYLOAD_TOO_LARGE, f"request body over {self.limit} bytes",
                                  f"Tệp tải lên vượt quá giới hạn {self.limit} byte."), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})

    async def _reject_nul(self, send) -> None:
        payload = json.dumps(error_body(ServiceCode.VALIDATION, "NUL character in the URL", "Địa chỉ yêu cầu chứa ký tự không hợp lệ."),
                             ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 422, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            return await self._reject_nul(send)  # no database accepts NUL in text; refuse it at the door
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.limit:
                        return await self._reject(send)
                except ValueError:
                    pass
        received = 0
        started = False
        exceeded = False

        async def limited_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if exceeded:
                return  # the app's own answer to the aborted body (e.g. a 400) is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            pass
        if exceeded and not started:
            await self._reject(send)
