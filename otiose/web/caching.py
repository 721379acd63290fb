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


def init_app(app: Flask) -> None:
    """Attach a page cache to the app."""
    app.extensions["page_cache"] = PageCache(app.config.get("PAGE_CACHE_SIZE", 4096))


def cached(view: Callable[..., Any]) -> Callable[..., Response]:
    """Serve a GET view's response from memory after the first render, with ETag/304."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        site = current_app.extensions["otiose"]
        cache: PageCache = current_app.extensions["page_cache"]
        htmx = request.headers.get("HX-Request") == "true"
        target = request.headers.get("HX-Target", "")[:64] if htmx else ""
        key = (request.full_path, htmx, target, id(site.library))
        hit = cache.get(key)
        if hit is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            body = response.get_data()
            etag = hashlib.blake2b(body, digest_size=12).hexdigest()
            vary = tuple(v for v in response.vary)
            hit = (body, response.status_code, response.content_type or "", etag, vary)
            cache.put(key, hit)
        body, status, content_type, etag, vary = hit
        response = Response(body, status=status, content_type=content_type)
        response.set_etag(etag)
        for v in vary:
            response.vary.add(v)
        response.headers["Cache-Control"] = "public, max-age=60"
        return response.make_conditional(request)

    return wrapper
