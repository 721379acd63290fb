"""The loaded site: library plus game board, with hot reload under the debug server."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from ..content import ContentError, Library, Problem, load_library
from ..content.load import load_era, load_posting, load_specimen
from ..game.board import Board
from .rendercache import DEFAULT_BYTES, RenderCache


class Site:
    """Holds the content the requests read. Loaded once; reloaded only by the debug server."""

    def __init__(
        self, root: Path, reload: bool = False, render_cache_bytes: int = DEFAULT_BYTES
    ) -> None:
        self.root = root
        self.reload = reload
        self.render_cache_bytes = render_cache_bytes
        self.renders = RenderCache(render_cache_bytes)  # emptied whenever content loads
        self.library: Library | None = None
        self.board: Board | None = None
        self.error: ContentError | None = None
        self._stamp: float = 0.0
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load and validate everything; on failure keep the error and re-raise it."""
        self._stamp = self._newest()
        try:
            library = load_library(self.root)
        except ContentError as exc:
            self.error, self.library, self.board = exc, None, None
            raise
        self.library, self.board, self.error = library, Board(library), None
        self.renders = RenderCache(self.render_cache_bytes)

    def load_preview(self, path: Path) -> str:
        """Load one specimen or posting file on its own (its era too, for a posting).

        Cross-references are not checked: the rest of the content need not load. Returns the
        URL path of the previewed page.
        """
        path = path.resolve()
        display = path.name
        if path.suffix == ".yaml" and path.name != "era.yaml":
            specimen = load_specimen(path, display)
            self.library = Library.build([specimen], [], [])
            url = f"/specimens/{specimen.id}"
        elif path.suffix == ".md":
            era = load_era(path.parent / "era.yaml", f"{path.parent.name}/era.yaml")
            posting = load_posting(path, display)
            self.library = Library.build([], [era], [posting])
            url = f"/postings/{posting.id}"
        else:
            raise ContentError(
                [Problem(display, 1, "preview takes a specimen .yaml or a posting .md", "OT019")]
            )
        self.board, self.error, self.reload = Board(self.library), None, False
        return url

    def refresh(self) -> None:
        """Under the debug server: reload if any content file changed since the last load."""
        if not self.reload or self._newest() == self._stamp:
            return
        with self._lock:
            if self._newest() != self._stamp:
                with contextlib.suppress(ContentError):  # shown as a page by errors.py
                    self.load()

    def _newest(self) -> float:
        newest = 0.0
        for folder in (self.root / "specimens", self.root / "eras"):
            if folder.is_dir():
                for path in folder.rglob("*"):
                    try:
                        newest = max(newest, path.stat().st_mtime)
                    except OSError:
                        continue
                newest = max(newest, folder.stat().st_mtime)
        return newest
