"""A posting's counts can leave out the day's daily runs and still read only the index.

The live numbers of a posting hold back the daily runs of the day in progress (they would give
the day's verdicts away), so their count reads ``daily`` and ``day`` beside ``posting_id`` and
``hired``: the index on the posting now carries all four.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_applications_posting", "applications", ["posting_id", "daily", "day", "hired"]
    )
    op.drop_index("ix_applications_posting_hired", table_name="applications")


def downgrade() -> None:
    op.create_index("ix_applications_posting_hired", "applications", ["posting_id", "hired"])
    op.drop_index("ix_applications_posting", table_name="applications")
