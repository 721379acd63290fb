"""The app exactly as deployed, plus the cheapest Flask endpoint there can be: the benchmarks'
baseline for dynamic requests, served by the same gunicorn workers.

    gunicorn -c deploy/gunicorn.conf.py --pythonpath scripts bench_app:app

``GET /bench/fixed`` returns a fixed 2 KB text body: no template, no content lookup, no state,
but every hook the app installs (security headers, request log, compression) still runs.
"""

from __future__ import annotations

from bench_bare import BODY
from flask import Response

from otiose.web import create_app

app = create_app()


@app.get("/bench/fixed")
def fixed() -> Response:
    """2,048 bytes of text, the same every time."""
    return Response(BODY, mimetype="text/plain")
