"""Security headers on every response of the app (REST, web interface, static files, errors).

``nosniff`` (a browser never runs an upload, a JSON body or a report as another type), no referrer
outside this origin (URLs carry submission ids and searched document numbers), and no framing
(clickjacking). A response that sets one of these itself keeps its own value; the content
security policies are set where HTML is served (``ui``, ``service.reports``).
"""

from __future__ import annotations

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeadersMiddleware:
    """Pure ASGI (no body buffering, streaming responses untouched): adds ``HEADERS`` when absent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in HEADERS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
