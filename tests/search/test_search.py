"""Search over the register: recall, the list API, following writes, surviving a lost index."""

from __future__ import annotations

import random
import shutil
import time

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.service import issue_key
from registry.certificates.models import Certificate
from registry.db import commit
from registry.demo.seed import seed
from registry.organisations.validation import regions
from registry.search import search_service
from registry.search.follower import head
from registry.search.service import SearchRequest
from tests.conftest import certificate_input, issue


def _numbers(app: Flask, session: Session, q: str, per_page: int = 100, **filters: str) -> list[str]:
    page = search_service(app).search(session, SearchRequest(q=q, filters=filters, per_page=per_page))
    return [c.number for c in page.certificates]


def test_known_item_recall_on_demo_data(app: Flask, session: Session) -> None:
    seed(session, 300)
    commit(session)
    certs = list(session.scalars(select(Certificate)))
    rng = random.Random(7)
    checks: list[tuple[str, str, int]] = []  # (query, expected number, how deep it may be)
    for cert in certs:
        name = cert.holder.name_zh
        checks.append((name, cert.number, 10))
        checks.append((cert.number, cert.number, 1))
        checks.append((cert.number[:-3], cert.number, 100))
        checks.append((cert.holder.credit_code, cert.number, 10))
    district_names = {c: str(r["name_zh"]) for c, r in regions().items()}
    for cert in rng.sample(certs, 60):
        name = cert.holder.name_zh
        start = rng.randrange(0, max(1, len(name) - 4))
        checks.append((name[start : start + rng.randint(2, 4)], cert.number, 1000))
        district = district_names.get(cert.holder.region, "")
        if district and district.removesuffix("区") in name:
            checks.append((district.removesuffix("区"), cert.number, 1000))
    found = 0
    for q, number, depth in checks:
        numbers = _numbers(app, session, q, per_page=min(depth, 100))
        if number not in numbers and depth > 100:
            page = search_service(app).search(
                session, SearchRequest(q=q, filters={"body": cert_body(session, number)}, per_page=100)
            )
            numbers = [c.number for c in page.certificates]
        found += number in numbers
    assert found / len(checks) >= 0.99, f"recall {found}/{len(checks)}"


def cert_body(session: Session, number: str) -> str:
    return session.scalar(select(Certificate).where(Certificate.number == number)).body.code


def test_list_api_shape_facets_and_filters(app: Flask, client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    issue(session, body, holder={"name_zh": "北京华达百货有限公司"}, star_level=5, score=95)
    issue(session, body, holder={"name_zh": "北京恒源超市有限公司", "business_type": "supermarket"})
    answer = client.get("/api/v1/certificates?q=华达").get_json()
    assert answer["total"] == 1 and answer["page"] == 1 and answer["per_page"] == 20
    assert answer["items"][0]["holder"]["name_zh"] == "北京华达百货有限公司"
    assert answer["facets"]["stars"] == {"5": 1}
    everything = client.get("/api/v1/certificates").get_json()
    assert everything["total"] == 2
    assert everything["facets"]["business_type"] == {"mall": 1, "supermarket": 1}
    filtered = client.get("/api/v1/certificates?business_type=supermarket&stars=4").get_json()
    assert [i["holder"]["name_zh"] for i in filtered["items"]] == ["北京恒源超市有限公司"]
    by_stars = client.get("/api/v1/certificates?sort=stars&per_page=1&page=2").get_json()
    assert by_stars["items"][0]["star_level"] == 4 and by_stars["total"] == 2
    beyond = client.get("/api/v1/certificates?page=50").get_json()
    assert beyond["items"] == [] and beyond["total"] == 2


def test_list_api_rejects_bad_parameters(client) -> None:  # type: ignore[no-untyped-def]
    for query in (
        "per_page=101",
        "per_page=0",
        "page=0",
        "page=x",
        "stars=6",
        "status=lost",
        "sort=name",
        "business_type=x",
    ):
        response = client.get(f"/api/v1/certificates?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"][0]["field"] == query.split("=")[0]


def test_a_committed_write_is_findable_within_two_seconds(app: Flask, client, session: Session, body, minter) -> None:  # type: ignore[no-untyped-def]
    issue(session, body, minter)
    _numbers(app, session, "")  # the index is now live and current
    store = search_service(app).store
    _key, secret = issue_key(session, body.code)
    commit(session)
    # Written through the API: its commit wakes this process's index follower.
    data = certificate_input(holder={"name_zh": "无锡梁溪区物业服务有限公司"}).model_dump(mode="json")
    response = client.post("/api/v1/certificates", json=data, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_json()
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        state = store.read_state(store.live_dir())  # type: ignore[arg-type]
        if state is not None and state.seq == head(session)[0]:
            break
        time.sleep(0.02)
    else:
        raise AssertionError("the index did not follow the commit within 2 s")
    assert data["number"] in _numbers(app, session, "梁溪区物业服务")
    assert search_service(app).search(session, SearchRequest(q="梁溪")).engine == "index"


def test_deleting_the_index_loses_no_result(app: Flask, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        issue(session, body)
    before = _numbers(app, session, "测试商贸")
    assert len(before) == 5
    store = search_service(app).store
    shutil.rmtree(store.root)
    assert _numbers(app, session, "测试商贸") == before
    assert search_service(app).search(session, SearchRequest(q="测试")).engine == "index"


def test_the_database_answers_while_a_large_rebuild_runs(app: Flask, session: Session, body, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        issue(session, body)
    svc = search_service(app)
    monkeypatch.setattr(svc, "inline_rebuild", 0)
    shutil.rmtree(svc.store.root)
    page = svc.search(session, SearchRequest(q="测试商贸"))
    assert page.total == 3  # answered while the follower thread rebuilds
    deadline = time.monotonic() + 10
    while svc.store.live_dir() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    again = svc.search(session, SearchRequest(q="测试商贸"))
    assert again.engine == "index" and again.total == 3


def test_cli_writes_become_findable_and_index_commands(app: Flask, runner, session: Session) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["demo", "seed", "--count", "20"])
    assert result.exit_code == 0, result.output
    session.rollback()
    number = session.scalar(select(Certificate.number).limit(1))
    assert number in _numbers(app, session, number)
    assert "caught up" in runner.invoke(args=["index", "sync"]).output
    rebuilt = runner.invoke(args=["index", "rebuild"])
    assert rebuilt.exit_code == 0 and "index rebuilt: 20 certificates" in rebuilt.output
    assert number in _numbers(app, session, number)


def test_a_broad_query_counts_every_match_exactly(app: Flask, client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    certs = [issue(session, body) for _ in range(6)]
    page = search_service(app).search(session, SearchRequest(q="测试商贸", per_page=2))
    assert page.engine == "index"
    assert page.total == 6 and sum(page.facets["stars"].values()) == 6
    listed = []
    for n in (1, 2, 3):
        answer = client.get(f"/api/v1/certificates?q=测试商贸&per_page=2&page={n}").get_json()
        assert answer["total_exact"] is True and answer["total"] == 6
        listed += [item["number"] for item in answer["items"]]
    assert sorted(listed) == sorted(c.number for c in certs)  # every match once, across pages


def test_an_index_from_another_schema_version_is_rebuilt(app: Flask, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    import json

    cert = issue(session, body)
    assert cert.number in _numbers(app, session, "测试商贸")
    store = search_service(app).store
    old = store.live_dir()
    assert old is not None
    state = json.loads((old / "state.json").read_text())
    (old / "state.json").write_text(json.dumps({**state, "version": 0}))
    assert cert.number in _numbers(app, session, "测试商贸")
    assert store.live_dir() != old and store.read_state(store.live_dir()) is not None  # type: ignore[arg-type]
