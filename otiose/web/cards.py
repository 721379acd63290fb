"""The game board's markup, rendered once: every era and posting card, with verdicts swapped in.

The board is the same for every player except for the cards of the postings they applied to
and the apply URL. So the blank board and each blank card are rendered once per library, and a
verdict card once per (character, posting); a request only joins strings.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import render_template
from markupsafe import Markup, escape

from ..content import Library
from ..game.board import Verdict
from ..game.character import Character

APPLY_URL = "__otiose_apply_url__"


class Cards:
    """Rendered board pieces for one library."""

    def __init__(self, library: Library, size: int = 8192) -> None:
        self.library = library
        self.size = size
        self._board: str | None = None
        self._blank: dict[str, str] = {}
        self._applied: OrderedDict[tuple[Character, str], str] = OrderedDict()
        self._tallies: OrderedDict[tuple[str, int, int], str] = OrderedDict()
        self._lock = Lock()

    def blank(self, posting_id: str) -> str:
        """A posting's card before anyone applies, with a placeholder apply URL."""
        if posting_id not in self._blank:
            p = self.library.postings[posting_id]
            self._blank[posting_id] = render_template(
                "_posting.html", p=p, verdict=None, apply_url=APPLY_URL, oob=False
            )
        return self._blank[posting_id]

    def applied(self, verdict: Verdict) -> str:
        """A posting's card showing this character's verdict (no form, so no URL in it)."""
        key = (verdict.character, verdict.posting.id)
        with self._lock:
            hit = self._applied.get(key)
            if hit is not None:
                self._applied.move_to_end(key)
                return hit
        html = render_template("_posting.html", p=verdict.posting, verdict=verdict, oob=False)
        with self._lock:
            self._applied[key] = html
            while len(self._applied) > self.size:
                self._applied.popitem(last=False)
        return html

    def tally(self, report_url: str, applications: int, offers: int) -> str:
        """The run tally sent out of band with an apply; a handful of variants per player."""
        key = (report_url, applications, offers)
        hit = self._tallies.get(key)
        if hit is None:
            hit = render_template(
                "_tally.html",
                report_url=report_url,
                applications=applications,
                offers=offers,
                oob=True,
            )
            with self._lock:
                self._tallies[key] = hit
                while len(self._tallies) > self.size:
                    self._tallies.popitem(last=False)
        return hit

    def board(self, verdicts: dict[str, Verdict], apply_url: str) -> Markup:
        """Every era's postings, applied ones showing their verdicts."""
        if self._board is None:
            self._board = render_template(
                "_board.html",
                eras=self.library.eras,
                by_era=self.library.postings_by_era,
                apply_url=APPLY_URL,
            )
        html = self._board
        for pid, verdict in verdicts.items():
            blank = self.blank(pid)
            if blank not in html:  # pragma: no cover - the two renders always agree
                raise RuntimeError(f"blank card for {pid} not found in the board")
            html = html.replace(blank, self.applied(verdict), 1)
        return Markup(html.replace(APPLY_URL, str(escape(apply_url))))
