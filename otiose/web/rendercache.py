"""The one in-process cache: rendered game boards, bounded in bytes.

A player's board is private (it depends on their run, so no shared cache may keep it), and it
is the most expensive page to render: every posting of every era, with verdicts. The same board
is asked for again on every reload and every return from a report, so the HTML of each
(content generation, URL, run, day) is kept here until it is the least recently used and the
total passes ``RENDER_CACHE_BYTES`` (16 MB by default). A browser always asks for gzip, and
compressing a board took three times as long as serving it from here, so the gzipped bytes are
kept beside the HTML, under the same key plus ``"gzip"``. Nothing else is cached in process.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from flask import current_app, request
from werkzeug.wrappers import Response

DEFAULT_BYTES = 16 * 1024 * 1024

T = TypeVar("T", str, bytes)


class RenderCache:
    """A thread-safe LRU of rendered HTML (or its gzip) whose total size stays in ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[str | bytes, int]] = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], T]) -> T:
        """What is kept under ``key``, rendering (and keeping) it on a miss."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]  # type: ignore[return-value]  # a key holds one kind, always
        value = render()
        cost = len(value.encode("utf-8")) if isinstance(value, str) else len(value)
        if cost > self.max_bytes:
            return value
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (value, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped
        return value

    def __len__(self) -> int:
        return len(self._items)


def cached_page(cache: RenderCache, key: Hashable, render: Callable[[], str]) -> Response:
    """The page kept under ``key`` as a response: gzipped (once, then kept) when the client
    takes gzip, as HTML otherwise. flask-compress leaves an encoded response alone."""
    html = cache.get_or_render(key, render)
    if not request.accept_encodings["gzip"]:  # absent, or refused with q=0
        return current_app.make_response(html)
    level = int(current_app.config.get("COMPRESS_LEVEL", 6))
    body = cache.get_or_render(
        (key, "gzip"), lambda: gzip.compress(html.encode("utf-8"), compresslevel=level, mtime=0)
    )
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
