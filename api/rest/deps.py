"""What every REST route depends on: this process's runtime and the bearer token's principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..jobs.runtime import Runtime
from ..service.access import Principal
from ..service.errors import ServiceCode, ServiceError, forbidden
from ..service.tokens import authenticate

_bearer = HTTPBearer(auto_error=False, description="API token from `kiemchung token create`")


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.svc
    return rt


def principal(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ServiceError(ServiceCode.UNAUTHORIZED, "missing bearer token", "Thiếu mã truy cập (Bearer token).")
    p = authenticate(runtime(request).db, credentials.credentials.strip())
    if p is None:
        raise ServiceError(ServiceCode.UNAUTHORIZED, "invalid or revoked token",
                           "Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    return p


def staff(p: Annotated[Principal, Depends(principal)]) -> Principal:
    if not p.is_staff:
        raise forbidden()
    return p


Auth = Annotated[Principal, Depends(principal)]
Staff = Annotated[Principal, Depends(staff)]
Rt = Annotated[Runtime, Depends(runtime)]
