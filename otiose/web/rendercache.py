"""The one in-process cache: rendered game boards, bounded in bytes.

A player's board is private (it depends on their run, so no shared cache may keep it), and it
is the most expensive page to render: every posting of every era, with verdicts. The same board
is asked for again on every reload and every return from a report, so the HTML of each
(content generation, URL, run, day) is kept here until it is the least recently used and the
total passes ``RENDER_CACHE_BYTES`` (16 MB by default). Nothing else is cached in process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

DEFAULT_BYTES = 16 * 1024 * 1024


class RenderCache:
    """A thread-safe LRU of rendered HTML whose total size never exceeds ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, tuple[str, int]] = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        """The HTML kept under ``key``, rendering (and keeping) it on a miss."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        html = render()
        cost = len(html.encode("utf-8"))
        if cost > self.max_bytes:
            return html
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (html, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped
        return html

    def __len__(self) -> int:
        return len(self._items)
