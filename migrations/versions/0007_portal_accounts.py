"""portal accounts: users, failed sign-ins, pending uploads, bodies' contact details

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-30 15:18:22.672846
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import registry.db

revision: str = "0007"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=254), nullable=False),
        sa.Column("failed_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_scope_key", ["scope", "key", "failed_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_users_body_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_body_id"), ["body_id"], unique=False)

    op.create_table(
        "pending_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_pending_uploads_body_id_bodies")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_pending_uploads_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_uploads")),
        sa.UniqueConstraint("token", name=op.f("uq_pending_uploads_token")),
    )
    with op.batch_alter_table("pending_uploads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_uploads_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_uploads_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), server_default="", nullable=False))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("contact_address", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("website", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("require_totp", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("require_totp")
        batch_op.drop_column("website")
        batch_op.drop_column("contact_address")
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_email")

    with op.batch_alter_table("pending_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_uploads_user_id"))
        batch_op.drop_index(batch_op.f("ix_pending_uploads_body_id"))

    op.drop_table("pending_uploads")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_body_id"))

    op.drop_table("users")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_scope_key")

    op.drop_table("login_failures")
