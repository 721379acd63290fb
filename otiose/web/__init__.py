"""The web layer: an app factory and thin blueprints that only read the domain."""

from __future__ import annotations

import logging
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask_compress import Compress

from .. import settings
from ..content import ContentError, no_specimens
from ..settings import ConfigError
from . import assets, params, present, security, state
from .hx import htmx
from .site import Site

ROOT = Path(__file__).resolve().parents[2]


DEV_BASE_URL = "http://127.0.0.1:5000"

__all__ = ["ConfigError", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: load and validate all content once, then register the blueprints.

    In production (not debug, not testing) invalid content or a missing ``SECRET_KEY`` stops
    the app from starting, with every problem in the message. Under the debug server, content
    problems are shown as a page and content is reloaded when files change.
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        static_url_path="/static",
    )
    app.config.update(
        CONTENT_ROOT=os.environ.get("OTIOSE_CONTENT", str(ROOT)),
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        BASE_URL=os.environ.get("OTIOSE_BASE_URL", ""),
        REPO_URL=os.environ.get("OTIOSE_REPO_URL", ""),
        HSTS=settings.flag("OTIOSE_HSTS", False),
        TRUSTED_PROXIES=settings.integer("OTIOSE_TRUSTED_PROXIES", 0, minimum=0),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=16 * 1024,
        MAX_FORM_MEMORY_SIZE=16 * 1024,
        MAX_FORM_PARTS=50,
        # brotli first for every client that takes it, gzip for the rest (equal weights go to
        # the first; security.accepted_encodings reads the weights). br at quality 5 cost what
        # gzip -6 did on the game board and came out 6% smaller; 4 saved 1%, 6 no more than 5,
        # and 7 took four times as long. Streamed responses (static files, which nginx serves
        # in production) get the same choice.
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,
        COMPRESS_MIN_SIZE=512,
        # The text types the app sends. flask-compress's own list has the icon types too, but
        # /favicon.ico holds PNGs, which do not compress (brotli made it 2 bytes longer) and
        # would still vary on Accept-Encoding, a copy per coding in every cache.
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/plain",
            "text/css",
            "text/javascript",
            "text/markdown",
            "application/json",
            "application/xml",
            "image/svg+xml",
        ],
        COMPRESS_REGISTER=False,
        RENDER_CACHE_BYTES=settings.integer("OTIOSE_RENDER_CACHE_MB", 16, minimum=0) * 1024 * 1024,
    )
    if config:
        app.config.update(config)
    if app.config["HSTS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
    dev = app.debug or app.testing
    if not dev:  # first: a misspelt name may be why something below is missing
        settings.warn_unknown()
    if not app.config["SECRET_KEY"]:
        if not dev:
            raise ConfigError(
                "SECRET_KEY is not set. Set it in the environment to a long random string "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))'); every server "
                "behind one load balancer needs the same value."
            )
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    _configure_base_url(app, dev)
    repo = str(app.config["REPO_URL"] or "").strip().rstrip("/")
    if repo and (urlsplit(repo).scheme not in ("http", "https") or not urlsplit(repo).netloc):
        raise ConfigError(
            f"OTIOSE_REPO_URL must look like https://github.com/owner/repo; got {repo!r}"
        )
    app.config["REPO_URL"] = repo
    if not dev:
        _log_requests_to_stderr(app)

    content = Path(app.config["CONTENT_ROOT"])
    if (why := no_specimens(content)) is not None:
        raise ConfigError(
            f"OTIOSE_CONTENT must be a content folder (one with specimens/ and eras/ in it); {why}"
        )
    site = Site(
        content,
        reload=app.debug and not app.testing,
        render_cache_bytes=int(app.config["RENDER_CACHE_BYTES"]),
    )
    if app.config.get("PREVIEW_FILE"):
        app.config["PREVIEW_URL"] = site.load_preview(Path(app.config["PREVIEW_FILE"]))
    else:
        try:
            site.load()
        except ContentError:
            if not app.debug:
                raise
    state.install(app, site)

    htmx.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    _compress(app)
    present.init_app(app)
    params.init_app(app)

    from . import audit, errors, game, live, pages, specimens, timeline

    live.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(specimens.bp)
    app.register_blueprint(timeline.bp)
    app.register_blueprint(game.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(live.bp)
    errors.init_app(app)
    return app


def _compress(app: Flask) -> None:
    """flask-compress for text responses to GET, HEAD and POST (an OPTIONS answer has no body).

    A type it never compresses (a PNG) is left alone: flask-compress would still add
    ``Vary: Accept-Encoding``, and a cache that honours Vary (a CDN, a browser) would keep a
    copy of the same picture for each Accept-Encoding it meets. A 304 carries its 200's type
    while the hooks run (it is dropped on the way out), so it varies as its 200 did.
    """
    compress = Compress(app)

    @app.after_request
    def _compressed(response: Response) -> Response:
        if request.method == "OPTIONS" or response.mimetype not in compress.compress_mimetypes_set:
            return response
        return compress.after_request(response)


def _configure_base_url(app: Flask, dev: bool) -> None:
    """Absolute URLs come from ``OTIOSE_BASE_URL``, never from a request's Host header.

    In production it is required, and requests for any other host are refused (Flask's
    ``TRUSTED_HOSTS``), so no client can put its own host into a page another client gets.
    """
    base = app.config["BASE_URL"].rstrip("/")
    if not base:
        if not dev:
            raise ConfigError(
                "OTIOSE_BASE_URL is not set. Set it to the site's public address, e.g. "
                "https://otiose.example; links in pages, JSON and the sitemap are built from it."
            )
        base = DEV_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise ConfigError(
            f"OTIOSE_BASE_URL must look like https://host[:port] with no path; got {base!r}"
        )
    app.config["BASE_URL"] = base
    if not dev and app.config.get("TRUSTED_HOSTS") is None:
        extra = [h.strip() for h in settings.raw("OTIOSE_TRUSTED_HOSTS").split(",") if h.strip()]
        for host in extra:
            if "/" in host or " " in host:
                raise ConfigError(
                    "OTIOSE_TRUSTED_HOSTS takes host names (host or host:port), comma-separated, "
                    f"not {host!r}"
                )
        app.config["TRUSTED_HOSTS"] = [parts.netloc, *extra]


def _log_requests_to_stderr(app: Flask) -> None:
    """One line per request on stderr (gunicorn also logs its own access lines when asked)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        app.logger.info(
            '%s "%s %s" %s %d %.1fms',
            request.remote_addr or "-",  # none over a unix socket without X-Forwarded-For
            request.method,
            _loggable(request.full_path.rstrip("?")[:300]),
            response.status_code,
            response.calculate_content_length() or 0,
            ms,
        )
        return response


def _loggable(text: str) -> str:
    """Control characters escaped (a decoded %0A would start a forged log line)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
