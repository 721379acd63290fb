"""One error template for every error; content problems shown as a page under the debug server."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, SecurityError
from werkzeug.wrappers import Response

from . import state
from .hx import htmx

STAMPS = {
    400: "Malformed",
    403: "Refused",
    404: "Not on file",
    405: "Wrong channel",
    409: "Already filed",
    413: "Over limit",
    429: "Slow down",
    500: "Misfiled",
}


def wants_json() -> bool:
    """Every ``.json`` and ``/api/`` URL answers JSON, its errors included."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def render_error(code: int, title: str, message: str) -> tuple[str, int] | Response:
    """The error page (or, for htmx, its fragment; under /api/, JSON) with the right status."""
    if wants_json():
        response = jsonify(error=message or title)
        response.status_code = code
        return response
    template = "_error.html" if htmx else "error.html"
    return (
        render_template(
            template, code=code, title=title, message=message, stamp=STAMPS.get(code, "Error")
        ),
        code,
    )


def init_app(app: Flask) -> None:
    """Route every HTTP error through the one template."""

    @app.before_request
    def _content_problems() -> tuple[str, int] | None:
        site = state.site()
        site.refresh()
        if site.error is not None and request.endpoint != "static":
            return render_template("content_errors.html", error=site.error), 500
        return None

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int] | Response:
        if exc.code is None or exc.code < 400 or exc.response is not None:
            return exc.get_response()  # a response the raiser built (a view's own 429 page)
        if isinstance(exc, SecurityError):  # an untrusted Host: no URL can be built for it
            return Response(
                "This site does not answer to that host name.\n", 400, mimetype="text/plain"
            )
        titles = {404: "No such file", 405: "Method not allowed", 500: "Something broke"}
        title = titles.get(exc.code, exc.name.capitalize())  # sentence case, as the site writes
        message = exc.description or ""
        if exc.code == 404 and message.startswith("The requested URL was not found"):
            message = (
                "The records office has no file at this address. "
                "It may have been shredded, or never existed."
            )
        elif exc.code == 413:  # Werkzeug's own words say nothing a reader can act on
            limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
            message = f"The request was larger than the {limit} KiB this site accepts."
        elif exc.code == 429:  # Flask-Limiter's description is the bare limit, "20 per 1 minute"
            message = (
                f"Too many requests from your address: the limit is {message}. Try again shortly."
            )
        response = current_app.make_response(render_error(exc.code, title, message))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:  # a 405 names what is
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # allowed (RFC 9110)
        return response

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> tuple[str, int] | Response:
        app.logger.exception("unhandled error on %s", request.path)
        err = InternalServerError()
        return render_error(500, "Something broke", err.description or "")
