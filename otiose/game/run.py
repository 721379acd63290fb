"""A dealt run: a budget of applications, par, and what the player should have read in the ads.

The player gets ``BUDGET`` applications and each one is final. Par is the most offers this
applicant could have got with the same budget: every posting they pass is an offer, so par is
``min(budget, postings they pass)`` (the tests check that against every subset of small boards).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..content import Library, Posting
from .board import Board, Verdict, passable
from .character import Character

BUDGET = 10  # applications per dealt run; the one place this number lives


class RunError(ValueError):
    """A list of choices that no honest run could have made; the message says why."""


def check_choices(
    ids: Iterable[object], postings: Mapping[str, Posting], budget: int = BUDGET
) -> tuple[str, ...]:
    """The choices as posting ids, refused if any is unknown, repeated, or over the budget."""
    seen: list[str] = []
    for pid in ids:
        if not isinstance(pid, str) or pid not in postings:
            raise RunError(f"no posting {str(pid)[:80]!r} on the board")
        if pid in seen:
            raise RunError(f"posting {pid!r} applied to twice")
        seen.append(pid)
        if len(seen) > budget:
            raise RunError(f"more than {budget} applications")
    return tuple(seen)


def spend(
    applied: tuple[str, ...], posting_id: str, postings: Mapping[str, Posting], budget: int = BUDGET
) -> tuple[str, ...]:
    """The choices after one more application: final, once per posting, within the budget."""
    if posting_id not in postings:
        raise RunError(f"no posting {posting_id[:80]!r} on the board")
    if posting_id in applied:
        raise RunError("you have already applied there; applications are final")
    if len(applied) >= budget:
        raise RunError(f"all {budget} applications are spent")
    return (*applied, posting_id)


def par(library: Library, c: Character, budget: int = BUDGET) -> int:
    """The most offers ``c`` could get with ``budget`` applications."""
    return min(budget, len(passable(library, c)))


@dataclass(frozen=True)
class Giveaway:
    """A rejection, with the requirement line of the ad that said so (when the ad marks one)."""

    verdict: Verdict
    key: str | None  # the failed filter the line gives away
    line: str | None  # that requirement, as the ad printed it


def giveaway(v: Verdict) -> Giveaway:
    """The first failed filter, in key order, whose requirement line the posting marks as a tell."""
    for key in v.failures:
        number = v.posting.tells.get(key)
        if number is not None and 1 <= number <= len(v.posting.requirements):
            return Giveaway(v, key, v.posting.requirements[number - 1])
    return Giveaway(v, None, None)


@dataclass(frozen=True)
class RunReport:
    """A dealt run against its par: offers, what was passed over, what was spent in vain."""

    character: Character
    budget: int
    verdicts: tuple[Verdict, ...]
    par: int
    passed_over: tuple[Posting, ...]  # would have hired them; never applied to
    hopeless: tuple[Giveaway, ...]  # applied to; could never have hired them

    @property
    def score(self) -> int:
        """Offers received."""
        return sum(v.hired for v in self.verdicts)

    @property
    def spent(self) -> int:
        """Applications made."""
        return len(self.verdicts)

    @property
    def left(self) -> int:
        """Applications still to spend."""
        return self.budget - self.spent

    @property
    def finished(self) -> bool:
        """Every application spent: the board can be shown for what it was."""
        return self.left == 0


def run_report(
    board: Board, c: Character, applied: Iterable[object], budget: int = BUDGET
) -> RunReport:
    """Recompute a run from its choices (refused with RunError if they could not be a run)."""
    ids = check_choices(applied, board.library.postings, budget)
    verdicts = tuple(board.verdict(pid, c) for pid in ids)
    hireable = board.hireable(c)
    return RunReport(
        character=c,
        budget=budget,
        verdicts=verdicts,
        par=min(budget, len(hireable)),
        passed_over=tuple(p for p in hireable if p.id not in ids),
        hopeless=tuple(giveaway(v) for v in verdicts if not v.hired),
    )
