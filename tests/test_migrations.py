"""The models and the migrations describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import registry.models  # noqa: F401
from registry.db import Base


def test_models_and_migrations_agree(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_the_chain_head_row_is_created_by_the_migration(session):
    from registry.certificates.models import ChainHead

    head = session.get(ChainHead, 1)
    assert head is not None and head.seq == 0 and head.hash == "0" * 64


def test_a_register_from_before_these_migrations_upgrades_with_its_rows(tmp_path):
    """An existing SQLite register (revision 0002, bodies with keys) upgrades in place; nothing dangles."""
    from sqlalchemy import text

    from registry.cli.db import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO bodies (id, code, name_zh, name_en, status, created_at)"
                " VALUES (1, 'CNCA-R-2000-001', '旧认证机构', 'Old body', 'active', '2025-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_keys (id, body_id, prefix, key_hash, created_at)"
                " VALUES (1, 1, 'scr_old', :h, '2025-01-01 00:00:00')"
            ),
            {"h": "0" * 64},
        )
    upgrade(url, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT code FROM bodies")).scalar() == "CNCA-R-2000-001"
        assert conn.execute(text("SELECT body_id FROM api_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    engine.dispose()
