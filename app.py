"""Entry point: ``flask --app app run`` and ``gunicorn app:app`` both find the app here.

The app is built on first access, so ``flask --app app check`` can report broken content
instead of failing to import.
"""

from __future__ import annotations

from typing import Any

from otiose.content import ContentError
from otiose.web import ConfigError, create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name in ("app", "application"):
        try:
            value = create_app()
        except ConfigError as exc:  # one line saying what to set, not a traceback
            raise SystemExit(f"Error: {exc}") from None
        except ContentError as exc:  # every problem as path:line: message, no traceback
            raise SystemExit(f"Error: the content does not load.\n{exc}") from None
        globals()[name] = value
        return value
    raise AttributeError(name)
