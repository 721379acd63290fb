"""Security headers on every response, a same-origin check on state changes, proxy handling."""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.http import parse_accept_header
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def cross_site(headers: Mapping[str, str], own_host: str) -> bool:
    """Whether a state-changing request comes from another site.

    ``Sec-Fetch-Site`` decides where the browser sends it (``same-origin`` or ``none`` pass);
    otherwise an ``Origin`` must name this host. ``Origin: null`` (an opaque origin, as after
    ``no-referrer`` or from a sandboxed frame) and an unparsable origin are cross-site.
    """
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = headers.get("Origin")
    if origin is None:
        return False
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return True
    return origin == "null" or netloc != own_host


@lru_cache(maxsize=256)
def accepted_encodings(
    accept_encoding: str, offered: tuple[str, ...]
) -> tuple[tuple[str, float], ...]:
    """The ``offered`` codings the client takes, best first, each with its weight (RFC 9110 12.5.3).

    A coding the client names with ``q=0`` is refused, and so is one it does not name, unless a
    ``*`` with a weight above 0 stands for it. Equal weights keep the order of ``offered`` (the
    server's preference). Werkzeug's parser reads the header and drops entries with an
    unreadable ``q``. An empty answer means identity.
    """
    named: dict[str, float] = {}
    wildcard = 0.0
    for name, q in parse_accept_header(accept_encoding):
        if name == "*":
            wildcard = q
        else:
            named.setdefault(name.lower(), q)
    weighted = [(coding, named.get(coding, wildcard)) for coding in offered]
    return tuple(sorted(((c, q) for c, q in weighted if q > 0), key=lambda cq: -cq[1]))


def chosen_encoding(offered: tuple[str, ...]) -> str | None:
    """The best of ``offered`` this request's client takes, or ``None`` for identity."""
    taken = accepted_encodings(request.headers.get("Accept-Encoding", ""), offered)
    return taken[0][0] if taken else None


def init_app(app: Flask) -> None:
    """Install the headers, the cross-site check and (when configured) ProxyFix.

    Behind ``OTIOSE_TRUSTED_PROXIES`` proxies only ``X-Forwarded-For`` is read (for the log and
    the rate limiter). Host, scheme and prefix never come from a request: absolute URLs are
    built from ``OTIOSE_BASE_URL``, so no client can change another client's page.
    """
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=0, x_host=0, x_prefix=0
        )
    own_host = urlsplit(app.config["BASE_URL"]).netloc

    @app.before_request
    def _same_site_writes() -> None:
        if request.method not in SAFE_METHODS:
            host = request.host if app.debug or app.testing else own_host
            if cross_site(dict(request.headers), host):
                abort(403, "Cross-site form posts are not accepted.")

    @app.before_request
    def _whole_chunked_body_or_413() -> None:
        # A chunked body has no Content-Length; Werkzeug would cut it at the limit and parse
        # the rest. Read it whole (up to the limit) first, so an oversize one is refused.
        env = request.environ
        if request.method in SAFE_METHODS or env.get("CONTENT_LENGTH"):
            return
        limit = int(app.config["MAX_CONTENT_LENGTH"])
        data = env["wsgi.input"].read(limit + 1) if env.get("wsgi.input_terminated") else b""
        if len(data) > limit:
            abort(413, f"The request body is over the {limit // 1024} KiB limit.")
        env["wsgi.input"], env["CONTENT_LENGTH"] = io.BytesIO(data), str(len(data))

    offered = tuple(app.config["COMPRESS_ALGORITHM"])

    @app.before_request
    def _accepted_encodings() -> None:
        # flask-compress reads Accept-Encoding its own way: it sends gzip at q=0, and any coding
        # for "*" even when that coding was refused by name. It gets the header rewritten to the
        # codings accepted_encodings allows, with their weights, so both choose alike.
        header = request.environ.get("HTTP_ACCEPT_ENCODING")
        if header:
            request.environ["HTTP_ACCEPT_ENCODING"] = ", ".join(
                f"{name};q={q:g}" for name, q in accepted_encodings(header, offered)
            )

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HSTS"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
