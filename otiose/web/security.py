"""Security headers on every response, a same-origin check on state changes, proxy handling."""

from __future__ import annotations

import io
from collections.abc import Mapping
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


def without_refused_encodings(accept_encoding: str) -> str:
    """``Accept-Encoding`` less every coding the client refused with ``q=0`` (RFC 9110 12.5.3).

    Werkzeug's parser reads the header (and drops entries with an unreadable ``q``); the codings
    left are written back with their weights for flask-compress, which picks gzip even at q=0.
    """
    return ", ".join(f"{name};q={q:g}" for name, q in parse_accept_header(accept_encoding) if q > 0)


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

    @app.before_request
    def _refused_encodings() -> None:
        header = request.environ.get("HTTP_ACCEPT_ENCODING")
        if header and "q=" in header:
            request.environ["HTTP_ACCEPT_ENCODING"] = without_refused_encodings(header)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HSTS"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
