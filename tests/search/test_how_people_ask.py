"""Search by place, star level, scheme, body and business type, on demo data; counts that agree everywhere."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate
from registry.certificates.validation import today
from registry.certificates.verdicts import verdict_sql
from registry.db import commit
from registry.demo.seed import seed
from registry.organisations import regions as region_tree
from registry.organisations.models import Organisation


@pytest.fixture
def demo(session: Session) -> Session:
    seed(session, 400)
    commit(session)
    return session


def everything(client, **params: str) -> list[dict]:  # type: ignore[no-untyped-def]
    items, page = [], 1
    while True:
        answer = client.get("/api/v1/certificates", query_string={**params, "per_page": 100, "page": page}).get_json()
        items += answer["items"]
        if len(items) >= answer["total"]:
            assert len(items) == answer["total"]
            return items
        page += 1


def test_place_star_and_type_words_narrow_the_facets(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    chaoyang = region_tree.descendants("110105") | region_tree.descendants("220104")
    for q in ("朝阳区 超市", "Chaoyang supermarket"):
        items = everything(client, q=q)
        assert items, q
        assert all(i["holder"]["region"] in chaoyang and i["holder"]["business_type"] == "supermarket" for i in items)
        sql = demo.scalar(
            select(func.count())
            .select_from(Certificate)
            .join(Organisation, Organisation.id == Certificate.holder_id)
            .where(Organisation.region.in_(chaoyang), Organisation.business_type == "supermarket")
        )
        assert len(items) == sql
    items = everything(client, q="北京 五星")
    beijing = region_tree.descendants("110000")
    assert items and all(i["holder"]["region"] in beijing and i["star_level"] == 5 for i in items)
    answer = client.get("/api/v1/certificates", query_string={"q": "北京 五星"}).get_json()
    assert {u["facet"] for u in answer["understood"]} == {"region", "stars"} and answer["text"] == ""


def test_regions_roll_up_and_stars_take_several_values(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    beijing = region_tree.descendants("110000")
    answer = client.get("/api/v1/certificates?region=110000&per_page=1").get_json()
    sql = demo.scalar(
        select(func.count())
        .select_from(Certificate)
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .where(Organisation.region.in_(beijing))
    )
    assert answer["total"] == sql > 0
    # The facet shows the next level down: Beijing's districts, summing to the total.
    assert set(answer["facets"]["region"]) <= set(region_tree.children("110000"))
    assert sum(answer["facets"]["region"].values()) == sql
    top = client.get("/api/v1/certificates?per_page=1").get_json()["facets"]["region"]
    assert set(top) <= set(region_tree.children(None)) and top["110000"] == sql
    both = client.get("/api/v1/certificates?stars=4,5&per_page=1").get_json()
    four, five = (client.get(f"/api/v1/certificates?stars={s}&per_page=1").get_json()["total"] for s in (4, 5))
    assert both["total"] == four + five > 0 and set(both["facets"]["stars"]) <= {"4", "5"}
    assert client.get("/api/v1/certificates?stars=4,6").status_code == 400
    assert client.get("/api/v1/certificates?region=999999").status_code == 400


def test_unknown_place_or_star_words_are_plain_text(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/certificates", query_string={"q": "六星 火星区"}).get_json()
    assert answer["understood"] == [] and answer["total"] == 0
    quoted = client.get("/api/v1/certificates", query_string={"q": '"超市"'}).get_json()
    assert quoted["understood"] == [] and quoted["text"] == "超市"


def test_home_stats_api_and_search_totals_agree_with_the_database(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    day = today()
    verdict = verdict_sql(day)
    truth = dict(demo.execute(select(verdict, func.count()).group_by(verdict)).all())
    stats = client.get("/api/v1/stats").get_json()
    assert stats["by_verdict"] == {
        v: truth.get(v, 0) for v in ("valid", "suspended", "revoked", "withdrawn", "expired")
    }
    assert stats["total"] == sum(truth.values()) == sum(r["count"] for r in stats["by_region"])
    home = client.get("/").get_data(as_text=True)
    stats_page = client.get("/stats?lang=en").get_data(as_text=True)
    listing = client.get("/api/v1/certificates?per_page=1").get_json()
    assert listing["facets"]["status"] == {k: v for k, v in stats["by_verdict"].items() if v}
    for name, n in stats["by_verdict"].items():
        shown = re.search(rf'data-verdict-count="{name}">([\d,]+)<', home)
        assert shown and int(shown.group(1).replace(",", "")) == n, name
        assert client.get(f"/api/v1/certificates?status={name}&per_page=1").get_json()["total"] == n
    assert f"<strong>{stats['total']:,}</strong>" in stats_page
    assert listing["facets"]["stars"] == {k: v for k, v in stats["by_star_level"].items() if v}


def test_every_documented_parameter_example_answers(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").get_json()
    params = document["paths"]["/api/v1/certificates"]["get"]["parameters"]
    examples = {p["name"]: str(p["example"]) for p in params}
    assert set(examples) >= {"q", "scheme", "stars", "status", "body", "region", "business_type", "sort", "page"}
    for name, example in examples.items():
        response = client.get("/api/v1/certificates", query_string={name: example})
        assert response.status_code == 200, (name, example, response.get_json())
    assert client.get("/api/v1/certificates", query_string=examples).status_code == 200
    assert "/api/v1/stats" in document["paths"]


def test_search_page_shows_chips_verdicts_expiry_and_every_facet_value(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/search", query_string={"q": "朝阳区 超市"}).get_data(as_text=True)
    assert "地区: 北京市朝阳区 / 吉林省长春市朝阳区" in page and "行业类型: 超市" in page
    assert 'class="chip"' in page and "%22%E6%9C%9D%E9%98%B3%E5%8C%BA%22" in page  # the × link quotes the word
    assert "badge-" in page and "有效期至" in page
    listing = client.get("/search?lang=en").get_data(as_text=True)
    assert "4★ and above" in listing and "<details" in listing  # the rest of the regions behind "more"
    regions = client.get("/api/v1/certificates?per_page=1").get_json()["facets"]["region"]
    for code in regions:
        assert f"region={code}" in listing


def test_the_chinese_short_name_printed_on_marks_finds_its_scheme(client, demo: Session) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/certificates", query_string={"q": "北京零售", "per_page": 1}).get_json()
    assert answer["understood"] == [{"facet": "scheme", "values": ["BJ-RETAIL-SQ"], "words": "北京零售"}]
    assert answer["total"] == client.get("/api/v1/certificates?scheme=BJ-RETAIL-SQ&per_page=1").get_json()["total"] > 0
