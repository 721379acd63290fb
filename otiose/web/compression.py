"""gzip for text responses: static files and cached pages are compressed once, the rest per request.

Responses vary on ``Accept-Encoding``; a compressed representation gets its own ETag.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from flask import Flask, Response, request

TEXT_TYPES = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/plain",
}
MIN_SIZE = 512


def accepts_gzip() -> bool:
    """Whether the client takes gzip (and has not refused it with q=0)."""
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0")
    return False


def compress(body: bytes) -> bytes:
    """Deterministic gzip (no timestamp), so a representation's ETag stays stable."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def init_app(app: Flask) -> None:
    """Compress static files once (on first request for each) and dynamic text per response."""
    static_root = Path(app.static_folder or "static")
    static_gz: dict[str, bytes] = {}

    @app.after_request
    def _gzip(response: Response) -> Response:
        if response.mimetype not in TEXT_TYPES:
            return response
        response.vary.add("Accept-Encoding")
        if (
            response.status_code != 200
            or "Content-Encoding" in response.headers
            or not accepts_gzip()
        ):
            return response
        if request.endpoint == "static":
            name = (request.view_args or {}).get("filename", "")
            if name not in static_gz:
                path = (static_root / name).resolve()
                if not path.is_relative_to(static_root.resolve()) or not path.is_file():
                    return response
                static_gz[name] = compress(path.read_bytes())
            body = static_gz[name]
            response.direct_passthrough = False
        else:
            raw = response.get_data()
            if len(raw) < MIN_SIZE:
                return response
            body = compress(raw)
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}-gz", weak=weak)
        return response
