"""How every API endpoint is described: spectree reads the pydantic models each view validates
with and answers with, and builds the OpenAPI document from the app's routes.

Views keep their own validation (so every error stays this registry's RFC 9457 problem, in
English and Chinese); spectree only describes them (`skip_validation`).
"""

from __future__ import annotations

import functools
from typing import Any

from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from spectree.utils import get_model_key, parse_code

from registry.problems import PROBLEM_JSON, Problem

TITLE = "Service Certificate Registry API"
COMMON_PROBLEMS = ((429, "Rate limit exceeded; see Retry-After"), (500, "Server error"))
BODY_KEY = {"bodyKey": []}
WATCH_SECRET = {"watchSecret": []}

spec = SpecTree(
    "flask",
    mode="strict",
    annotations=False,
    title=TITLE,
    version="1",
    openapi_version="3.1.0",
    # Component names are the models' own names, nested ones included (CertificateOut, HolderOut).
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    validation_error_model=Problem,
    security_schemes=[
        SecurityScheme(
            name="bodyKey",
            data=SecuritySchemeData(
                type="http",
                scheme="bearer",
                description="A certification body's API key (flask --app registry bodies issue-key)",
            ),
        ),
        SecurityScheme(
            name="watchSecret",
            data=SecuritySchemeData(
                type="http",
                scheme="bearer",
                description="The secret (whsec_...) returned when the watch was created",
            ),
        ),
    ],
)


class Answers(Response):
    """Spectree's responses, with problems served as application/problem+json and `media` for
    answers that are not JSON (a proof is text)."""

    def __init__(self, *codes: str, media: dict[str, dict[str, Any]] | None = None, **models: Any) -> None:
        super().__init__(*codes, **models)
        self.media = media or {}

    def generate_spec(self, naming_strategy: Any = get_model_key) -> dict[str, Any]:
        out = super().generate_spec(naming_strategy)
        for code, model in self.code_models.items():
            if model is Problem:
                answer = out[parse_code(code)]
                answer["content"] = {PROBLEM_JSON: answer["content"]["application/json"]}
        for code, content in self.media.items():
            out[code]["content"] = content
        return out


def answers(
    ok: dict[int, tuple[Any, str]], *problems: tuple[int, str], media: dict[str, dict[str, Any]] | None = None
) -> Answers:
    """The answers of one operation: `ok` maps a status to (model or None, description); every
    problem status gets the Problem model; rate limits and server errors are added to all."""
    models: dict[str, tuple[Any, str]] = {f"HTTP_{code}": (model, text) for code, (model, text) in ok.items()}
    for code, text in (*problems, *COMMON_PROBLEMS):
        models[f"HTTP_{code}"] = (Problem, text)
    return Answers(media=media, **models)


def described(operation_id: str, answers: Answers, **documented: Any) -> Any:
    """Describe a view: its operation id, its answers, and the models of its query, json body,
    headers and security (`documented` is passed on to spectree).

    The view itself is what runs: spectree's per-request wrapper would only copy the finished
    response (its body, status and headers) into a new one, at a cost on every answer. The
    wrapper stays reachable for spectree through `__wrapped__`, so the document still has every
    operation (`tests/api/test_openapi_document.py` checks every route is in it).
    """
    # Spectree adds a validation-error answer to each operation; every operation already
    # answers 500 with a problem, so naming it adds no status the endpoint never sends.
    decorate = spec.validate(
        operation_id=operation_id,
        resp=answers,
        skip_validation=True,
        validation_error_status=500,
        **documented,
    )

    def describe(view: Any) -> Any:
        documented = decorate(view)

        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        # Spectree finds a view's description by following `__wrapped__` (functools' protocol).
        run.__wrapped__ = documented  # type: ignore[attr-defined]
        return run

    return describe
