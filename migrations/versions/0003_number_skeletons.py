"""number skeletons: look-alike certificate numbers are found by what they look like

Revision ID: 0003
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from registry.certificates.validation import number_skeleton

revision: str = "0003"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("certificates", sa.Column("number_skeleton", sa.String(length=40), nullable=True))
    certificates = sa.table("certificates", sa.column("id", sa.Integer), sa.column("number", sa.String))
    skeletons = sa.table("certificates", sa.column("id", sa.Integer), sa.column("number_skeleton", sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(certificates.c.id, certificates.c.number)).all()
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        conn.execute(
            skeletons.update().where(skeletons.c.id == sa.bindparam("row_id")),
            [{"row_id": id_, "number_skeleton": number_skeleton(number)} for id_, number in chunk],
        )
    op.create_index(op.f("ix_certificates_number_skeleton"), "certificates", ["number_skeleton"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_certificates_number_skeleton"), table_name="certificates")
    op.drop_column("certificates", "number_skeleton")
