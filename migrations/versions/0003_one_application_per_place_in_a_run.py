"""One application per place in a run, so a replayed cookie cannot count past the budget.

A run's state is the player's signed cookie. An old copy of it (or two tabs applying at once
from one state) applies again in a place the run has already filled, and each such apply went
in as a new row: a daily run could count more applications, and more offers, than the budget.
Each row now records its place in the run (``slot``, 0 to the budget less one), unique per run.
Rows written before this revision have none and are left as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("slot", sa.Integer(), nullable=True))
    op.create_index("uq_applications_run_slot", "applications", ["run", "slot"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_applications_run_slot", table_name="applications")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("slot")
