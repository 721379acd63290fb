"""Reading the operator's environment: each variable parsed once, strictly, by name.

A value that cannot mean what the README says it means stops the app with one line naming the
variable and what it takes (:class:`ConfigError`), never a traceback and never a quiet fall-back
to the default. An unset or empty variable means its default. Nothing here imports Flask, so the
stats package and the gunicorn settings can use it too.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Mapping, Sequence

FLAGS = {"0": False, "1": True}
PREFIX = "OTIOSE_"
# Every OTIOSE_ variable the app or deploy/gunicorn.conf.py reads, each a row of README's
# "Deploying" table (tests/test_settings.py holds the code, this list and the table together).
KNOWN = (
    "OTIOSE_BASE_URL",
    "OTIOSE_TRUSTED_HOSTS",
    "OTIOSE_TRUSTED_PROXIES",
    "OTIOSE_HSTS",
    "OTIOSE_REPO_URL",
    "OTIOSE_CONTENT",
    "OTIOSE_RENDER_CACHE_MB",
    "OTIOSE_WORKERS",
    "OTIOSE_THREADS",
    "OTIOSE_SWITCH_INTERVAL",
    "OTIOSE_BIND",
    "OTIOSE_LOG_LEVEL",
    "OTIOSE_SIGHTING_RATE_LIMIT",
    "OTIOSE_SQLITE_SYNC",
    "OTIOSE_LIVE_RECORD",
    "OTIOSE_LIVE_COUNT_LIMIT",
)
# Variables the test suite and the benchmarks read, never the app: not misspellings of a setting,
# so no warning (README's "Run it" section names them).
TOOLS = ("OTIOSE_PG_BIN",)
_warned = False  # warn_unknown() has spoken in this process


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


def unknown(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each ``OTIOSE_`` variable (in any case) that is not in :data:`KNOWN`,
    naming the known one it is closest to, if any: a misspelt name otherwise changes nothing
    and nobody is told. Only a warning, as other tools may use the prefix too."""
    env = os.environ if environ is None else environ
    known = {name.removeprefix(PREFIX): name for name in KNOWN}
    lines = []
    for name in sorted(env):
        if not name.upper().startswith(PREFIX) or name in KNOWN or name in TOOLS:
            continue
        close = difflib.get_close_matches(name.upper().removeprefix(PREFIX), known, n=1)
        hint = f"; did you mean {known[close[0]]}?" if close else ""
        lines.append(
            f"warning: {name} is set but no setting of the app or of gunicorn's config has that "
            f"name, so it changes nothing{hint}"
        )
    return lines


def warn_unknown() -> None:
    """Print :func:`unknown`'s warnings to stderr, once a process: gunicorn's config and, in the
    same master (preload_app), the app factory both call this; workers fork after."""
    global _warned
    if _warned:
        return
    _warned = True
    for line in unknown():
        print(line, file=sys.stderr, flush=True)
