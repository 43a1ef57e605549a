"""How certificates, events and schemes look in JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from registry.certificates.chain import format_time
from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.validation import score_out
from registry.certificates.verdicts import verdict_of


def certificate_urls(cert_number: str, token: str | None, base_url: str) -> dict[str, str | None]:
    """Where a certificate's scan page and printable mark live."""
    from registry.signing.marks import mark_version

    return {
        "verify_url": f"{base_url}/v/{token}" if token else None,
        "mark_url": f"{base_url}/certificates/{quote(cert_number)}/mark.svg?v={mark_version(token)}" if token else None,
        "page_url": f"{base_url}/certificates/{quote(cert_number)}",
    }


def certificate_json(cert: Certificate, base_url: str, day: dt.date) -> dict[str, Any]:
    """A certificate as the API shows it, with its verdict on `day`."""
    return {
        "number": cert.number,
        "verdict": verdict_of(cert.status, cert.expires, day),
        "status": cert.status,
        "star_level": cert.star_level,
        "score": score_out(cert.score),
        "scheme": {"code": cert.scheme.code, "name_zh": cert.scheme.name_zh, "name_en": cert.scheme.name_en},
        "holder": cert.holder.to_dict(),
        "body": cert.body.to_dict(),
        "scope_zh": cert.scope_zh,
        "scope_en": cert.scope_en,
        "sites": cert.sites,
        "evaluation": cert.evaluation,
        "issued": cert.issued.isoformat(),
        "expires": cert.expires.isoformat(),
        "version": cert.version,
        "updated_at": format_time(cert.updated_at),
        "token": cert.token,
        **certificate_urls(cert.number, cert.token, base_url),
    }


def certificate_as_of_json(cert: Certificate, state: dict[str, Any], base_url: str, day: dt.date) -> dict[str, Any]:
    """A certificate as the register recorded it in effect on `day`."""
    expires = dt.date.fromisoformat(state["expires"])
    current = certificate_json(cert, base_url, day)
    current.update(
        {
            "as_of": day.isoformat(),
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
        }
    )
    current.pop("updated_at")
    return current


def event_json(event: CertificateEvent) -> dict[str, Any]:
    """One history entry."""
    return {
        "seq": event.seq,
        # Its leaf in the transparency log (GET .../proof?index=N proves it is there).
        "log_index": event.seq - 1,
        "type": event.type,
        "effective": event.effective.isoformat(),
        "recorded_at": format_time(event.recorded_at),
        "actor": event.actor,
        "request_id": event.request_id,
        "reason": event.reason,
        "details": event.details,
        "state": event.state,
        "hash": event.hash,
    }
