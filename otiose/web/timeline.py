"""Eras and postings: history pages, posting pages, the posting API and the declassified ranking."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, url_for

from ..content import vocab
from ..content.schema import era_schema, posting_schema
from ..game import rules
from .caching import cached

bp = Blueprint("timeline", __name__)


def _site():
    return current_app.extensions["otiose"]


@bp.get("/eras/")
@cached
def eras() -> str:
    """Every era in order, with its summary and postings."""
    library = _site().library
    return render_template(
        "eras.html", eras=library.eras, by_era=library.postings_by_era, nav="eras"
    )


@bp.get("/eras/<era_id>")
@cached
def era(era_id: str) -> str:
    """An era's history of hiring discrimination and its postings."""
    site = _site()
    era = site.library.era(era_id)
    if era is None:
        abort(404, f"No era is filed under '{era_id[:80]}'.")
    index = site.library.eras.index(era)
    neighbours = (
        site.library.eras[index - 1] if index > 0 else None,
        site.library.eras[index + 1] if index + 1 < len(site.library.eras) else None,
    )
    return render_template(
        "era.html",
        era=era,
        postings=site.library.postings_by_era.get(era.id, []),
        odds=site.board.odds,
        neighbours=neighbours,
        nav="eras",
    )


@bp.get("/postings/<posting_id>")
@cached
def posting(posting_id: str) -> str:
    """A posting's public parts, its era and its specimen; the filters stay sealed here."""
    library = _site().library
    p = library.postings.get(posting_id)
    if p is None:
        abort(404, f"No posting is filed under '{posting_id[:80]}'.")
    specimen = library.specimens.get(p.specimen) if p.specimen else None
    return render_template(
        "posting.html", p=p, era=library.era(p.era), specimen=specimen, nav="eras"
    )


@bp.get("/declassified")
@cached
def declassified() -> str:
    """Every posting ranked by how much of the population its filters exclude."""
    site = _site()
    return render_template(
        "declassified.html",
        ranking=site.board.ranking(),
        eras={e.id: e for e in site.library.eras},
        labels=rules.LABELS,
        nav="declassified",
    )


@bp.get("/api/postings/<posting_id>")
@cached
def posting_api(posting_id: str) -> Response:
    """A posting's public fields, era, filters and exact pass probability (``odds``, 0-1)."""
    site = _site()
    p = site.library.postings.get(posting_id)
    if p is None:
        abort(404, f"no posting '{posting_id[:80]}'")  # JSON under /api/, like every API error
    era = site.library.era(p.era)
    entry = site.board.odds[p.id]
    filters = p.filters.model_dump(mode="json")
    return jsonify(
        id=p.id,
        title=p.title,
        company=p.company,
        location=p.location,
        type=p.type,
        postedDate=p.postedDate,
        salary=p.salary,
        requirements=list(p.requirements),
        specimen=p.specimen,
        era={"id": era.id, "name": era.name, "years": era.years.model_dump()},
        filters=filters,
        odds=float(entry.odds),
        odds_exact=f"{entry.odds.numerator}/{entry.odds.denominator}",
        exclusion={k: float(v) for k, v in entry.exclusion.items()},
        url=url_for("timeline.posting", posting_id=p.id, _external=True),
    )


@bp.get("/api/postings/")
@cached
def postings_api() -> Response:
    """Every posting's id, era and odds."""
    site = _site()
    return jsonify(
        postings=[
            {"id": o.posting.id, "era": o.posting.era, "odds": float(o.odds)}
            for o in site.board.ranking()
        ],
        filter_keys=list(vocab.FILTER_KEYS),
    )


@bp.get("/postings/schema.json")
@cached
def schema() -> Response:
    """The JSON Schema of a posting's front matter."""
    return jsonify(posting_schema())


@bp.get("/eras/schema.json")
@cached
def era_schema_json() -> Response:
    """The JSON Schema of an era.yaml."""
    return jsonify(era_schema())
