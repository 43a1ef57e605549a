"""The certificate page: its state as of a date, kind answers to bad dates, and marks of dead certificates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit
from tests.conftest import issue


def verdict_element(page: str) -> dict[str, str]:
    tag = re.search(r"<p class=\"verdict-badge[^>]*>", page).group(0)
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag))


def change(session, body, minter, number: str, **event) -> None:  # type: ignore[no-untyped-def]
    Register(session, Actor("test"), body=body, minter=minter).apply(number, EventIn(**event))
    commit(session)


def test_as_of_shows_the_state_in_effect_that_day(client, session, body, minter):
    day = today()
    cert = issue(session, body, minter, issued=day - dt.timedelta(days=400))
    change(
        session,
        body,
        minter,
        cert.number,
        type="amend",
        star_level=5,
        score=Decimal(93),
        effective=day - dt.timedelta(days=100),
    )
    change(
        session, body, minter, cert.number, type="suspend", reason="监督发现问题", effective=day - dt.timedelta(days=10)
    )

    now = client.get(f"/certificates/{cert.number}?lang=en").get_data(as_text=True)
    assert verdict_element(now) == {"data-verdict": "suspended", "data-star-level": "5"}
    assert "As recorded for" not in now

    before = (day - dt.timedelta(days=200)).isoformat()
    r = client.get(f"/certificates/{cert.number}?as_of={before}&lang=en")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert verdict_element(page) == {"data-verdict": "valid", "data-star-level": "4", "data-as-of": before}
    assert f"As recorded for {before}" in page and "4 stars · score 86 / 100" in page
    assert f'value="{before}"' in page  # the date field shows the date asked for
    zh = client.get(f"/certificates/{cert.number}?as_of={before}&lang=zh").get_data(as_text=True)
    assert f"{before} 的状态" in zh and "有效" in zh

    between = (day - dt.timedelta(days=50)).isoformat()
    assert verdict_element(client.get(f"/certificates/{cert.number}?as_of={between}").get_data(as_text=True)) == {
        "data-verdict": "valid",
        "data-star-level": "5",
        "data-as-of": between,
    }
    # The page and the API agree on every day.
    for as_of in (before, between, day.isoformat()):
        api = client.get(f"/api/v1/certificates/{cert.number}?as_of={as_of}").json
        page = client.get(f"/certificates/{cert.number}?as_of={as_of}").get_data(as_text=True)
        shown = verdict_element(page)
        assert (shown["data-verdict"], int(shown["data-star-level"])) == (api["verdict"], api["star_level"])


def test_as_of_after_expiry_and_before_issuance(client, session, body, minter):
    cert = issue(session, body, minter)
    later = (cert.expires + dt.timedelta(days=1)).isoformat()
    assert (
        verdict_element(client.get(f"/certificates/{cert.number}?as_of={later}").get_data(as_text=True))["data-verdict"]
        == "expired"
    )
    early = (cert.issued - dt.timedelta(days=1)).isoformat()
    r = client.get(f"/certificates/{cert.number}?as_of={early}&lang=en")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and verdict_element(page) == {"data-verdict": "not_found", "data-as-of": early}
    assert f"On {early} this certificate had not been issued yet: it was issued on {cert.issued.isoformat()}." in page


def test_a_bad_date_is_answered_kindly_in_the_page_language(client, session, body, minter):
    cert = issue(session, body, minter)
    for raw in ("2026-02-30", "20/11/2026", "tomorrow"):
        r = client.get(f"/certificates/{cert.number}", query_string={"as_of": raw, "lang": "zh"})
        page = r.get_data(as_text=True)
        assert r.status_code == 400 and r.mimetype == "text/html"
        assert f"“{raw}”不是有效日期。请按 YYYY-MM-DD 填写" in page
        # Still the certificate's page, with today's state and the date field to try again.
        assert verdict_element(page) == {"data-verdict": "valid", "data-star-level": "4"} and 'id="as_of"' in page
    en = client.get(f"/certificates/{cert.number}?as_of=2026-13-01&lang=en").get_data(as_text=True)
    assert "“2026-13-01” is not a date. Give the date as YYYY-MM-DD" in en
    # An empty field (the form sent without a date) is simply today.
    assert client.get(f"/certificates/{cert.number}?as_of=").status_code == 200


def test_the_language_switch_keeps_the_date(client, session, body, minter):
    cert = issue(session, body, minter)
    day = today().isoformat()
    page = client.get(f"/certificates/{cert.number}?as_of={day}&lang=zh").get_data(as_text=True)
    switch = re.search(r'class="lang-switch" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"as_of={day}" in switch and "lang=en" in switch
    assert f"As recorded for {day}" in client.get(switch).get_data(as_text=True)


def mark_links(page: str) -> list[str]:
    return re.findall(r'href="([^"]*/mark\.(?:svg|png)[^"]*)"', page)


def test_no_mark_download_on_a_revoked_or_withdrawn_certificates_page(client, session, body, minter):
    live = issue(session, body, minter)
    assert len(mark_links(client.get(f"/certificates/{live.number}").get_data(as_text=True))) == 2
    for kind, word in (("revoke", "revoked"), ("withdraw", "withdrawn")):
        cert = issue(session, body, minter)
        change(session, body, minter, cert.number, type=kind, reason="test")
        page = client.get(f"/certificates/{cert.number}?lang=en").get_data(as_text=True)
        assert mark_links(page) == [] and "mark.svg" not in page
        assert f"This certificate has been {word}: its mark must no longer be used" in page
        # Not even when the page shows a day on which it was still valid.
        earlier = (cert.issued + dt.timedelta(days=1)).isoformat()
        assert "mark.svg" not in client.get(f"/certificates/{cert.number}?as_of={earlier}").get_data(as_text=True)


def test_the_mark_of_a_suspended_or_expired_certificate_is_labelled_not_currently_valid(client, session, body, minter):
    suspended = issue(session, body, minter)
    change(session, body, minter, suspended.number, type="suspend", reason="test")
    page = client.get(f"/certificates/{suspended.number}?lang=zh").get_data(as_text=True)
    assert "当前无效：本证书已暂停" in page and len(mark_links(page)) == 2
    expired = issue(
        session, body, minter, issued=today() - dt.timedelta(days=1200), expires=today() - dt.timedelta(days=5)
    )
    page = client.get(f"/certificates/{expired.number}?lang=en").get_data(as_text=True)
    assert "Not currently valid: the certificate has expired" in page and len(mark_links(page)) == 2
    valid = client.get(f"/certificates/{issue(session, body, minter).number}?lang=en").get_data(as_text=True)
    assert "Not currently valid" not in valid
