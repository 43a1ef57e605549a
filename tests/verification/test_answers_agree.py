"""After any writes, what an officer reads agrees with the register: the API's answer, the signed
receipt, the receipt page and the results CSV, each against a plain read of the rows."""

import csv
import datetime as dt
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from registry.certificates.models import Certificate
from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit, rollback
from registry.errors import Conflict, ValidationError
from registry.verification.receipts import check_receipt
from tests.conftest import certificate_input
from tests.web.test_verify_page import token_of

CHANGES = ("suspend", "reinstate", "revoke", "withdraw", "renew")
WORDS = {
    "valid": "Valid",
    "suspended": "Suspended",
    "revoked": "Revoked",
    "withdrawn": "Withdrawn",
    "expired": "Expired",
    "not_found": "Not found",
}


def oracle(session, numbers: list[str]) -> list[str]:
    """The verdict on each number from its row alone: final statuses stand, then a passed expiry."""
    rows = dict(session.execute(select(Certificate.number, Certificate).where(Certificate.number.in_(numbers))).all())
    out = []
    for n in numbers:
        c = rows.get(n)
        if c is None:
            out.append("not_found")
        elif c.status in ("revoked", "withdrawn"):
            out.append(c.status)
        elif c.expires < today():
            out.append("expired")
        else:
            out.append(c.status)
    return out


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lifetimes=st.lists(st.integers(min_value=-30, max_value=400), min_size=3, max_size=3),
    changes=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(CHANGES)), max_size=6),
)
def test_api_receipt_page_and_csv_agree_with_the_rows(client, session, body, minter, lifetimes, changes):
    issuer = Register(session, Actor("test"), body=body, minter=minter)
    numbers = []
    for days in lifetimes:
        cert, _ = issuer.issue(certificate_input(expires=today() + dt.timedelta(days=days)))
        numbers.append(cert.number)
    commit(session)
    for index, kind in changes:
        try:
            Register(session, Actor("test"), body=body, minter=minter).apply(numbers[index], EventIn(type=kind))
            commit(session)
        except (Conflict, ValidationError):
            rollback(session)
    items = [*numbers, "NOPE-2025-000001"]
    expected = oracle(session, items)

    answer = client.post("/api/v1/verify", json={"items": items}).get_json()
    assert [r["verdict"] for r in answer["results"]] == expected

    check = check_receipt(answer["receipt"], client.get("/.well-known/jwks.json").get_json())
    assert check.valid and [r["verdict"] for r in check.payload["results"]] == expected

    page = client.get(f"/r/{answer['receipt_id']}?lang=en").get_data(as_text=True)
    assert re.findall(r'<tr class="row-([a-z_]+)">', page) == expected

    csrf = token_of(client, "en")
    raw = client.post("/verify/results.csv?lang=en", data={"csrf_token": csrf, "receipt": answer["receipt"]}).data
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[1:]
    assert [(row[0], row[3]) for row in rows] == [(n, WORDS[v]) for n, v in zip(items, expected, strict=True)]
