"""The verification core: verdict precedence, marks following the register, any input safe."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.db import commit
from registry.signing.keyring import InMemorySigner
from registry.signing.service import TokenMinter
from registry.verification import current_verifier
from tests.conftest import BASE_URL, issue


@pytest.fixture
def verify(app, session):
    def run(text, as_of=None):
        return current_verifier().verify(text, as_of)

    return run


def change(session, body, minter, number, **event):
    Register(session, Actor("test"), body=body, minter=minter).apply(number, EventIn(**event))
    commit(session)


def test_a_fresh_mark_is_valid_and_current(session, body, minter, verify):
    cert = issue(session, body, minter)
    result = verify(f"https://registry.example.cn/V/{cert.token}")
    assert (result.verdict, result.signature, result.mark_current) == ("valid", "valid", True)
    assert result.number == cert.number and result.star_level == 4


def test_scanned_urls_in_any_case_with_stray_spaces(session, body, minter, verify):
    cert = issue(session, body, minter)
    token = cert.token
    messy = f"  HTTPS://Registry.Example.CN/v/{token[:40].lower()} {token[40:]}\n"
    assert verify(messy).verdict == "valid"
    assert verify(token.lower()).verdict == "valid"


def test_every_single_bit_flip_is_forged(session, body, minter, verify):
    import base64

    cert = issue(session, body, minter)
    raw = base64.b32decode(cert.token + "=" * (-len(cert.token) % 8))
    verdicts = set()
    for bit in range(len(raw) * 8):
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 1 << (bit % 8)
        token = base64.b32encode(bytes(flipped)).decode().rstrip("=")
        verdicts.add(verify(token).verdict)
    assert verdicts == {"forged"}


def test_a_mark_minted_for_another_registry_is_forged(session, body, minter, verify):
    cert = issue(session, body, minter)
    other = TokenMinter(minter.signer, "https://other-registry.example.cn")
    assert verify(other.mint(cert)).verdict == "forged"


def test_a_mark_from_an_unknown_key_is_forged(session, body, minter, verify):
    cert = issue(session, body, minter)
    stranger = TokenMinter(InMemorySigner(), BASE_URL)
    result = verify(stranger.mint(cert))
    assert result.verdict == "forged" and "never published" in result.reason_en


def test_revoked_key_makes_its_marks_forged_until_resigned(session, body, minter, verify, runner, app):
    cert = issue(session, body, minter)
    old_token = cert.token
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    assert verify(old_token).verdict == "valid"
    kid = minter.signer.kid
    assert runner.invoke(args=["keys", "revoke", kid]).exit_code == 0
    result = verify(old_token)
    assert (result.verdict, result.reason_en) == ("forged", "signing key revoked")
    out = runner.invoke(args=["keys", "resign"])
    assert out.exit_code == 0 and "re-signed 1 certificates" in out.output
    session.expire_all()
    new = verify(session.get(type(cert), cert.id).token)
    assert (new.verdict, new.mark_current) == ("valid", True)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_suspended_certificates_genuine_mark_says_suspended(session, body, minter, verify):
    cert = issue(session, body, minter)
    change(session, body, minter, cert.number, type="suspend", reason="顾客投诉")
    result = verify(cert.token)
    assert (result.verdict, result.signature) == ("suspended", "valid")
    assert "顾客投诉" in result.reason_zh


def test_after_a_star_change_the_old_mark_is_genuine_but_not_current(session, body, minter, verify):
    cert = issue(session, body, minter)
    old = cert.token
    change(session, body, minter, cert.number, type="amend", star_level=3, score=Decimal(82))
    assert cert.token != old
    result = verify(old)
    assert (result.verdict, result.signature, result.mark_current) == ("valid", "valid", False)
    assert [(c.field, c.on_mark, c.in_register) for c in result.changes] == [("star_level", 4, 3)]
    assert verify(cert.token).mark_current is True


def test_renewal_makes_a_new_mark(session, body, minter, verify):
    cert = issue(session, body, minter, issued=dt.date.today() - dt.timedelta(days=800))
    old = cert.token
    change(session, body, minter, cert.number, type="renew")
    assert verify(old).changes[0].field == "expires"


def test_numbers_and_unknowns(session, body, minter, verify):
    cert = issue(session, body, minter)
    result = verify(cert.number.lower())
    assert (result.verdict, result.signature, result.mark_current) == ("valid", "none", None)
    assert verify("NOPE-2020-0001").verdict == "not_found"
    junk = verify("<script>")
    assert (junk.verdict, junk.input_kind) == ("not_found", "unknown") and "not understood" in junk.reason_en


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(max_size=300) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_input_gives_a_verdict_never_an_exception(verify, text):
    result = verify(text)
    assert result.verdict in {"forged", "not_found"}
    # Only what looks like a mark token can be forged; anything else unknown is simply not found.
    assert result.verdict == "not_found" or result.input_kind in ("token", "url")
