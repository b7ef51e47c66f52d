"""A strict reader of ``Content-Disposition`` (RFC 6266, with RFC 8187 ext-values), for the download tests.

It refuses what a lenient client would guess around: a value that does not follow the grammar, a parameter
given twice, a non-ASCII byte outside ``filename*``, an ext-value that is not valid percent-encoded UTF-8.
The result is cross-checked against the standard library's MIME parser (``email``, RFC 2231), which reads
the same parameters independently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote

TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
QUOTED = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'  # printable ASCII; no bare " or \
EXT_VALUE = r"(?i:UTF-8)'[A-Za-z0-9-]*'(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+.^_`|~-])*"
PARAM = re.compile(rf";\s*(?P<name>{TOKEN})\s*=\s*(?P<value>{EXT_VALUE}|{TOKEN}|{QUOTED})\s*")


@dataclass
class Disposition:
    kind: str  # "attachment" or "inline"
    filename: str  # the ASCII fallback (``filename="…"``)
    filename_star: str | None  # the UTF-8 name (``filename*=UTF-8''…``), decoded

    @property
    def name(self) -> str:
        """The name a conforming client saves under (RFC 6266 §4.3: ``filename*`` wins)."""
        return self.filename_star or self.filename


def parse(value: str) -> Disposition:
    assert value.isascii(), f"non-ASCII in the header: {value!r}"
    m = re.match(rf"\s*(?P<kind>{TOKEN})\s*", value)
    assert m, value
    kind, pos, params = m.group("kind").lower(), m.end(), {}
    while pos < len(value):
        p = PARAM.match(value, pos)
        assert p, f"not RFC 6266 at {value[pos:]!r}"
        name = p.group("name").lower()
        assert name not in params, f"parameter {name} given twice: {value!r}"
        params[name] = p.group("value")
        pos = p.end()
    assert kind in ("attachment", "inline"), value
    assert set(params) <= {"filename", "filename*"} and "filename" in params, params
    raw = params["filename"]
    fallback = re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
    star = None
    if "filename*" in params:
        assert re.fullmatch(EXT_VALUE, params["filename*"]), params["filename*"]
        star = unquote(params["filename*"].split("'", 2)[2], encoding="utf-8", errors="strict")
    # the standard library's MIME reader finds the same two names
    msg = Message()
    msg["Content-Disposition"] = value
    seen = {k: collapse_rfc2231_value(v) for k, v in msg.get_params(header="content-disposition")[1:]}
    assert seen.get("filename") == (star or fallback), (seen, star, fallback)
    return Disposition(kind=kind, filename=fallback, filename_star=star)
