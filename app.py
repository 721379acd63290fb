"""Entry point: ``flask --app app run`` and ``gunicorn app:app`` both find the app here.

The app is built on first access, so ``flask --app app check`` can report broken content
instead of failing to import.
"""

from __future__ import annotations

from typing import IO, Any, NoReturn

import click
from flask.cli import NoAppException

from otiose.content import ContentError
from otiose.web import ConfigError, create_app

__all__ = ["create_app"]


class AppRefused(NoAppException):
    """The app would not start, said in one line. Under the ``flask`` command it is the CLI's own
    "no app" error, so ``flask --app app --help`` still lists the commands, which need no app."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        """``Error: …`` alone: no usage line, as nothing was wrong with the command typed."""
        click.echo(f"Error: {self.format_message()}", file=file, err=True)


def __getattr__(name: str) -> Any:
    if name in ("app", "application"):
        try:
            value = create_app()
        except ConfigError as exc:  # one line saying what to set, not a traceback
            _refuse(str(exc))
        except ContentError as exc:  # every problem as path:line: message, no traceback
            _refuse(f"the content does not load.\n{exc}")
        globals()[name] = value
        return value
    raise AttributeError(name)


def _refuse(message: str) -> NoReturn:
    if click.get_current_context(silent=True) is not None:  # the flask command
        raise AppRefused(message) from None
    raise SystemExit(f"Error: {message}") from None  # gunicorn, or an import in Python
