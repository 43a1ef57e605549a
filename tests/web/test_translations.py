"""The UI message catalogs: complete, compiled, and chosen by the page language."""

from __future__ import annotations

import io
from decimal import Decimal

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.conftest import issue, project_root

TRANSLATIONS = project_root() / "registry" / "web" / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
ZH_MO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.mo"


def _messages(catalog) -> dict[tuple[str | None, object], object]:  # type: ignore[no-untyped-def]
    def key(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(m.context, key(m.id)): key(m.string) for m in catalog if m.id}


def test_committed_mo_matches_the_po():
    """The .mo served at run time is what `pybabel compile` makes of the .po (run `make translations`)."""
    with ZH_PO.open("rb") as f:
        po = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    with ZH_MO.open("rb") as f:
        committed = read_mo(f)
    assert _messages(committed) == _messages(read_mo(compiled))


def test_every_ui_string_in_the_code_has_a_chinese_translation():
    """Strings added or changed in the templates or views need `make translations` and a translation."""
    with (project_root() / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    in_code = {
        (context, message[0] if isinstance(message, tuple) else message)
        for _, _, message, _, context in extract_from_dir(str(project_root()), method_map, options_map)
    }
    with ZH_PO.open("rb") as f:
        po = read_po(f)
    translated = {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in po
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    assert in_code, "extraction found no messages: check babel.cfg"
    assert sorted(in_code - translated, key=str) == []


def test_language_comes_from_the_query_then_the_browser_then_chinese(client):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    chinese = client.get("/schemes").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and "满分" in chinese and "Full score" not in chinese
    english = client.get("/schemes", headers=english_browser).get_data(as_text=True)
    assert '<html lang="en">' in english and "Full score" in english and "满分" not in english
    asked = client.get("/schemes?lang=zh", headers=english_browser).get_data(as_text=True)
    assert "满分" in asked and 'href="/schemes?lang=en"' in asked


def test_error_titles_and_plurals_are_translated(client, session, body):
    assert "未找到" in client.get("/no-such-page").get_data(as_text=True)
    assert "<h1>Not found</h1>" in client.get("/no-such-page?lang=en").get_data(as_text=True)
    cert = issue(session, body, star_level=1, score=Decimal(65))
    assert "1 star · score 65 / 100" in client.get(f"/certificates/{cert.number}?lang=en").get_data(as_text=True)
    assert "1 星 · 得分 65 / 100" in client.get(f"/certificates/{cert.number}").get_data(as_text=True)
