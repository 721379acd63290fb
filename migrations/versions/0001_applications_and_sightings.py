"""Applications and sightings: the anonymous counts behind the live numbers.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run", sa.String(32), nullable=False),
        sa.Column("posting_id", sa.String(120), nullable=False),
        sa.Column("era", sa.String(60), nullable=False),
        sa.Column("hired", sa.Boolean(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("run", "posting_id", name="uq_applications_run_posting"),
    )
    op.create_index("ix_applications_posting_hired", "applications", ["posting_id", "hired"])
    op.create_index("ix_applications_day_daily", "applications", ["day", "daily", "run"])
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("specimen_id", sa.String(120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_index("ix_sightings_specimen", "sightings", ["specimen_id"])
    op.create_index("ix_sightings_day_specimen", "sightings", ["day", "specimen_id"])


def downgrade() -> None:
    op.drop_table("sightings")
    op.drop_table("applications")
