"""Builders for small, valid content files that tests then break one way at a time, and what
browser tests share: what they wait for, a server for an app, the axe-core check."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from otiose.content.load import TODAY_POPULATION

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# htmx arrives after the load event (static/js/htmx-loader.js): wait for this before using it
HTMX_READY = "() => window.htmx !== undefined"


class _Quiet(WSGIRequestHandler):
    """No access log: the browser tests make thousands of requests."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def static_host(root: Path) -> Iterator[int]:
    """``python -m http.server`` over ``root`` (a static export), on a free port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietFiles, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving(application: Flask) -> Iterator[str]:
    """``application`` served on 127.0.0.1 in a thread, for a browser; yields its address.

    Whole links (share links, canonical) name that address while it serves; the app's own base
    URL comes back afterwards, for the tests that share the app and run later.
    """
    server = make_server("127.0.0.1", 0, application, threaded=True, request_handler=_Quiet)
    base = application.config["BASE_URL"]
    application.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        application.config["BASE_URL"] = base


def axe_violations(page: Any, where: str) -> list[str]:
    """axe-core's violations on ``page`` as lines naming ``where`` (empty: none)."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    assert result["passes"], f"axe checked nothing on {where}"
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}: "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


SPECIMEN = """\
id: {id}
title: {title}
family: data-and-ai
summary: "A test specimen that exists to be validated."
aliases: [Test Alias]
org_chart:
  - Boss
  - {title}
habitat:
  - A fixture folder
salary:
  market_average: 100000
  currency: USD
  region: United States
  kind: estimate
  note: "Our estimate for 2025, for the tests."
  verdict: "A verdict."
flight_risk:
  percent: 50
  diagnosis: "A diagnosis."
bullshit_metrics:
  - name: Metric
    description: "Measures nothing."
jd_autopsy:
  - illusion: "We move fast."
    source: "[SOURCE REDACTED]"
    translation: "They move."
related: []
"""

ERA = """\
name: Test Era
years: {{start: 2000, end: 2010}}
order: 1
summary: "A test era."
history: "Things happened."
hired: "Dear {{name}}, welcome to {{title}} at {{company}}."
rejections:
  gender: "Dear {{name}}, no."
  race: "Dear {{name}}, no."
  minAge: "Dear {{name}}, too young."
  maxAge: "Dear {{name}}, too old."
  education: "Dear {{name}}, no."
  experience: "Dear {{name}}, no."
  union: "Dear {{name}}, no."
  maritalStatus: "Dear {{name}}, no."
"""

POSTING = """\
---
id: {id}
title: Test Role
company: Test Co.
location: Testville
type: Full-time
postedDate: January 15, 2005
era: {era}
salary: $1
requirements:
  - Be a test
filters: {filters}
---
A body in **Markdown**.
"""

# The hand-built applicant most game tests start from (query-parameter spelling).
APPLICANT = {
    "gender": "female",
    "race": "black",
    "age": "30",
    "education": "bachelor",
    "experience": "junior",
    "union": "false",
    "maritalStatus": "single",
}

DEFAULT_FILTERS = (
    '{"gender":"any","race":"any","minAge":18,"maxAge":70,"education":"any",'
    '"experience":"any","union":"any","maritalStatus":"any"}'
)


def write_specimen(
    root: Path, id: str = "test-role", title: str = "Test Role", text: str | None = None
) -> Path:
    path = root / "specimens" / f"{id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        text if text is not None else SPECIMEN.format(id=id, title=title), encoding="utf-8"
    )
    return path


def write_era(root: Path, era: str = "test-era", text: str | None = None) -> Path:
    """An era.yaml, and beside it a population.yaml (a copy of today's) unless one is there."""
    path = root / "eras" / era / "era.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else ERA.format(), encoding="utf-8")
    write_population(path.parent)
    return path


def write_population(folder: Path, text: str | None = None) -> Path:
    """``folder/population.yaml``: ``text``, or a copy of today's population if none is there."""
    path = folder / "population.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    if text is not None:
        path.write_text(text, encoding="utf-8")
    elif not path.exists():
        path.write_bytes(TODAY_POPULATION.read_bytes())
    return path


def write_posting(
    root: Path,
    id: str = "test-posting",
    era: str = "test-era",
    filters: str = DEFAULT_FILTERS,
    text: str | None = None,
) -> Path:
    path = root / "eras" / era / f"{id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        text if text is not None else POSTING.format(id=id, era=era, filters=filters),
        encoding="utf-8",
    )
    return path


def minimal(root: Path) -> Path:
    """A tiny valid content tree: one specimen, one era, one posting."""
    write_specimen(root)
    write_era(root)
    write_posting(root)
    return root
