"""The search site's pages, in both languages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.conftest import issue


def test_search_page_highlights_facets_and_empty_state(client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    issue(session, body, holder={"name_zh": "北京华达百货有限公司"})
    page = client.get("/search?q=华达").get_data(as_text=True)
    assert "<mark>华达</mark>" in page and "共 1 张证书" in page
    assert "/search?q=%E5%8D%8E%E8%BE%BE&amp;stars=4" in page or "stars=4" in page  # a clickable facet
    english = client.get("/search?q=华达&lang=en").get_data(as_text=True)
    assert "1 certificate" in english and 'lang="en"' in english
    empty = client.get("/search?q=不存在的名称xyz").get_data(as_text=True)
    assert "没有找到证书" in empty


def test_a_number_or_credit_code_goes_straight_to_the_certificate(client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    cert = issue(session, body)
    for q in (cert.number.lower(), cert.holder.credit_code):
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 302
        assert response.headers["Location"].startswith(f"/certificates/{cert.number}")


def test_out_of_range_page_goes_to_the_last_page(client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    issue(session, body)
    response = client.get("/search?q=测试&page=999")
    assert response.status_code == 302 and "page=1" in response.headers["Location"]


def test_directory_schemes_stats_and_home(client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    issue(session, body)
    for lang in ("zh", "en"):
        for path in ("/", "/bodies", "/schemes", "/stats"):
            response = client.get(f"{path}?lang={lang}")
            assert response.status_code == 200, path
            assert "cdn" not in response.get_data(as_text=True).lower()
    assert "<svg" in client.get("/stats").get_data(as_text=True)
    assert "测试认证中心" in client.get("/bodies").get_data(as_text=True)
    assert 'role="search"' in client.get("/").get_data(as_text=True)


def test_results_name_the_scheme_in_the_page_language(client, session: Session, body) -> None:  # type: ignore[no-untyped-def]
    # The scheme's Chinese short name is the one printed on Chinese marks ("售后服务"), not "GB/T 27922".
    issue(session, body, holder={"name_zh": "北京华达百货有限公司"})
    chinese = client.get("/search?q=华达").get_data(as_text=True)
    english = client.get("/search?q=华达&lang=en").get_data(as_text=True)
    assert "· 售后服务 ·" in chinese and "· GB/T 27922 ·" not in chinese
    assert "· GB/T 27922 ·" in english and "售后服务 ·" not in english
