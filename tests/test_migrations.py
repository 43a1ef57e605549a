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
