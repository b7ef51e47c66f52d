"""Server-side sign-in sessions of the web interface (table ``web_sessions``).

Signing in with a token opens a session: a random secret goes to the browser's HttpOnly cookie
and only its SHA-256 is stored, like API tokens. A copied cookie works until the session ends:
at sign-out (revoked here), when its token is revoked (``tokens.revoke_token``), or after
``KIEMCHUNG_SESSION_HOURS``. The bearer token itself never leaves the sign-in form.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete

from models.tables import WebSession, utcnow

from .access import Principal
from .store.database import Database
from .tokens import as_utc, hash_token, token_principal

SEEN_EVERY = 60.0  # seconds: ``last_seen_at`` is written at most this often per session, not per request


def open_session(db: Database, p: Principal, hours: float) -> str:
    """A new session for ``p``, lasting ``hours``; returns the cookie's secret (never stored)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with db.session() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < now))  # ended sessions are of no use
        s.add(WebSession(id=hash_token(secret), token_id=p.token_id, created_at=now, last_seen_at=now,
                         expires_at=now + dt.timedelta(hours=hours)))
    return secret


def session_principal(db: Database, secret: str) -> Principal | None:
    """Who signed in with this cookie, or None when the session is unknown, ended, or its token revoked."""
    with db.session() as s:
        row = s.get(WebSession, hash_token(secret))
        now = utcnow()
        if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
            return None
        p = token_principal(row.token)
        if p is not None and (now - as_utc(row.last_seen_at)).total_seconds() > SEEN_EVERY:
            row.last_seen_at = now
        return p


def close_session(db: Database, secret: str) -> None:
    """Sign-out: the session ends here, whoever else holds a copy of the cookie."""
    with db.session() as s:
        row = s.get(WebSession, hash_token(secret))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
