"""The one cache of rendered HTML in process: game boards, Apply answers and audit lines, bounded
in bytes.

A player's board is private (it depends on their run, so no shared cache may keep it), and it
is the most expensive page to render: every posting of an era, with verdicts. The same board
is asked for again on every reload and every return from a report, so the HTML of each
(content generation, URL, era, page or htmx fragment, run, day) is kept here until it is the
least recently used and the total passes ``RENDER_CACHE_BYTES`` (16 MB by default). A browser
always asks for brotli or gzip, and compressing a board took three times as long as serving it
from here, so the compressed bytes are kept beside the HTML, under the same key plus the coding
(``"br"`` or ``"gzip"``), chosen as flask-compress chooses for every other response
(``security.chosen_encoding``) and at its levels. The answer to an Apply (a card, or the
whole board once the budget is spent) is kept the same way under ``("apply", URL, run, day)``,
the run's choices ending with the posting just applied to: every player of a day's daily run
who makes the same first choice gets the same bytes. The only other HTML kept here is each
posting's audit line (``audit.audit_line``), the same on every verdict of that posting, under
``("audit-line", posting, day, ...)``. Nothing else rendered is kept in process; a few computed
values are remembered by entry count (``functools.lru_cache``: verdicts, dealt characters,
audit lines, parsed Accept-Encoding headers), as SECURITY.md lists.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from threading import Lock
from typing import Any, TypeVar

import brotli  # type: ignore[import-untyped]
from flask import current_app
from werkzeug.wrappers import Response

from .security import chosen_encoding

DEFAULT_BYTES = 16 * 1024 * 1024

T = TypeVar("T", str, bytes)


class RenderCache:
    """A thread-safe LRU of rendered HTML (or its br or gzip), its total size in ``max_bytes``."""

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


def _compressors(config: Mapping[str, Any]) -> dict[str, Callable[[bytes], bytes]]:
    """The codings the render cache can keep, at flask-compress's levels for the same app."""
    return {
        "br": lambda data: bytes(brotli.compress(data, quality=int(config["COMPRESS_BR_LEVEL"]))),
        "gzip": lambda data: gzip.compress(
            data, compresslevel=int(config["COMPRESS_LEVEL"]), mtime=0
        ),
    }


def cached_page(cache: RenderCache, key: Hashable, render: Callable[[], str]) -> Response:
    """The page kept under ``key`` as a response: compressed (once, then kept) in the coding the
    client takes (br before gzip), as HTML when it takes neither. flask-compress leaves an
    encoded response alone."""
    html = cache.get_or_render(key, render)
    compressors = _compressors(current_app.config)
    coding = chosen_encoding(
        tuple(c for c in current_app.config["COMPRESS_ALGORITHM"] if c in compressors)
    )
    if coding is None:  # taken neither, or refused both with q=0
        return current_app.make_response(html)
    compress = compressors[coding]
    body = cache.get_or_render((key, coding), lambda: compress(html.encode("utf-8")))
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Encoding"] = coding
    response.vary.add("Accept-Encoding")
    return response
