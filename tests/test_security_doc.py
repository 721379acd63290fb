"""SECURITY.md says what the code keeps: each limit and bound it states, read from the document,
is compared with the value the code (or the deploy configuration) enforces."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from flask import Flask
from gunicorn.app.wsgiapp import WSGIApplication

from otiose.content import models, yamlsafe
from otiose.game import character, signed
from otiose.game.board import Board
from otiose.web import audit, game, rendercache, security, specimens

ROOT = Path(__file__).resolve().parents[1]
DOC = " ".join((ROOT / "SECURITY.md").read_text().split())  # one line: wrapping is not content


def said(pattern: str) -> int:
    """The number the document gives where ``pattern`` (with one (N) group) matches."""
    m = re.search(pattern.replace("(N)", r"([\d,]+)"), DOC)
    assert m is not None, f"SECURITY.md no longer says {pattern!r}"
    return int(m.group(1).replace(",", ""))


def max_length(annotated: object) -> int:
    constraint = annotated.__metadata__[0]  # type: ignore[attr-defined]
    return int(constraint.max_length)


def test_the_content_limits() -> None:
    assert said(r"Content files: (N) KiB each") * 1024 == yamlsafe.MAX_BYTES
    assert said(r"Nesting deeper than (N) levels") == yamlsafe.MAX_DEPTH
    assert said(r"ids up to (N) characters") == max_length(models.Id)
    assert said(r"one-line fields (N)") == max_length(models.Line)
    assert said(r"paragraphs (N)") == max_length(models.Text)
    assert said(r"long text (N)") == max_length(models.LongText)


def test_the_request_limits(app: Flask) -> None:
    body_kib = said(r"Request bodies: (N) KiB")
    assert body_kib * 1024 == app.config["MAX_CONTENT_LENGTH"]
    assert said(r"KiB and (N) form parts") == app.config["MAX_FORM_PARTS"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"client_max_body_size {body_kib}k;" in nginx
    header_kib = said(r"Request headers at nginx: (N) KiB")
    buffer_kib = said(r"or up to four (N) KiB buffers")
    assert f"client_header_buffer_size {header_kib}k;" in nginx
    assert f"large_client_header_buffers 4 {buffer_kib}k;" in nginx
    assert said(r"Share links: (N) characters") == signed.MAX_TOKEN
    assert said(r"Search queries are cut to (N) characters") == specimens.QUERY_CHARS
    assert said(r"remembers at most (N) runs") == game.MAX_RUNS


def test_the_limits_per_client_address(app: Flask) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import serve

    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    writes = said(
        r"sends POSTs \(applications, sightings, taking over a shared run\) faster than (N)"
    )
    assert serve.RATES["WRITE_RATE"] == f"{writes}r/s"
    burst = said(r"faster than \d+ a second after a burst of (N), or fetches run pictures")
    assert serve.RATES["WRITE_BURST"] == str(burst)
    assert "limit_req zone=otiose_writes burst=@WRITE_BURST@ nodelay;" in nginx
    pictures = said(r"faster than (N) a second after a burst of \d+; reads are not limited")
    assert serve.RATES["PICTURE_RATE"] == f"{pictures}r/s"
    burst = said(r"a second after a burst of (N); reads are not limited")
    assert serve.RATES["PICTURE_BURST"] == str(burst)
    assert "limit_req zone=otiose_pictures burst=@PICTURE_BURST@ nodelay;" in nginx
    assert (
        f"{said(r'limits sightings to (N) a minute')} per minute"
        == (app.config["SIGHTING_RATE_LIMIT"])
    )
    assert (
        f"{said(r'count at most (N) applications an hour')} per hour"
        == (app.config["LIVE_COUNT_LIMIT"])
    )


def test_gunicorns_own_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")])
    app = WSGIApplication()
    app.load_config()
    assert said(r"request line (N) bytes") == app.cfg.limit_request_line
    assert said(r"(N) header fields") == app.cfg.limit_request_fields
    assert said(r"header fields of up to (N) bytes") == app.cfg.limit_request_field_size
    assert said(r"gunicorn refuses one over (N) bytes") == app.cfg.limit_request_field_size


def test_the_bounds_on_memory() -> None:
    assert said(r"up to (N) MB a worker") * 1024 * 1024 == rendercache.DEFAULT_BYTES
    assert said(r"verdicts \((N)\)") == Board._verdict.cache_info().maxsize  # type: ignore[attr-defined]
    each = said(r"audit line \((N) each\)")
    assert each == character.deal.cache_info().maxsize
    assert each == Board._hireable.cache_info().maxsize  # type: ignore[attr-defined]
    assert each == audit._summary.cache_info().maxsize
    assert said(r"header \((N) headers") == security.accepted_encodings.cache_info().maxsize
