"""HTTP caching that browsers, nginx and CDNs understand: Cache-Control, strong ETags, 304s.

A public page is a function of its URL (and, for a fragment, of the htmx headers it varies on),
so it says so in standard headers and leaves the caching to HTTP caches in front of the app.
Nothing is kept in process memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec

from flask import current_app, request
from werkzeug.wrappers import Response

from ..content.models import Specimen
from ..content.picture import Said, card_etag, card_image

P = ParamSpec("P")

PUBLIC_MAX_AGE = 300  # seconds a shared cache may serve a page before revalidating


def public(response: Response, max_age: int = PUBLIC_MAX_AGE) -> Response:
    """Mark a 200 response as the same for everyone: lifetime, strong ETag, conditional GET."""
    if response.status_code != 200 or response.direct_passthrough:
        return response
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.set_etag(hashlib.blake2b(response.get_data(), digest_size=16).hexdigest())
    return response.make_conditional(request)


def private(response: Response) -> Response:
    """Mark a response that depends on the visitor's cookie: browsers revalidate, caches skip."""
    response.headers["Cache-Control"] = "private, no-cache"
    if response.status_code == 200 and not response.direct_passthrough:
        response.set_etag(hashlib.blake2b(response.get_data(), digest_size=16).hexdigest())
        response = response.make_conditional(request)
    response.vary.add("Cookie")
    return response


def fonts() -> Path:
    """The site's own faces (``static/fonts``), which every picture is drawn in."""
    return Path(current_app.static_folder or "static") / "fonts"


def drawn(
    etag: str, draw: Callable[[], bytes], max_age: int = PUBLIC_MAX_AGE, mimetype: str = "image/png"
) -> Response:
    """A public picture whose strong ETag is known before it is drawn (a digest of everything
    it is drawn from): a request that already holds it gets a 304 and nothing is drawn."""
    if request.if_none_match.contains(etag):
        response = Response(status=304, mimetype=mimetype)  # the type goes on the way out
    else:
        response = Response(draw(), mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def drawn_card(what: Specimen | Said) -> Response:
    """An Open Graph card (a file record's, an era's, a posting's, the site's) as a public PNG,
    its ETag a digest of what it says and what draws it, so a revalidation draws nothing."""
    faces = fonts()
    return drawn(card_etag(what, faces), lambda: card_image(what, faces))


def cacheable(
    max_age: int = PUBLIC_MAX_AGE,
) -> Callable[[Callable[P, Any]], Callable[P, Response]]:
    """Decorate a GET view whose response is the same for every visitor."""

    def decorate(view: Callable[P, Any]) -> Callable[P, Response]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
            return public(current_app.make_response(view(*args, **kwargs)), max_age)

        return wrapper

    return decorate
