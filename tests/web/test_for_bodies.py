"""`/for-bodies`: the onboarding page, linked from every page, with an API reference served locally."""

from __future__ import annotations

import re


def test_every_page_links_to_it(client):
    for path in ("/", "/search", "/verify", "/portal/login"):
        html = client.get(f"{path}?lang=zh").get_data(as_text=True)
        assert 'href="/for-bodies?lang=zh"' in html and "认证机构入口" in html, path


def test_it_explains_joining_the_portal_the_api_the_format_and_the_limits(client):
    en = client.get("/for-bodies?lang=en").get_data(as_text=True)
    for anchor in ('id="join"', 'id="portal"', 'id="api"', 'id="format"', 'id="limits"', 'id="contacts"'):
        assert anchor in en
    assert 'href="/portal/login?lang=en"' in en and 'href="/for-bodies/template.xlsx"' in en
    assert "<code>credit_code</code>" in en and "POST /api/v1/certificates" in en
    zh = client.get("/for-bodies?lang=zh").get_data(as_text=True)
    assert "如何加入" in zh


def test_the_api_reference_lists_every_operation_and_schema_of_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/for-bodies/api?lang=en").get_data(as_text=True)
    for path, item in doc["paths"].items():
        for method in (m for m in item if m in ("get", "put", "post", "patch", "delete")):
            assert f"<code>{method.upper()} {path}</code>" in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    # No script and no asset from another host: it is rendered here.
    assert "<script" not in html
    # Nothing loaded from elsewhere; the only outside link is the ICP filing record in the footer.
    assert not re.search(r'(src|href)="https?://(?!registry\.example\.cn|beian\.miit\.gov\.cn/")', html)


def test_placeholders_in_the_explanations_show_as_text_not_as_markup(client):
    # "<key>" sent raw would be an unknown HTML element: the browser shows "Bearer ;".
    en = client.get("/for-bodies?lang=en").get_data(as_text=True)
    assert "Bearer &lt;key&gt;" in en and "evaluation.&lt;component&gt;" in en
    assert "<key>" not in en and "<component>" not in en
    zh = client.get("/for-bodies?lang=zh").get_data(as_text=True)
    assert "Bearer &lt;密钥&gt;" in zh and "evaluation.&lt;评价项目&gt;" in zh
