"""A bare Flask app: one view, no extensions, no hooks, no content. The floor for any Flask
request on this machine, in the same gunicorn settings behind the same nginx as the real app.

    gunicorn -c deploy/gunicorn.conf.py --pythonpath scripts bench_bare:app

``GET /bench/fixed`` is the 2 KB body scripts/bench_app.py serves too; ``/healthz`` is what the
stack waits for before it starts nginx.
"""

from __future__ import annotations

from flask import Flask, Response

BODY = ("Nothing to see here; this line is padding for the benchmark baseline.\n" * 30)[:2048]

app = Flask(__name__)


@app.get("/bench/fixed")
def fixed() -> Response:
    """2,048 bytes of text, the same every time."""
    return Response(BODY, mimetype="text/plain")


@app.get("/healthz")
def healthz() -> str:
    """Up."""
    return "ok"
