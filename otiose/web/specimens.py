"""The taxonomy: search and browse specimens, read a file record, get its JSON."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from ..content import vocab
from ..content.library import SORTS
from ..content.models import Specimen
from ..content.picture import alt_text
from ..content.schema import specimen_schema
from ..words import plural
from . import live, state
from .http import cacheable, drawn_card
from .hx import htmx
from .params import takes
from .present import absolute_url

bp = Blueprint("specimens", __name__)
QUERY_CHARS = 100  # a search query is cut to this length

# What each judged or invented section is, said once: under its heading on the file record, and
# beside the data in /specimens/<id>.json, so a complaint reused from either is still labelled.
SECTION_NOTES = {
    "salary": "The label under the figure says whether it is a published statistic or our "
    "estimate; the note says where it comes from.",
    "flight_risk": "The percentage is this file's own judgement of how likely the holder is to "
    "leave or be removed, not a measured rate.",
    "jd_autopsy": "Composites: each ad line is written here in the dialect of the genre, not "
    "copied from any posting.",
    "burn_ward": "Composites: written here in the voice of each platform's boards, not quoted "
    "from any post. Attributed to the platform, never to a person.",
    "related": "The match is the file's own judgement of how closely two roles overlap, not a "
    "computed score.",
}

SORT_LABELS = {
    "family": "Family",
    "title": "Title (A–Z)",
    "salary": "Salary (highest)",
    "flight-risk": "Flight risk (highest)",
}


@bp.get("/specimens/")
@takes("q", "family", "sort", "page")
@cacheable()
def index() -> Response:
    """All specimens, grouped by family; live search, family filter, sort and pages.

    The same URL serves the full page, or (for htmx) just the results fragment.
    """
    library = state.library()
    args = request.args
    sent = args.get("q", "")
    query = sent[:QUERY_CHARS].strip()
    family = args.get("family", "")
    family_ids = [f.id for f in vocab.families()]
    if family and family not in family_ids:
        abort(400, f"There is no family called '{family[:40]}'.")
    sort = args.get("sort", "family")
    if sort not in SORTS:
        abort(400, f"Unknown sort '{sort[:40]}'; use one of: {', '.join(SORTS)}.")
    page_text = args.get("page", "1")  # ASCII only: "²".isdigit() but int("²") fails
    digits = page_text.isascii() and page_text.isdigit() and len(page_text) <= 6
    page_number = int(page_text) if digits else 0
    if not 1 <= page_number <= 100_000:
        abort(400, "The page must be a positive whole number.")
    page = library.search(query, family, sort, page_number)
    if page.page != page_number:  # the search stops at the last page; say so, not show it
        abort(
            404,
            f"There is no page {page_number}: these results run to {plural(page.pages, 'page')}.",
        )
    context = dict(
        page=page,
        groups=library.grouped(page.items) if sort == "family" and not query else None,
        families=vocab.families(),
        counts=library.family_counts(),
        sort_labels=SORT_LABELS,
        nav="specimens",
        query_cut=QUERY_CHARS if len(sent) > QUERY_CHARS else None,  # the count line says so
    )
    template = "_results.html" if htmx and htmx.target == "results" else "specimens.html"
    response = Response(render_template(template, **context), mimetype="text/html")
    response.vary.update(("HX-Request", "HX-Target"))
    return response


def _filed(id: str) -> Specimen:
    """The specimen filed under ``id``, or the file record's 404."""
    specimen = state.library().specimens.get(id)
    if specimen is None:
        abort(404, f"No specimen is filed under '{id[:80]}'.")
    return specimen


@bp.get("/specimens/<id>")
@cacheable()
def record(id: str) -> str:
    """One file record with every section numbered [01]-[11]."""
    library = state.library()
    specimen = _filed(id)
    return render_template(
        "specimen.html",
        s=specimen,
        family=next(f for f in vocab.families() if f.id == specimen.family),
        related=[(r, library.specimens.get(r.id)) for r in specimen.related],
        postings=library.postings_by_specimen.get(specimen.id, []),
        link_for=library.link_for,
        currency=vocab.currencies()[specimen.salary.currency],
        notes=SECTION_NOTES,
        card_url=absolute_url(url_for("specimens.card", id=id)),
        card_alt=alt_text(specimen),
        nav="specimens",
    )


@bp.get("/specimens/<id>.png")
def card(id: str) -> Response:
    """The file record's Open Graph card: its head as a 1200×630 PNG.

    Public like the record, with a strong ETag known before drawing, so a revalidation (nginx's,
    a platform's) is a 304 that draws nothing.
    """
    return drawn_card(_filed(id))


@bp.get("/specimens/<id>.json")
@cacheable()
def record_json(id: str) -> Response:
    """The specimen as JSON, exactly the validated fields, plus the derived label and links."""
    library = state.library()
    specimen = _filed(id)
    data = specimen.model_dump(mode="json")
    data["flight_risk"]["label"] = specimen.flight_risk.label
    data["labels"] = SECTION_NOTES
    data["url"] = absolute_url(url_for("specimens.record", id=id))
    data["postings"] = [p.id for p in library.postings_by_specimen.get(id, [])]
    data["sightings"] = live.sightings(id)  # null while the live numbers are unavailable
    return jsonify(data)


@bp.get("/specimens/schema.json")
@cacheable()
def schema() -> Response:
    """The JSON Schema of a specimen file, generated from the model."""
    return jsonify(specimen_schema())


@bp.get("/graeber")
@cacheable()
def graeber() -> str:
    """David Graeber's five kinds of bullshit job, and the specimens filed under each."""
    types, source = vocab.graeber_types()
    specimens = list(state.library().specimens.values())
    return render_template(
        "graeber.html",
        types=types,
        source=source,
        filed={t.id: [s for s in specimens if s.graeber == t.id] for t in types},
        unfiled=[s for s in specimens if s.graeber is None],
        nav="specimens",
    )


@bp.get("/random")
def random_record() -> Response:
    """A random file record."""
    return redirect(url_for("specimens.record", id=state.library().random_id()), code=302)
