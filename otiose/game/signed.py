"""A run's state as a signed token: the run's key (a seed) and its choices, nothing else.

The token carries no outcome: offers, par and the budget are recomputed from the choices every
time. Its signature (itsdangerous, keyed on the app's secret) stops anyone editing the choices,
and ``load`` refuses a token for another applicant or one that no honest run could have made.
"""

from __future__ import annotations

from collections.abc import Mapping

from itsdangerous import BadSignature, URLSafeSerializer

from ..content import Posting
from .run import BUDGET, RunError, check_choices

SALT = "otiose-run"
MAX_TOKEN = 4000  # characters: ten posting ids fit many times over


class BadState(ValueError):
    """A token that was altered, was not issued here, or belongs to another applicant."""


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def dump(secret: str, key: str, applied: tuple[str, ...]) -> str:
    """The signed token of a run."""
    return str(_serializer(secret).dumps([key, list(applied)]))


def load(
    secret: str, token: str, key: str, postings: Mapping[str, Posting], budget: int = BUDGET
) -> tuple[str, ...]:
    """The choices in ``token`` for the run ``key``; BadState if it is not an honest run's."""
    if len(token) > MAX_TOKEN:
        raise BadState("that run link is too long to be one of ours")
    try:
        data = _serializer(secret).loads(token)
    except BadSignature:
        raise BadState("that run link has been altered or was not issued here") from None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[1], list)):
        raise BadState("that run link is not a run")
    if data[0] != key:
        raise BadState("that run link belongs to a different applicant")
    try:
        return check_choices(data[1], postings, budget)
    except RunError as exc:
        raise BadState(f"that run link is not a run this applicant could make: {exc}") from None


def extends(current: tuple[str, ...], incoming: tuple[str, ...]) -> bool:
    """Whether ``incoming`` continues ``current`` (so loading it takes back no application)."""
    return incoming[: len(current)] == current
