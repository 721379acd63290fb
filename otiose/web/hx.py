"""The flask-htmx helper: ``if htmx:`` is true for htmx requests; ``htmx.target`` is HX-Target."""

from flask_htmx import HTMX  # type: ignore[import-untyped]

htmx = HTMX()
