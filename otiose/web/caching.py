"""Render-once page cache with strong ETags and conditional GET.

Content never changes while the app runs, so a page is a function of its URL (and of whether
htmx asked for the fragment). Each distinct URL is rendered once and then served from memory.
The cache is bounded, so random query strings cannot grow it without limit.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from threading import Lock
from typing import Any

from flask import Flask, Response, current_app, make_response, request

from .compression import MIN_SIZE, TEXT_TYPES, accepts_gzip, compress


class PageCache:
    """A small LRU of finished responses: body, status, content type, ETag."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple, tuple[bytes, int, str, str, tuple]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple) -> tuple[bytes, int, str, str, tuple] | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: tuple, value: tuple[bytes, int, str, str, tuple]) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _gzipped(cache: PageCache, key: tuple, body: bytes) -> bytes:
    """The gzip form of a cached body, compressed once and kept beside it."""
    gz_key = (*key, "gzip")
    hit = cache.get(gz_key)
    if hit is None:
        hit = (compress(body), 200, "", "", ())
        cache.put(gz_key, hit)
    return hit[0]


def serve(key: tuple, render: Callable[[], Any], private: bool = False) -> Response:
    """The response for ``key``: rendered once by ``render``, then served from memory.

    Only 200 responses are kept. ``private`` marks pages that depend on the visitor's cookie.
    """
    cache: PageCache = current_app.extensions["page_cache"]
    hit = cache.get(key)
    if hit is None:
        response = make_response(render())
        if response.status_code != 200 or response.direct_passthrough:
            return response
        body = response.get_data()
        etag = hashlib.blake2b(body, digest_size=12).hexdigest()
        vary = tuple(v for v in response.vary)
        hit = (body, response.status_code, response.content_type or "", etag, vary)
        cache.put(key, hit)
    body, status, content_type, etag, vary = hit
    if accepts_gzip() and content_type.split(";")[0] in TEXT_TYPES and len(body) >= MIN_SIZE:
        body, etag = _gzipped(cache, key, body), f"{etag}-gz"
        response = Response(body, status=status, content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(body, status=status, content_type=content_type)
    response.vary.add("Accept-Encoding")
    response.set_etag(etag)
    for v in vary:
        response.vary.add(v)
    response.headers["Cache-Control"] = "private, no-cache" if private else "public, max-age=60"
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Attach a page cache to the app."""
    app.extensions["page_cache"] = PageCache(app.config.get("PAGE_CACHE_SIZE", 4096))


def cached(
    view: Callable[..., Any] | None = None, *, extra: Callable[[], object] | None = None
) -> Any:
    """Serve a GET view's response from memory after the first render, with ETag/304.

    ``extra`` adds to the cache key whatever else the page depends on (the date, for example).
    """
    if view is None:
        return lambda v: cached(v, extra=extra)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        site = current_app.extensions["otiose"]
        htmx = request.headers.get("HX-Request") == "true"
        target = request.headers.get("HX-Target", "")[:64] if htmx else ""
        key = (request.full_path, htmx, target, id(site.library), extra() if extra else None)
        return serve(key, lambda: view(*args, **kwargs))

    return wrapper
