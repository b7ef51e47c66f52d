"""A token carries its holder's display name (#15 item 8): decisions, the header and the exports show it, and a
token created without one reads as its unit or "Tài khoản số N (chưa đặt tên)" — never the secret's prefix."""

from __future__ import annotations

from api.service.decisions import who
from api.service.store.database import Database
from api.service.tokens import authenticate, create_token, list_tokens, rename_token

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


def test_display_names(pg_url):
    db = Database(pg_url)
    db.migrate()
    named = authenticate(db, create_token(db, "appraiser", label="  Nguyễn   Văn A "))
    bare = authenticate(db, create_token(db, "appraiser"))
    unit = authenticate(db, create_token(db, "unit", UNIT))
    assert named and bare and unit
    with db.session() as s:
        assert who(s, named) == "Nguyễn Văn A"
        assert who(s, bare) == f"Tài khoản số {bare.token_id} (chưa đặt tên)"
        assert who(s, unit) == UNIT
    listed = list_tokens(db)
    assert not any(t["name"].startswith("kc_") for t in listed)
    prefix = next(t["prefix"] for t in listed if t["label"] == "")
    assert rename_token(db, prefix, "Trần Thị B") == 1
    with db.session() as s:
        assert "Trần Thị B" in {who(s, p) for p in (bare, unit)}
    db.engine.dispose()
