"""Home, about, health, the site's icons, and what crawlers read: robots.txt and the sitemap."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, url_for
from werkzeug.wrappers import Response

from .. import drawing
from ..content.picture import Said, drawn_by, site_said
from ..game.run import BUDGET
from . import state
from .http import cacheable, drawn, drawn_card, fonts

bp = Blueprint("pages", __name__)

# What robots.txt asks crawlers to leave alone: the sandbox, which takes any applicant in its
# query (pages without end), a redirect to a random record, the JSON API and the audit's
# downloads (the pages say the same), and the live numbers' short-lived fragments. A dealt
# board may be read: a crawler meets one seed per visit to /play, not an endless list. Rules
# are path prefixes only: a "?" in one is read differently by different crawlers.
DISALLOWED = ("/play/custom", "/api/", "/random", "/live/", "/audit/")


@bp.get("/")
@cacheable()
def home() -> str:
    """What this is, a featured specimen of the day, the way into the game."""
    library = state.library()
    featured = library.featured(date.today().toordinal())
    return render_template(
        "home.html",
        featured=featured,
        counts=library.family_counts(),
        eras=library.eras,
        board=state.board(),
        nav="home",
    )


@bp.get("/about")
@cacheable()
def about() -> str:
    """How the game works and where its numbers come from (today's population, with sources)."""
    return render_template("about.html", population=state.board().population, nav="about")


def site_card() -> Said:
    """What the site's own card says: the home page's question, with its doors' counts."""
    library = state.library()
    counts = library.family_counts()
    game = None
    if not current_app.config.get("STATIC_EXPORT"):  # a static copy has no game
        game = f"{BUDGET} applications, {len(state.board().odds)} jobs"
    return site_said(sum(counts.values()), len(counts), library.eras, game)


@bp.get("/card.png")
def card() -> Response:
    """The site's Open Graph card (1200×630 PNG), for every page without a card of its own.

    Drawn from the content, so its counts are the site's; public with a strong ETag known
    before drawing, so a revalidation is a 304 that draws nothing.
    """
    return drawn_card(site_card())


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon for the clients that ask for /favicon.ico by name (16, 32, 48 px); pages
    name the SVG one."""
    return _icon("favicon.ico", drawing.favicon_ico, "image/vnd.microsoft.icon")


@bp.get("/apple-touch-icon.png")
def touch_icon() -> Response:
    """The icon iOS puts on a home screen (180 px, opaque): it reads no SVG icon."""
    return _icon("apple-touch-icon.png", drawing.touch_icon, "image/png")


def _icon(name: str, draw: Callable[[Path], bytes], mimetype: str) -> Response:
    faces = fonts()
    etag = hashlib.sha256(f"{name} {drawn_by(faces)}".encode()).hexdigest()[:32]
    return drawn(etag, lambda: draw(faces), mimetype=mimetype)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness and content counts for load balancers: always fresh, never kept by a cache."""
    library = state.library()
    response = jsonify(
        status="ok",
        specimens=len(library.specimens),
        postings=len(library.postings),
        eras=len(library.eras),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/robots.txt")
@cacheable()
def robots() -> Response:
    """What crawlers may read (all of the wiki) and where its sitemap is."""
    export = current_app.config.get("STATIC_EXPORT")  # a static copy has only the wiki
    text = render_template("robots.txt", disallowed=() if export else DISALLOWED)
    return Response(text, mimetype="text/plain")


@bp.get("/sitemap.xml")
@cacheable()
def sitemap() -> Response:
    """Every page of the wiki, for search engines (sitemaps.org's format)."""
    library = state.library()
    paths = [
        url_for("pages.home"),
        url_for("specimens.index"),
        *(url_for("specimens.record", id=i) for i in library.specimens),
        url_for("specimens.graeber"),
        url_for("timeline.eras"),
        *(url_for("timeline.era", era_id=e.id) for e in library.eras),
        *(url_for("timeline.posting", posting_id=p) for p in library.postings),
        url_for("timeline.declassified"),
        url_for("pages.about"),
    ]
    if not current_app.config.get("STATIC_EXPORT"):  # the desk and the law need the app
        paths += [url_for("audit.desk"), url_for("audit.timeline")]
    return Response(render_template("sitemap.xml", paths=paths), mimetype="application/xml")
