"""The published key set as the API answers it (`/.well-known/jwks.json`)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from registry.schemas import TIME, Output


class JwkOut(Output):
    """A public key (RFC 8037 OKP/Ed25519), with its status and dates."""

    # A JWK may carry members beyond these (RFC 7517 section 4).
    model_config = ConfigDict(extra="allow")
    kty: str
    crv: str
    x: str
    kid: str
    use: str
    alg: str
    status: str
    created_at: str = Field(json_schema_extra=TIME)
    retired_at: str | None = Field(json_schema_extra=TIME)
    not_after: str | None = Field(json_schema_extra=TIME, description="Published until then (retired keys)")


class RevokedKeyOut(Output):
    kid: str
    revoked_at: str = Field(json_schema_extra=TIME)


class JwksOut(Output):
    keys: list[JwkOut]
    revoked: list[RevokedKeyOut]
