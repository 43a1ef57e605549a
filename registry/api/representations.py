"""How certificates and events look in JSON: built as their response models, answered from them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from flask import Response, jsonify
from pydantic import BaseModel

from registry.certificates.chain import format_time
from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.schemas import CertificateOut, EventOut, HolderOut, NamedOut
from registry.certificates.validation import score_out
from registry.certificates.verdicts import verdict_of


def body_of(model: BaseModel) -> dict[str, Any]:
    """A response model as the JSON body: the fields that were set, in declared order."""
    return model.model_dump(mode="json", exclude_unset=True)


def answer(model: BaseModel, status: int = 200) -> Response:
    """A JSON response from a response model."""
    response = jsonify(body_of(model))
    response.status_code = status
    return response


def certificate_urls(cert_number: str, token: str | None, base_url: str) -> dict[str, str | None]:
    """Where a certificate's scan page and printable mark live."""
    from registry.signing.marks import mark_version

    return {
        "verify_url": f"{base_url}/v/{token}" if token else None,
        "mark_url": f"{base_url}/certificates/{quote(cert_number)}/mark.svg?v={mark_version(token)}" if token else None,
        "page_url": f"{base_url}/certificates/{quote(cert_number)}",
    }


def certificate_out(cert: Certificate, base_url: str, day: dt.date) -> CertificateOut:
    """A certificate as the API shows it, with its verdict on `day`."""
    return CertificateOut(
        number=cert.number,
        verdict=verdict_of(cert.status, cert.expires, day),
        status=cert.status,
        star_level=cert.star_level,
        score=score_out(cert.score),
        scheme=NamedOut(code=cert.scheme.code, name_zh=cert.scheme.name_zh, name_en=cert.scheme.name_en),
        holder=HolderOut(**cert.holder.to_dict()),
        body=NamedOut(**cert.body.to_dict()),
        scope_zh=cert.scope_zh,
        scope_en=cert.scope_en,
        sites=cert.sites,
        evaluation=cert.evaluation,
        issued=cert.issued.isoformat(),
        expires=cert.expires.isoformat(),
        version=cert.version,
        updated_at=format_time(cert.updated_at),
        token=cert.token,
        **certificate_urls(cert.number, cert.token, base_url),
    )


def certificate_as_of_out(cert: Certificate, state: dict[str, Any], base_url: str, day: dt.date) -> CertificateOut:
    """A certificate as the register recorded it in effect on `day` (no updated_at; as_of last)."""
    current = certificate_out(cert, base_url, day)
    expires = dt.date.fromisoformat(state["expires"])
    fields = current.model_dump(exclude_unset=True, exclude={"updated_at"})
    fields.update(
        {
            "verdict": verdict_of(state["status"], expires, day),
            "status": state["status"],
            "star_level": state["star_level"],
            "score": state["score"],
            "scope_zh": state["scope_zh"],
            "scope_en": state["scope_en"],
            "sites": state["sites"],
            "issued": state["issued"],
            "expires": state["expires"],
            "version": state["version"],
            "token": state.get("token"),
            **certificate_urls(cert.number, state.get("token"), base_url),
            "as_of": day.isoformat(),
        }
    )
    return CertificateOut(**fields)


def event_out(event: CertificateEvent) -> EventOut:
    """One history entry."""
    return EventOut(
        seq=event.seq,
        # Its leaf in the transparency log (GET .../proof?index=N proves it is there).
        log_index=event.seq - 1,
        type=event.type,
        effective=event.effective.isoformat(),
        recorded_at=format_time(event.recorded_at),
        actor=event.actor,
        request_id=event.request_id,
        reason=event.reason,
        details=event.details,
        state=event.state,
        hash=event.hash,
    )
