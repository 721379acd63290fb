"""Home, about and health."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, render_template

from . import state
from .http import cacheable

bp = Blueprint("pages", __name__)


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


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness and content counts for load balancers."""
    library = state.library()
    return jsonify(
        status="ok",
        specimens=len(library.specimens),
        postings=len(library.postings),
        eras=len(library.eras),
    )
