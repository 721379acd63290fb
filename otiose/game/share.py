"""The share text of a run: score against par and one mark per application, grouped by era.

It names no posting and no filter, so a friend who has not played the same applicant yet learns
nothing from it but how well this player read the ads.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..content.models import Era
from ..words import plural
from .run import RunReport

HIRED_MARK = "🟩"
REJECTED_MARK = "🟥"


def share_text(report: RunReport, eras: Sequence[Era], label: str, link: str) -> str:
    """The text: ``label`` ("Otiose daily No. 4", "Otiose run k7q2m9xd"), score, marks, link."""
    lines = [
        label,
        f"{plural(report.score, 'offer')} of a possible {report.par}, "
        f"{report.spent} of {report.budget} applications",
    ]
    for era in eras:
        marks = "".join(
            HIRED_MARK if v.hired else REJECTED_MARK for v in report.verdicts if v.era.id == era.id
        )
        if marks:
            lines.append(f"{era.name} {marks}")
    lines.append(link)
    return "\n".join(lines)
