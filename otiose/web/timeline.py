"""Eras and postings: history pages, posting pages, the posting API and the declassified ranking."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..content import vocab
from ..content.models import Era, Posting
from ..content.picture import Said, alt_text, era_said, posting_said
from ..content.schema import era_schema, posting_schema
from ..game import rules
from . import live, state
from .http import cacheable, drawn_card
from .present import absolute_url

bp = Blueprint("timeline", __name__)


@bp.get("/eras/")
@cacheable()
def eras() -> str:
    """Every era in order, with its summary and postings."""
    library = state.library()
    return render_template(
        "eras.html", eras=library.eras, by_era=library.postings_by_era, nav="eras"
    )


def _era(era_id: str) -> Era:
    era = state.library().era(era_id)
    if era is None:
        abort(404, f"No era is filed under '{era_id[:80]}'.")
    return era


def _era_card(era: Era) -> Said:
    return era_said(era, len(state.library().postings_by_era.get(era.id, [])))


def _posting(posting_id: str) -> Posting:
    p = state.library().postings.get(posting_id)
    if p is None:
        abort(404, f"No posting is filed under '{posting_id[:80]}'.")
    return p


def _speculative(p: Posting) -> bool:
    return p.posted is not None and p.posted > date.today()


def _posting_card(p: Posting) -> Said:
    era = state.library().era(p.era)
    assert era is not None  # the loader checks that a posting's era is the folder it is in
    return posting_said(p, era, _speculative(p))


@bp.get("/eras/<era_id>")
@cacheable()
def era(era_id: str) -> str:
    """An era's history of hiring discrimination and its postings."""
    library, board = state.library(), state.board()
    era = _era(era_id)
    index = library.eras.index(era)
    neighbours = (
        library.eras[index - 1] if index > 0 else None,
        library.eras[index + 1] if index + 1 < len(library.eras) else None,
    )
    return render_template(
        "era.html",
        era=era,
        postings=library.postings_by_era.get(era.id, []),
        odds=board.odds,
        era_pop=board.era_populations.get(era.id),
        today=board.population,
        neighbours=neighbours,
        card_url=absolute_url(url_for("timeline.era_card", era_id=era.id)),
        card_alt=alt_text(_era_card(era)),
        nav="eras",
    )


@bp.get("/eras/<era_id>.png")
def era_card(era_id: str) -> BaseResponse:
    """The era's Open Graph card: its years, name, summary and postings as a 1200×630 PNG."""
    return drawn_card(_era_card(_era(era_id)))


@bp.get("/postings/<posting_id>")
@cacheable()
def posting(posting_id: str) -> str:
    """A posting's public parts, its era and its specimen; the filters stay sealed here."""
    library, board = state.library(), state.board()
    p = _posting(posting_id)
    specimen = library.specimens.get(p.specimen) if p.specimen else None
    return render_template(
        "posting.html",
        p=p,
        era=library.era(p.era),
        specimen=specimen,
        speculative=_speculative(p),
        entry=board.odds[p.id],
        era_pop=board.era_populations.get(p.era),
        today=board.population,
        card_url=absolute_url(url_for("timeline.posting_card", posting_id=p.id)),
        card_alt=alt_text(_posting_card(p)),
        nav="eras",
    )


@bp.get("/postings/<posting_id>.png")
def posting_card(posting_id: str) -> BaseResponse:
    """The posting's Open Graph card: its era, title, printed requirements, company and date."""
    return drawn_card(_posting_card(_posting(posting_id)))


@bp.get("/declassified")
@cacheable()
def declassified() -> str:
    """Every posting ranked by how much of the population its filters exclude."""
    library, board = state.library(), state.board()
    return render_template(
        "declassified.html",
        ranking=board.ranking(),
        eras={e.id: e for e in library.eras},
        labels=rules.LABELS,
        nav="declassified",
    )


@bp.get("/api/postings/<posting_id>")
@cacheable()
def posting_api(posting_id: str) -> Response:
    """A posting's public fields, era, filters and exact pass probabilities, 0-1: ``odds``
    against today's working-age population, ``era_odds`` against its own era's."""
    library, board = state.library(), state.board()
    p = library.postings.get(posting_id)
    if p is None:
        abort(404, f"no posting '{posting_id[:80]}'")  # JSON under /api/, like every API error
    era = library.era(p.era)
    assert era is not None  # the loader keeps only postings whose era loaded
    entry = board.odds[p.id]
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
        era={
            "id": era.id,
            "name": era.name,
            "years": era.years.model_dump(),
            "population": None if era.population is None else era.population.title,
        },
        filters=filters,
        odds=float(entry.odds),
        odds_exact=f"{entry.odds.numerator}/{entry.odds.denominator}",
        era_odds=None if entry.era_odds is None else float(entry.era_odds),
        era_odds_exact=(
            None
            if entry.era_odds is None
            else f"{entry.era_odds.numerator}/{entry.era_odds.denominator}"
        ),
        exclusion={k: float(v) for k, v in entry.exclusion.items()},
        url=absolute_url(url_for("timeline.posting", posting_id=p.id)),
        players=live.players(p.id),  # {"applied": n, "hired": m}; null while unavailable
    )


@bp.get("/api/postings/")
@cacheable()
def postings_api() -> Response:
    """Every posting's id, era and odds."""
    board = state.board()
    return jsonify(
        postings=[
            {
                "id": o.posting.id,
                "era": o.posting.era,
                "odds": float(o.odds),
                "era_odds": None if o.era_odds is None else float(o.era_odds),
            }
            for o in board.ranking()
        ],
        filter_keys=list(vocab.FILTER_KEYS),
    )


@bp.get("/postings/schema.json")
@cacheable()
def schema() -> Response:
    """The JSON Schema of a posting's front matter."""
    return jsonify(posting_schema())


@bp.get("/eras/schema.json")
@cacheable()
def era_schema_json() -> Response:
    """The JSON Schema of an era.yaml."""
    return jsonify(era_schema())
