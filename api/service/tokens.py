"""Bearer API tokens: random secrets, stored only as SHA-256 hashes, each with a role (``access.ROLES``), the
display name of the person who holds it (``ApiToken.label``: what the header, the decisions' history and the
XLSX show) and, for a unit's token, its unit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any, overload

from sqlalchemy import select, update

from models.tables import ApiToken, WebSession, utcnow

from .access import ROLES, Principal
from .store import records
from .store.database import Database

TOKEN_PREFIX = "kc_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


NAME_MAX = 200  # ApiToken.label's length


def display_name(row: ApiToken) -> str:
    """Who holds a token, as people read it: its display name; for a token created without one, its unit's
    name or "Tài khoản số N (chưa đặt tên)" — never the secret's first characters."""
    name = (row.label or "").strip()
    if name:
        return name
    if row.unit is not None:
        return row.unit.name
    return f"Tài khoản số {row.id} (chưa đặt tên)"


def create_token(db: Database, role: str, unit: str | None = None, label: str = "") -> str:
    """Create a token and return its secret (shown once, never stored). ``label`` is the holder's display name."""
    label = " ".join(label.split())
    if len(label) > NAME_MAX:
        raise ValueError(f"a name has at most {NAME_MAX} characters")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "unit" and not unit:
        raise ValueError("a unit token needs --unit")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        u = records.unit_by_name(s, unit) if unit else None
        s.add(ApiToken(token_hash=hash_token(secret), prefix=secret[:10], role=role, unit_id=u.id if u else None,
                       label=label))
    return secret


@overload
def as_utc(value: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(value: None) -> None: ...


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands them back naive)."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def token_principal(row: ApiToken) -> Principal | None:
    """Who a token row is, or None when revoked; notes its use (in the caller's session)."""
    if row.revoked_at is not None:
        return None
    now = utcnow()
    last = as_utc(row.last_used_at)
    if last is None or (now - last).total_seconds() > 300:  # one write per token per 5 minutes, not per request
        row.last_used_at = now
    return Principal(token_id=row.id, role=row.role, unit_id=row.unit_id,
                     unit_name=row.unit.name if row.unit else None)


def authenticate(db: Database, secret: str) -> Principal | None:
    h = hash_token(secret)
    with db.session() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == h))
        if row is None or not hmac.compare_digest(row.token_hash, h):
            return None
        return token_principal(row)


def revoke_token(db: Database, prefix: str) -> int:
    """Revoke the tokens with this prefix, and end their web sign-in sessions."""
    with db.session() as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))).all()
        now = utcnow()
        for r in rows:
            r.revoked_at = now
        if rows:
            s.execute(update(WebSession).where(WebSession.token_id.in_([r.id for r in rows]),
                                               WebSession.revoked_at.is_(None)).values(revoked_at=now))
        return len(rows)


def rename_token(db: Database, prefix: str, name: str) -> int:
    """Give the tokens with this prefix a display name (decisions already recorded keep the name they had)."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ValueError(f"a name has 1 to {NAME_MAX} characters")
    with db.session() as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).all()
        for r in rows:
            r.label = name
        return len(rows)


def list_tokens(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [{"prefix": t.prefix, "name": display_name(t), "role": t.role, "unit": t.unit.name if t.unit else None,
                 "label": t.label,
                 "created_at": t.created_at.isoformat(), "revoked": t.revoked_at is not None}
                for t in s.scalars(select(ApiToken).order_by(ApiToken.id))]
