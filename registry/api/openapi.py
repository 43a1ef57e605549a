"""The OpenAPI 3.1 document, built from the same pydantic models that validate requests."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from registry.certificates.schemas import CertificateIn, EventIn
from registry.reports.schemas import ReportIn
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
    log_index: int = Field(ge=0, description="The event's leaf in the transparency log")
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


class UnderstoodOut(BaseModel):
    facet: str = Field(json_schema_extra={"enum": ["region", "stars", "scheme", "body", "business_type"]})
    values: list[str]
    words: str


class SearchOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    total: int
    total_exact: bool
    page: int
    per_page: int
    items: list[CertificateOut]
    facets: dict[str, dict[str, int]] = Field(
        description="Counts over the whole result; region counts the next level below the region filter"
    )
    understood: list[UnderstoodOut] = Field(description="Query words read as filters (place, stars, ...)")
    filters: dict[str, list[str]]
    text: str = Field(description="What is left of q for the full-text rule")


class RegionCount(BaseModel):
    code: str
    name_zh: str
    name_en: str
    count: int
    children: list[RegionCount]


class StatsOut(BaseModel):
    as_of: str = Field(json_schema_extra={"format": "date"})
    total: int
    by_verdict: dict[str, int]
    by_star_level: dict[str, int]
    by_scheme: dict[str, int]
    by_body: dict[str, int]
    by_region: list[RegionCount]
    by_business_type: dict[str, int]


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
    log_index: int | None = Field(description="The logged event this verdict rests on (null when not found)")


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


class ReportOut(BaseModel):
    id: int


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


MODELS: list[type[BaseModel]] = [
    StatsOut,
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
    ReportIn,
    ReportOut,
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
    """Every parameter GET /api/v1/certificates accepts, with an example the tests run."""

    def q(name: str, schema: dict[str, Any], text: str, example: str | int) -> dict[str, Any]:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema,
            "description": text,
            "example": example,
        }

    def several(pattern: str) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^\\s*{pattern}\\s*(,\\s*{pattern}\\s*)*$"}

    return [
        q(
            "q",
            {"type": "string", "maxLength": 10000},
            "What a person types: names (zh/en), scope words, a number or its start, a credit code. Words that "
            "name a place, star level, scheme, body or business type narrow that facet (see `understood`).",
            "朝阳区 超市",
        ),
        q("scheme", {"type": "string"}, "Scheme codes, comma-separated (any of them)", "GB/T 27922-2011"),
        q("stars", several("[1-5]"), "Star levels, comma-separated (any of them)", "4,5"),
        q(
            "status",
            several("(valid|suspended|revoked|withdrawn|expired)"),
            "Verdicts, comma-separated: valid, suspended, revoked, withdrawn, expired",
            "valid",
        ),
        q("body", {"type": "string"}, "Certification body codes, comma-separated", "CNCA-R-2016-188"),
        q(
            "region",
            several("[0-9]{6}"),
            "GB/T 2260 region codes, comma-separated; a province or city includes everything under it",
            "110000",
        ),
        q(
            "business_type",
            {"type": "string", "pattern": "^[a-z_, ]+$"},
            "Business type codes, comma-separated",
            "supermarket",
        ),
        q("sort", {"type": "string", "enum": ["relevance", "stars", "expires"]}, "Order of results", "stars"),
        q("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "Page number, from 1", 1),
        q("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Results per page (max 100)", 20),
        q(
            "understand",
            {"type": "string", "enum": ["0", "1", "false", "true", "no", "yes"]},
            "0 to search every word of q as text",
            "1",
        ),
    ]


@cache
def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in MODELS:
        doc = model.model_json_schema(
            ref_template=REF, mode="validation" if model in (CertificateIn, EventIn, ReportIn) else "serialization"
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
            "/api/v1/stats": {
                "get": {
                    "operationId": "registerStats",
                    "summary": "Counts by verdict, star level, scheme, body, region (a tree) and business type",
                    "responses": _responses(
                        {"200": {"description": "Register statistics", "content": _json("StatsOut")}}
                    ),
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
            "/api/v1/certificates/{number}/proof": {
                "get": {
                    "operationId": "getProof",
                    "summary": "A c2sp.org/tlog-proof@v1 that the certificate's latest (or given) event is in the log",
                    "parameters": [
                        NUMBER,
                        {
                            "name": "index",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0, "maximum": 10**17},
                        },
                    ],
                    "responses": _responses(
                        {
                            "200": {
                                "description": "The proof: entry (extra), index, inclusion hashes, signed checkpoint",
                                "content": {"text/plain": {"schema": {"type": "string"}}},
                            }
                        },
                        ("400", "Bad index"),
                        ("404", "No such certificate, or the index is not one of its events"),
                        ("503", "The log has no key yet"),
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
            "/api/v1/reports": {
                "post": {
                    "operationId": "fileReport",
                    "summary": "Report a suspicious mark or certificate (no account, no personal data needed)",
                    "requestBody": {"required": True, "content": _json("ReportIn")},
                    "responses": _responses(
                        {"201": {"description": "Stored", "content": _json("ReportOut")}},
                        ("400", "Malformed JSON"),
                        ("413", "Too large"),
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
