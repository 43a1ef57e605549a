"""Every worker of a real server answers searches exactly after a write, and so does a fresh server."""

from __future__ import annotations

import json
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from registry.bodies.service import issue_key
from registry.db import commit
from tests.conftest import issue
from tests.servers import gunicorn, request, server_env

pytestmark = pytest.mark.slow


def search(url: str, **params: str) -> dict:  # type: ignore[type-arg]
    status, body, _headers = request(url + "/api/v1/certificates?" + urllib.parse.urlencode(params))
    assert status == 200, body[:500]
    return json.loads(body)


def exact(url: str, name: str, status: str, stars: int) -> list[str]:
    """Problems with what `url` answers about the one certificate of holder `name` (empty: all exact)."""
    problems = []
    found = search(url, q=name)
    if found["total"] != 1 or len(found["items"]) != 1:
        problems.append(f"q={name}: {found['total']} hits")
    if found["facets"].get("status") != {status: 1}:
        problems.append(f"status facet {found['facets'].get('status')}")
    if found["facets"].get("stars") != {str(stars): 1}:
        problems.append(f"stars facet {found['facets'].get('stars')}")
    for other in ("valid", "suspended"):
        total = search(url, q=name, status=other)["total"]
        if total != (other == status):
            problems.append(f"status={other}: {total}")
    for level in (2, 3, 4):
        total = search(url, q=name, stars=str(level))["total"]
        if total != (level == stars):
            problems.append(f"stars={level}: {total}")
    return problems


def everywhere(url: str, name: str, status: str, stars: int, requests: int = 16) -> None:
    """Several concurrent clients (so both workers answer), retried for at most 2 s after the write."""
    deadline = time.monotonic() + 2.0
    while True:
        with ThreadPoolExecutor(4) as pool:
            problems = [p for ps in pool.map(lambda _: exact(url, name, status, stars), range(requests)) for p in ps]
        if not problems or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert problems == []


def test_workers_and_a_fresh_server_answer_exactly_after_writes(app, app_config, session, body, minter) -> None:  # type: ignore[no-untyped-def]
    certs = [issue(session, body, minter, holder={"name_zh": f"北京真相测试{n}超市有限公司"}) for n in "甲乙丙"]
    _row, key = issue_key(session, body.code)
    commit(session)
    target = certs[1]
    name = target.holder.name_zh
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    env = server_env(app_config)
    with gunicorn(env, 2) as server:
        everywhere(server.url, name, "valid", 4)
        status, answer, _h = request(
            f"{server.url}/api/v1/certificates/{target.number}/events",
            "POST",
            json.dumps({"type": "suspend", "reason": "audit"}).encode(),
            auth,
        )
        assert status in (200, 201), answer
        everywhere(server.url, name, "suspended", 4)
        status, answer, _h = request(
            f"{server.url}/api/v1/certificates/{target.number}/events",
            "POST",
            json.dumps({"type": "reinstate"}).encode(),
            auth,
        )
        assert status in (200, 201), answer
        status, answer, _h = request(
            f"{server.url}/api/v1/certificates/{target.number}/events",
            "POST",
            json.dumps({"type": "amend", "star_level": 3, "score": 80}).encode(),
            auth,
        )
        assert status in (200, 201), answer
        everywhere(server.url, name, "valid", 3)
        assert search(server.url, q="北京真相测试")["total"] == 3
        log = server.log()
    assert "Traceback" not in log, log[-3000:]
    with gunicorn(env, 2) as fresh:
        everywhere(fresh.url, name, "valid", 3)
        log = fresh.log()
    assert "Traceback" not in log, log[-3000:]
