"""Sign-in for the web interface: a server-side session (``sessions``) whose secret is in an HttpOnly
cookie, plus CSRF checks.

The REST API keeps bearer tokens; only ``/ui`` routes read the ``kc_token`` cookie (the name is
historical: it holds the session's secret, never the API token).

CSRF: the cookie is ``SameSite=Strict`` (browsers do not send it on requests started by another
site), and in addition every state-changing UI request must carry a token derived from the
session (HMAC of a fixed label keyed by the session's secret) in a hidden form field or the
``X-CSRF-Token`` header, and must not come with a foreign ``Origin``. A page on another origin
cannot read the HttpOnly cookie, so it cannot compute the token; the check also covers old
browsers without SameSite and sibling sub-domains (same site, different origin). The sign-in
form itself (no session yet) uses a double-submit token: a random value in a short-lived
Strict cookie that must equal the hidden field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request

from ..service.access import Principal
from ..service.errors import ServiceCode, ServiceError
from ..service.sessions import session_principal

COOKIE = "kc_token"
LOGIN_COOKIE = "kc_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """Raised by page dependencies: the exception handler redirects to the sign-in page."""

    def __init__(self, next_url: str = "/ui/"):
        self.next_url = next_url


def session_secret(request: Request) -> str | None:
    value = request.cookies.get(COOKIE)
    return value.strip() if value and value.strip() else None


def current_principal(request: Request) -> Principal | None:
    secret = session_secret(request)
    if not secret:
        return None
    return session_principal(request.app.state.svc.db, secret)


def page_principal(request: Request) -> Principal:
    """For HTML pages: redirect to sign-in when there is no valid session."""
    p = current_principal(request)
    if p is None:
        nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(nxt)
    request.state.principal = p
    return p


def api_principal(request: Request) -> Principal:
    """For the UI's JSON/image endpoints: 401 JSON when there is no valid session."""
    p = current_principal(request)
    if p is None:
        raise ServiceError(ServiceCode.UNAUTHORIZED, "not signed in", "Chưa đăng nhập hoặc phiên đã hết hạn.")
    request.state.principal = p
    return p


def csrf_token(secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), b"kiemchung-ui-csrf-v1", hashlib.sha256).hexdigest()


def same_origin(request: Request) -> bool:
    """A request with an Origin (or, lacking it, a Referer) header must come from this host."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def forbidden_csrf() -> ServiceError:
    return ServiceError(ServiceCode.CSRF, "missing or invalid CSRF token, or a cross-origin request",
                        "Yêu cầu không hợp lệ (thiếu mã chống giả mạo hoặc gửi từ trang khác). Hãy tải lại trang.")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise 403 unless the request carries this session's CSRF token and is same-origin."""
    secret = session_secret(request)
    token = submitted or request.headers.get(CSRF_HEADER) or ""
    if not secret or not same_origin(request) or not hmac.compare_digest(token, csrf_token(secret)):
        raise forbidden_csrf()


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def check_login_csrf(request: Request, submitted: str | None) -> bool:
    expected = request.cookies.get(LOGIN_COOKIE) or ""
    return bool(expected) and same_origin(request) and hmac.compare_digest(submitted or "", expected)


def safe_next(url: str | None) -> str:
    """Only redirect back inside the UI (no open redirects)."""
    if url and url.startswith("/ui") and not url.startswith("//") and "\\" not in url:
        return url
    return "/ui/"
