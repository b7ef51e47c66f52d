"""Sign-in and sign-out: a pasted token opens a server-side session (``service.sessions``) whose secret
is an HttpOnly cookie; the sign-in form carries a double-submit CSRF token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..service import sessions
from ..service.tokens import authenticate
from . import security
from .security import COOKIE, CSRF_FIELD, LOGIN_COOKIE, check_csrf, check_login_csrf, new_login_nonce, safe_next
from .views import render, runtime

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> HTMLResponse:
    nonce = new_login_nonce()
    resp = render(request, "login.html", {"nonce": nonce, "next": safe_next(next), "error": error,
                                          "support_contact": runtime(request).settings.support_contact.strip()},
                   status=401 if error else 200)
    resp.set_cookie(LOGIN_COOKIE, nonce, max_age=1800, httponly=True, samesite="strict", path="/ui/login",
                    secure=request.url.scheme == "https")
    return resp


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=500)] = "",
          csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
          next: Annotated[str, Form(max_length=500)] = "/ui/") -> Response:
    if not check_login_csrf(request, csrf):
        return login_page(request, next, "Phiên đăng nhập đã hết hạn hoặc yêu cầu không hợp lệ; hãy thử lại.")
    rt = runtime(request)
    secret = token.strip()
    p = authenticate(rt.db, secret) if secret else None
    if p is None:
        return login_page(request, next, "Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    previous = security.session_secret(request)
    if previous:  # a new sign-in replaces the browser's session (never keep a session id set before sign-in)
        sessions.close_session(rt.db, previous)
    hours = rt.settings.session_hours
    resp = RedirectResponse(safe_next(next), status_code=303)
    resp.set_cookie(COOKIE, sessions.open_session(rt.db, p, hours), max_age=int(hours * 3600), httponly=True,
                    samesite="strict", path="/", secure=request.url.scheme == "https")
    resp.delete_cookie(LOGIN_COOKIE, path="/ui/login")
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "") -> Response:
    secret = security.session_secret(request)
    if secret:
        check_csrf(request, csrf)
        sessions.close_session(runtime(request).db, secret)  # a copy of the cookie dies with it
    resp = RedirectResponse("/ui/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp
