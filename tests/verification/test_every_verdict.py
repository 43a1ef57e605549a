"""Every verdict, through the API and through the pages a person sees."""

import datetime as dt
import re

import pytest

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit
from tests.conftest import issue

PAGE_WORDS = {
    "valid": ("有效", "Valid"),
    "suspended": ("暂停", "Suspended"),
    "revoked": ("已撤销", "Revoked"),
    "withdrawn": ("已注销", "Withdrawn"),
    "expired": ("已过期", "Expired"),
    "not_found": ("未找到", "Not found"),
    "forged": ("伪造", "Forged"),
}


def make(session, body, minter, verdict):
    """An input whose verdict should be `verdict`: (text, token or None)."""
    if verdict == "not_found":
        return "NOPE-2024-0001", None
    if verdict == "forged":
        cert = issue(session, body, minter)
        bad = cert.token[:-10] + ("B" if cert.token[-10] != "B" else "C") + cert.token[-9:]
        return bad, bad
    issued = today() - dt.timedelta(days=4 * 365 if verdict == "expired" else 100)
    cert = issue(session, body, minter, issued=issued)
    if verdict in ("suspended", "revoked", "withdrawn"):
        kind = {"suspended": "suspend", "revoked": "revoke", "withdrawn": "withdraw"}[verdict]
        Register(session, Actor("t"), body=body, minter=minter).apply(cert.number, EventIn(type=kind, reason="原因"))
        commit(session)
    return cert.token, cert.token


@pytest.mark.parametrize("verdict", list(PAGE_WORDS))
def test_verdict_through_api_scan_page_and_verify_page(client, session, body, minter, verdict):
    text, token = make(session, body, minter, verdict)
    api = client.post("/api/v1/verify", json={"items": [text]}).json["results"][0]
    assert api["verdict"] == verdict
    if token is not None:
        page = client.get(f"/v/{token}").get_data(as_text=True)
        assert f'<h1 class="verdict-word">{PAGE_WORDS[verdict][0]}' in page
        page_en = client.get(f"/v/{token}?lang=en").get_data(as_text=True)
        assert f'<h1 class="verdict-word">{PAGE_WORDS[verdict][1]}' in page_en
    form = client.get("/verify").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    result = client.post("/verify?lang=en", data={"csrf_token": csrf, "items": text}).get_data(as_text=True)
    assert f"verdict-text-{verdict}" in result and PAGE_WORDS[verdict][1] in result
