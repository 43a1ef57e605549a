"""reports from the public; Chinese short names of schemes (bodies' contacts come with 0007)

Revision ID: 0004
Revises: 0007
Create Date: 2026-11-22 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import registry.db

revision: str = "0004"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name_zh", sa.String(length=32), server_default="", nullable=False))
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=400), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_reports_body_id_bodies")),
        sa.ForeignKeyConstraint(
            ["certificate_id"], ["certificates.id"], name=op.f("fk_reports_certificate_id_certificates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_certificate_id"), ["certificate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("reports")
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.drop_column("short_name_zh")
