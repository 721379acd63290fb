"""Reading the operator's environment: each variable parsed once, strictly, by name.

A value that cannot mean what the README says it means stops the app with one line naming the
variable and what it takes (:class:`ConfigError`), never a traceback and never a quiet fall-back
to the default. An unset or empty variable means its default. Nothing here imports Flask, so the
stats package and the gunicorn settings can use it too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

FLAGS = {"0": False, "1": True}


class ConfigError(RuntimeError):
    """The app is misconfigured (for example, no SECRET_KEY in production, or a bad value)."""


def raw(name: str) -> str:
    """The variable's value with surrounding blanks removed ("" when unset)."""
    return os.environ.get(name, "").strip()


def integer(name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    """A whole number from ``minimum`` (to ``maximum``), or ``default`` when unset."""
    text = raw(name)
    if not text:
        return default
    span = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number {span}, not {text!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} must be a whole number {span}, not {text!r}")
    return value


def flag(name: str, default: bool) -> bool:
    """``1`` (on) or ``0`` (off), or ``default`` when unset."""
    text = raw(name)
    if not text:
        return default
    if text not in FLAGS:
        raise ConfigError(f"{name} must be 1 (on) or 0 (off), not {text!r}")
    return FLAGS[text]


def choice(name: str, default: str, choices: Sequence[str]) -> str:
    """One of ``choices`` (any case; returned as listed), or ``default`` when unset."""
    text = raw(name)
    if not text:
        return default
    for option in choices:
        if text.upper() == option.upper():
            return option
    raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {text!r}")
