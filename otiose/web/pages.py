"""Home, about and health."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, jsonify, render_template

from .caching import cached

bp = Blueprint("pages", __name__)


@bp.get("/")
@cached(extra=lambda: date.today().toordinal())
def home() -> str:
    """What this is, a featured specimen of the day, the way into the game."""
    site = current_app.extensions["otiose"]
    library = site.library
    featured = library.featured(date.today().toordinal())
    return render_template(
        "home.html",
        featured=featured,
        counts=library.family_counts(),
        eras=library.eras,
        board=site.board,
        nav="home",
    )


@bp.get("/about")
@cached
def about() -> str:
    """How the game works and where its numbers come from."""
    from ..game import population

    return render_template("about.html", population=population, nav="about")


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness and content counts for load balancers."""
    library = current_app.extensions["otiose"].library
    return jsonify(
        status="ok",
        specimens=len(library.specimens),
        postings=len(library.postings),
        eras=len(library.eras),
    )
