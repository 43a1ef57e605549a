"""The OpenAPI 3.1 document, built from the same pydantic models that validate requests."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from registry.certificates.schemas import CertificateIn, EventIn
from registry.verification.schemas import ReceiptCheckIn, VerifyIn
from registry.watches.schemas import WatchIn

bp = Blueprint("api_openapi", __name__)

REF = "#/components/schemas/{model}"
NULLABLE_STR = {"type": ["string", "null"]}


class Named(BaseModel):
    code: str
    name_zh: str
    name_en: str


class HolderOut(BaseModel):
    name_zh: str
    name_en: str
    credit_code: str
    region: str
    business_type: str


class CertificateOut(BaseModel):
    """A certificate as the API answers it."""

    model_config = ConfigDict(extra="allow")
    number: str
    verdict: str = Field(json_schema_extra={"enum": ["valid", "suspended", "revoked", "withdrawn", "expired"]})
    status: str
    star_level: int = Field(ge=1, le=5)
    score: float
    scheme: Named
    holder: HolderOut
    body: Named
    scope_zh: str
    scope_en: str
    issued: str = Field(json_schema_extra={"format": "date"})
    expires: str = Field(json_schema_extra={"format": "date"})
    token: str | None
    verify_url: str | None
    mark_url: str | None


class CertificateBatchOut(BaseModel):
    items: list[CertificateOut]
    created: int
    unchanged: int


class EventOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    seq: int
    type: str
    effective: str
    recorded_at: str
    actor: str
    reason: str
    state: dict[str, Any]
    hash: str


class HistoryOut(BaseModel):
    number: str
    events: list[EventOut]


class SchemeList(BaseModel):
    model_config = ConfigDict(extra="allow")
    items: list[dict[str, Any]]
    total: int


class SearchOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    total: int
    page: int
    per_page: int
    items: list[CertificateOut]
    facets: dict[str, Any]


class ResultHolder(BaseModel):
    name_zh: str
    name_en: str
    credit_code: str


class HolderCertificate(BaseModel):
    model_config = ConfigDict(extra="allow")
    number: str
    verdict: str
    star_level: int
    scheme: str
    expires: str
    holder_credit_code: str


class VerifyResult(BaseModel):
    model_config = ConfigDict(extra="allow")
    input: str
    input_kind: str = Field(json_schema_extra={"enum": ["number", "token", "url", "credit_code", "name", "unknown"]})
    holder: ResultHolder | None
    scheme: str | None
    expires: str | None
    # Only for a credit code or a name: every holder it names, and all their certificates.
    holders: list[ResultHolder] | None = None
    certificates: list[HolderCertificate] | None = None
    verdict: str = Field(
        json_schema_extra={"enum": ["valid", "suspended", "revoked", "withdrawn", "expired", "not_found", "forged"]}
    )
    reason: str
    reason_zh: str
    number: str | None
    star_level: int | None
    status: str | None
    signature: str = Field(json_schema_extra={"enum": ["valid", "invalid", "none"]})
    mark_current: bool | None


class VerifyOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    checked_at: str
    as_of: str | None
    results: list[VerifyResult]
    receipt: str
    receipt_id: str
    receipt_url: str


class WatchCreated(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    secret: str = Field(description="whsec_...: signs every webhook (Standard Webhooks) and manages the watch")
    feed_url: str
    url: str


class WatchOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    url: str
    status: str = Field(json_schema_extra={"enum": ["active", "disabled"]})
    disabled_reason: str
    feed_url: str
    numbers: list[str]
    credit_codes: list[str]


class ReceiptCheckOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    valid: bool
    kid: str | None
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


MODELS: list[type[BaseModel]] = [
    CertificateIn,
    EventIn,
    VerifyIn,
    ReceiptCheckIn,
    CertificateOut,
    CertificateBatchOut,
    HistoryOut,
    SchemeList,
    SearchOut,
    VerifyOut,
    ReceiptCheckOut,
    WatchIn,
    WatchCreated,
    WatchOut,
    Problem,
]


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model)}}}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
    }


COMMON_ERRORS = {"429": _problem("Rate limit exceeded; see Retry-After"), "500": _problem("Server error")}
NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 60},
}


def _responses(ok: dict[str, Any], *errors: tuple[str, str]) -> dict[str, Any]:
    out = dict(ok)
    for code, text in errors:
        out[code] = _problem(text)
    out.update(COMMON_ERRORS)
    return out


def _search_params() -> list[dict[str, Any]]:
    def q(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}

    return [
        q("q", {"type": "string", "maxLength": 10000}, "Full-text query: names (zh/en), number, credit code, scope"),
        q("scheme", {"type": "string"}, "Scheme code"),
        q("stars", {"type": "string"}, "Star level, e.g. 4 or 4,5"),
        q("status", {"type": "string"}, "valid, suspended, revoked, withdrawn or expired"),
        q("body", {"type": "string"}, "Certification body code"),
        q("region", {"type": "string"}, "GB/T 2260 region code (prefixes match)"),
        q("business_type", {"type": "string"}, "Business type code"),
        q("sort", {"type": "string", "enum": ["relevance", "stars", "expires"]}, "Order of results"),
        q("page", {"type": "integer", "minimum": 1}, "Page number, from 1"),
        q("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Results per page (max 100)"),
    ]


@cache
def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in MODELS:
        doc = model.model_json_schema(
            ref_template=REF, mode="validation" if model in (CertificateIn, EventIn) else "serialization"
        )
        schemas.update(doc.pop("$defs", {}))
        schemas[model.__name__] = doc
    return schemas


def build_document(base_url: str, limits: dict[str, str] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document for this registry."""
    limits = limits or {}
    auth = [{"bodyKey": []}]
    # One certificate in, one out; a batch in, a batch out.
    stored = {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": REF.format(model="CertificateOut")},
                    {"$ref": REF.format(model="CertificateBatchOut")},
                ]
            }
        }
    }
    write_errors = (
        ("400", "Malformed JSON"),
        ("401", "Missing, unknown or revoked API key"),
        ("403", "The key's body may not act on this certificate, or the body is suspended"),
        ("409", "Conflicts with the register (illegal transition, number taken)"),
        ("413", "Request body too large"),
        ("415", "Not JSON"),
        ("422", "Validation failed; errors[] names each field"),
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Service Certificate Registry API",
            "version": "1",
            "description": "Public register of service certificates and star levels. Rate limits: "
            + "; ".join(f"{k}: {v}" for k, v in limits.items()),
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "properties": {"status": {"const": "ok"}}}
                                }
                            },
                        }
                    },
                }
            },
            "/.well-known/jwks.json": {
                "get": {
                    "operationId": "jwks",
                    "summary": "Published signing keys",
                    "responses": {
                        "200": {
                            "description": "JWK set",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["keys"],
                                        "properties": {"keys": {"type": "array"}, "revoked": {"type": "array"}},
                                    }
                                }
                            },
                        },
                        "304": {"description": "Not modified"},
                    },
                }
            },
            "/api/v1/schemes": {
                "get": {
                    "operationId": "listSchemes",
                    "responses": _responses({"200": {"description": "Schemes", "content": _json("SchemeList")}}),
                }
            },
            "/api/v1/certificates": {
                "get": {
                    "operationId": "searchCertificates",
                    "parameters": _search_params(),
                    "responses": _responses(
                        {
                            "200": {
                                "description": "One page of results with facet counts",
                                "content": _json("SearchOut"),
                            }
                        },
                        ("400", "Bad query parameter"),
                    ),
                },
                "post": {
                    "operationId": "issueCertificates",
                    "security": auth,
                    "summary": "Publish one certificate, or {items: [...]} (up to 1,000, all or nothing)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": REF.format(model="CertificateIn")},
                                        {
                                            "type": "object",
                                            "required": ["items"],
                                            "additionalProperties": False,
                                            "properties": {
                                                "items": {
                                                    "type": "array",
                                                    "minItems": 1,
                                                    "maxItems": 1000,
                                                    "items": {"$ref": REF.format(model="CertificateIn")},
                                                }
                                            },
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": _responses(
                        {
                            "201": {"description": "Stored", "content": stored},
                            "200": {"description": "Identical re-issue: nothing written", "content": stored},
                        },
                        *write_errors,
                    ),
                },
            },
            "/api/v1/certificates/{number}": {
                "get": {
                    "operationId": "getCertificate",
                    "parameters": [
                        NUMBER,
                        {
                            "name": "as_of",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date"},
                        },
                    ],
                    "responses": _responses(
                        {"200": {"description": "The certificate", "content": _json("CertificateOut")}},
                        ("400", "Bad as_of date"),
                        ("404", "No such certificate (or not yet issued on as_of)"),
                    ),
                }
            },
            "/api/v1/certificates/{number}/history": {
                "get": {
                    "operationId": "getHistory",
                    "parameters": [NUMBER],
                    "responses": _responses(
                        {"200": {"description": "Events, oldest first", "content": _json("HistoryOut")}},
                        ("404", "No such certificate"),
                    ),
                }
            },
            "/api/v1/certificates/{number}/events": {
                "post": {
                    "operationId": "postEvent",
                    "security": auth,
                    "parameters": [
                        NUMBER,
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "maxLength": 128},
                        },
                    ],
                    "requestBody": {"required": True, "content": _json("EventIn")},
                    "responses": _responses(
                        {"200": {"description": "The certificate after the event", "content": _json("CertificateOut")}},
                        *write_errors,
                        ("404", "No such certificate"),
                    ),
                }
            },
            "/api/v1/verify": {
                "post": {
                    "operationId": "verify",
                    "summary": "Check up to 1,000 numbers, tokens, scanned URLs, credit codes or organisation names; "
                    "answers with a signed receipt, stored and readable at receipt_url",
                    "requestBody": {"required": True, "content": _json("VerifyIn")},
                    "responses": _responses(
                        {"200": {"description": "One result per input, in order", "content": _json("VerifyOut")}},
                        ("400", "Malformed JSON"),
                        ("413", "Too large"),
                        ("415", "Not JSON"),
                        ("422", "Validation failed"),
                        ("503", "No signing key"),
                    ),
                }
            },
            "/api/v1/watches": {
                "post": {
                    "operationId": "createWatch",
                    "summary": "Follow certificates and holders: signed webhooks to `url` and an Atom feed",
                    "requestBody": {"required": True, "content": _json("WatchIn")},
                    "responses": _responses(
                        {"201": {"description": "The new watch and its secret", "content": _json("WatchCreated")}},
                        ("400", "Malformed JSON"),
                        ("415", "Not JSON"),
                        ("422", "Validation failed, or a refused callback URL"),
                    ),
                }
            },
            "/api/v1/watches/{watch_id}": {
                "parameters": [{"name": "watch_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getWatch",
                    "security": [{"watchSecret": []}],
                    "responses": _responses(
                        {"200": {"description": "The watch", "content": _json("WatchOut")}},
                        ("401", "Missing or wrong secret"),
                        ("404", "No such watch"),
                    ),
                },
                "delete": {
                    "operationId": "deleteWatch",
                    "security": [{"watchSecret": []}],
                    "responses": _responses(
                        {"204": {"description": "Deleted"}},
                        ("401", "Missing or wrong secret"),
                        ("404", "No such watch"),
                    ),
                },
            },
            "/api/v1/receipts/verify": {
                "post": {
                    "operationId": "verifyReceipt",
                    "requestBody": {"required": True, "content": _json("ReceiptCheckIn")},
                    "responses": _responses(
                        {"200": {"description": "Whether the receipt is genuine", "content": _json("ReceiptCheckOut")}},
                        ("400", "Malformed JSON"),
                        ("415", "Not JSON"),
                        ("422", "Validation failed"),
                    ),
                }
            },
        },
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "bodyKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A certification body's API key (flask --app registry bodies issue-key)",
                },
                "watchSecret": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The secret (whsec_...) returned when the watch was created",
                },
            },
        },
    }


@bp.get("/api/v1/openapi.json")
def openapi() -> ResponseReturnValue:
    response = jsonify(build_document(current_app.config["BASE_URL"], current_app.extensions.get("registry.limits")))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
