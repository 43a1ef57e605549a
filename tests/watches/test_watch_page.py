"""The /verify results offer to watch what was checked; the page shows the secret once."""

import re

from sqlalchemy import select

from registry.watches.models import WatchTarget
from tests.conftest import issue
from tests.watches.conftest import holder


def csrf(client):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/verify").get_data(as_text=True)).group(1)


def test_watch_what_was_checked(client, session, body, minter, allow_local):
    a = issue(session, body, minter)
    issue(session, body, minter, holder=holder(7, "北京页面关注有限公司"))
    token = csrf(client)
    items = f"{a.number}\n北京页面关注有限公司\nNOPE-0001"
    page = client.post("/verify?lang=en", data={"csrf_token": token, "items": items}).get_data(as_text=True)
    assert "Watch these 2 certificates and holders" in page
    numbers = re.search(r'name="numbers" value="([^"]*)"', page).group(1)
    codes = re.search(r'name="credit_codes" value="([^"]*)"', page).group(1)
    assert (numbers, codes) == (a.number, holder(7)["credit_code"])
    data = {"csrf_token": token, "numbers": numbers, "credit_codes": codes, "url": "http://127.0.0.1:8125/hook"}
    done = client.post("/verify/watch?lang=en", data=data)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "whsec_" in text and "/feeds/watches/wat_" in text
    targets = set(session.execute(select(WatchTarget.kind, WatchTarget.value)).all())
    assert targets == {("number", a.number), ("credit_code", holder(7)["credit_code"])}
    refused = client.post("/verify/watch", data=data | {"url": "https://10.0.0.1/hook"})
    assert refused.status_code == 422 and "不是公网地址" in refused.get_data(as_text=True)
