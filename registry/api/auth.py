"""Who is calling: certification bodies authenticate with `Authorization: Bearer <API key>`."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import g, request

from registry.bodies.models import ApiKey, CertificationBody
from registry.bodies.service import authenticate
from registry.certificates.service import Actor, check_may_publish
from registry.db import get_session
from registry.errors import Unauthorized

F = TypeVar("F", bound=Callable[..., Any])
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class Caller:
    """An authenticated certification body acting through one API key."""

    body: CertificationBody
    key: ApiKey

    @property
    def actor(self) -> Actor:
        return Actor(f"body:{self.body.code} key:{self.key.prefix}", request_id())


def request_id() -> str:
    """The caller's X-Request-ID when well-formed, else one we make; echoed in the response."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex
    return g.request_id


def current_caller() -> Caller:
    """Authenticate the request's API key; 401 without a live key, 403 for a suspended body.

    Authenticated once per request: the write limit's bucket and the view share the answer.
    """
    # Kept with the request, not on `g`: an app context (and its `g`) may outlive one request.
    if "registry.caller" not in request.environ:
        request.environ["registry.caller"] = _authenticate()
    return request.environ["registry.caller"]


def _authenticate() -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized(
            "this endpoint needs a certification body's API key: Authorization: Bearer <key>",
            "此接口需要认证机构的 API 密钥：Authorization: Bearer <密钥>",
        )
    key = authenticate(get_session(), credentials)
    check_may_publish(key.body)
    return Caller(key.body, key)


def body_required(view: F) -> F:
    """Run the view with `caller=` the authenticated body (the one place keys are checked)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, caller=current_caller(), **kwargs)

    return wrapper  # type: ignore[return-value]
