"""Fingerprinted static URLs (``?v=<hash>``) served with a year-long, immutable Cache-Control."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request, url_for


def init_app(app: Flask) -> None:
    """Hash every static file once and expose ``asset_url`` to templates."""
    static = Path(app.static_folder or "static")
    hashes = {
        p.relative_to(static).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
        for p in static.rglob("*")
        if p.is_file()
    }

    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=hashes.get(filename, "0"))

    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def _long_cache(response: Response) -> Response:
        if (
            request.endpoint == "static"
            and request.method in ("GET", "HEAD")
            and response.status_code in (200, 304)
        ):
            name = (request.view_args or {}).get("filename", "")
            # fonts are referenced from the CSS without ?v=; a font's bytes never change under
            # its file name (a new cut gets a new name), so it may be cached for good
            if request.args.get("v") == hashes.get(name) or name.startswith("fonts/"):
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            else:
                response.headers["Cache-Control"] = "public, max-age=300"
        return response
