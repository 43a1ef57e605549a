"""holders' name keys (checks by name), stored receipts, watch lists and the webhook outbox

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-30 15:19:09.172751
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import registry.db
from registry.organisations.names import name_key

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("checked_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    op.create_table(
        "watches",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    )
    op.create_table(
        "watch_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["watches.id"], name=op.f("fk_watch_targets_watch_id_watches"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_targets")),
        sa.UniqueConstraint("watch_id", "kind", "value", name=op.f("uq_watch_targets_watch_id")),
    )
    with op.batch_alter_table("watch_targets", schema=None) as batch_op:
        batch_op.create_index("ix_watch_targets_kind_value", ["kind", "value"], unique=False)

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("watch_id", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["watches.id"], name=op.f("fk_webhook_deliveries_watch_id_watches"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_deliveries_state_next", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_deliveries_watch_id"), ["watch_id"], unique=False)

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("name_en_key", sa.String(length=300), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_organisations_name_en_key"), ["name_en_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_name_key"), ["name_key"], unique=False)

    # Existing holders get their name keys computed here, once.
    conn = op.get_bind()
    orgs = sa.table(
        "organisations",
        sa.column("id"),
        sa.column("name_zh"),
        sa.column("name_en"),
        sa.column("name_key"),
        sa.column("name_en_key"),
    )
    rows = conn.execute(sa.select(orgs.c.id, orgs.c.name_zh, orgs.c.name_en)).all()
    update = (
        orgs.update()
        .where(orgs.c.id == sa.bindparam("oid"))
        .values(name_key=sa.bindparam("k"), name_en_key=sa.bindparam("ek"))
    )
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        conn.execute(update, [{"oid": r.id, "k": name_key(r.name_zh), "ek": name_key(r.name_en or "")} for r in chunk])
    # The models keep no server default: every writer sets the keys.
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.alter_column("name_key", server_default=None)
        batch_op.alter_column("name_en_key", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_name_key"))
        batch_op.drop_index(batch_op.f("ix_organisations_name_en_key"))
        batch_op.drop_column("name_en_key")
        batch_op.drop_column("name_key")

    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_watch_id"))
        batch_op.drop_index("ix_webhook_deliveries_state_next")

    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("watch_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_watch_targets_kind_value")

    op.drop_table("watch_targets")
    op.drop_table("watches")
    op.drop_table("receipts")
