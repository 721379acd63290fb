"""The audit desk: /audit (page and htmx fragment from one partial), /law, /api/audit and the
posting draft download. Thin: parsing, maths and law live in ``otiose.audit``."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup

from ..audit import chart, exact, law
from ..audit.population import PopulationTables, board_tables
from ..audit.posting import era_for, filters_json, posting_text
from ..audit.query import PARAMS, Entered, ParamError, Query, QueryError, parse
from ..audit.summary import Summary, summarize
from ..content import vocab
from ..content.models import Filters, Posting
from ..game import rules
from ..words import join_and
from . import state
from .http import cacheable
from .hx import htmx
from .params import checks_own

bp = Blueprint("audit", __name__)

TARGET = "audit-results"


def _populations() -> dict[str, PopulationTables]:
    """The populations the desk offers, by id ("today", then era ids)."""
    return board_tables(state.board())


def _population_labels() -> dict[str, str]:
    eras = {e.id: e for e in state.library().eras}
    board = state.board()
    labels = {}
    # Short enough to read in full in the select on a phone, so an era's name loses its "The".
    # The year is the one the tables count (an era's tables describe one year of its span,
    # 1980 for 1973-1994), and a year still to come is a projection.
    for key in _populations():
        era, pop = eras.get(key), board.era_populations.get(key)
        if key == "today":
            labels[key] = f"Today: US adults, about {board.population.year}"
        elif era is not None and pop is not None:
            ahead = ", projected" if pop.year > date.today().year else ""
            labels[key] = f"{era.name.removeprefix('The ')}: {pop.year}{ahead}"
        else:
            labels[key] = key
    return labels


def _query() -> Query:
    return parse(request.args.lists(), _populations(), date.today())


def _default() -> Query:
    return Query(Filters(), date.today(), "us", "today")


def _context(q: Query) -> dict[str, Any]:
    result = exact.audit(q.filters, _populations()[q.population])
    rulings = law.rule_on(q.filters, q.day, q.jurisdiction)
    impacts = {
        e.key: exact.worst_alone(result, e)
        for e in result.exclusions
        if e.key in ("education", "experience")
    }
    return dict(
        q=q,
        result=result,
        rulings=rulings,
        future=q.day > date.today(),
        impacts=impacts,
        charts=chart.charts(result),
        exclusion_rows=[(e, _hardest(result, e)) for e in result.exclusions],
        download=url_for("audit.posting_md", **_multi(q.params())),
        share=url_for("audit.desk", _external=False, **_multi(q.params())),
        api=url_for("audit.api", **_multi(q.params())),
        jurisdictions=law.JURISDICTIONS,
        populations=_population_labels(),
        choices=rules.CHOICES,
        value_text=rules.VALUE_TEXT,
        attribute_labels=exact.ATTRIBUTE_LABELS,
        min_age=vocab.MIN_AGE,
        max_age=vocab.MAX_AGE,
    )


def _multi(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Query pairs as ``url_for`` keywords: a repeated key becomes a list."""
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def _hardest(result: exact.Audit, e: exact.Exclusion) -> tuple[exact.Group, Fraction] | None:
    """The group a filter, on its own, turns away the largest share of (first on a tie)."""
    pairs = [(g, s) for g, s in zip(result.groups, e.by_group, strict=True) if s is not None]
    return max(pairs, key=lambda p: p[1]) if pairs else None


@bp.get("/audit")
@checks_own
@cacheable()
def desk() -> Response:
    """The desk: the form, the exact audit and the law; htmx asks for the results alone."""
    error = None
    try:
        q = _query()
        entered = Entered.of(q.params())
    except QueryError as exc:  # the form shows what was sent, and no audit until it reads
        error, q = exc, _default()
        entered = Entered.of(request.args.items(multi=True))
    fragment = bool(htmx) and htmx.target == TARGET
    template = "_audit_results.html" if fragment else "audit.html"
    html = render_template(
        template,
        error=error,
        field_errors={e.param: e.message for e in error.errors} if error else {},
        entered=entered,
        fields=PARAMS,
        fragment=fragment,
        nav="audit",
        **_context(q),
    )
    # A bad query is a 400 for a page; htmx swaps only 2xx, so its fragment says so with a 200.
    status = 400 if error is not None and not fragment else 200
    response = Response(html, status=status, mimetype="text/html")
    response.vary.update(("HX-Request", "HX-Target"))
    if fragment and error is None:  # the address bar shows the shortest link to this audit
        response.headers["HX-Push-Url"] = url_for("audit.desk", **_multi(q.params()))
    return response


@bp.get("/law")
@cacheable()
def timeline() -> str:
    """The law timeline, both jurisdictions, oldest first."""
    laws = sorted(law.timeline().laws, key=lambda x: (x.in_force, x.jurisdiction))
    return render_template(
        "law.html", laws=laws, jurisdictions=law.JURISDICTIONS, labels=rules.LABELS, nav="audit"
    )


def _bad(exc: ParamError) -> Response:
    response = jsonify(error=str(exc), parameter=exc.param)
    response.status_code = 400
    return response


@bp.get("/api/audit")
@checks_own
@cacheable()
def api() -> Response:
    """The audit as JSON: odds, groups (rates, impact ratios, flags) and the law."""
    try:
        q = _query()
    except ParamError as exc:
        return _bad(exc)
    result = exact.audit(q.filters, _populations()[q.population])
    rulings = law.rule_on(q.filters, q.day, q.jurisdiction)

    def number(x: Fraction | None) -> float | None:
        return None if x is None else float(x)

    return jsonify(
        odds=float(result.odds),
        odds_exact=f"{result.odds.numerator}/{result.odds.denominator}",
        filters=q.filters.model_dump(mode="json"),
        date=q.day.isoformat(),
        jurisdiction=q.jurisdiction,
        population=q.population,
        groups=[
            {
                "attribute": g.attribute,
                "value": g.value,
                "label": g.label,
                "selection_rate": number(g.rate),
                "impact_ratio": number(g.ratio),
                "flagged": g.flagged,
            }
            for g in result.groups
        ],
        law=[
            {
                "filter": r.filter,
                "lawful": r.lawful,
                "verdict": r.verdict,
                "citation": r.citation,
                "in_force": r.in_force.isoformat() if r.in_force else None,
                "reason": r.reason,
                "impact_test": r.impact,
                "source": r.law.source if r.law else None,
            }
            for r in rulings
        ],
        exclusion=[
            {
                "filter": e.key,
                "turns_away": list(e.turns_away),
                "share": float(e.share),
                "by_group": [
                    {"attribute": g.attribute, "value": g.value, "share": number(s)}
                    for g, s in zip(result.groups, e.by_group, strict=True)
                ],
            }
            for e in result.exclusions
        ],
        four_fifths=0.8,
    )


@bp.get("/audit/posting.md")
@checks_own
@cacheable()
def posting_md() -> Response:
    """The filters as a posting draft in the seed's format, to fill in and send as a PR."""
    try:
        q = _query()
    except ParamError as exc:
        return _bad(exc)
    eras = [(e.id, e.years.start, e.years.end) for e in state.library().eras]
    name, text = posting_text(q.filters, q.day, era_for(q.day, eras))
    response = Response(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---------------------------------------------------------------- the line on other pages


@lru_cache(maxsize=4096)
def _summary(filters_key: str, then: date, now: date) -> Summary:
    filters = Filters.model_validate_json(filters_key)
    return summarize(filters, then, now, _populations()["today"], "us")


def posting_audit(posting: Posting) -> Summary | None:
    """For ``_audit_line.html``: the posting held against US law in its year and today."""
    if posting.posted is None:
        return None
    return _summary(filters_json(posting.filters), posting.posted, date.today())


def audit_line(posting: Posting, link: bool = True) -> Markup:
    """``_audit_line.html`` for one posting, with or without its "Audit it" link.

    Every verdict on a posting shows the same line, and working it out (the filters held against
    two years' law, the desk's query in the link) was a quarter of an Apply's rendering. It is
    rendered once a day per posting and kept in the render cache, which is emptied when content
    reloads; the key holds everything else its bytes depend on (the site's prefix in the link,
    and whether this is the static export, which has no desk to link to).
    """
    export = bool(current_app.config.get("STATIC_EXPORT"))
    key = ("audit-line", posting.id, date.today(), link, export, request.script_root)
    html = state.site().renders.get_or_render(
        key, lambda: render_template("_audit_line.html", posting=posting, audit_link=link)
    )
    return Markup(html)  # rendered (and escaped) by Jinja from the template


def audit_params(posting: Posting) -> dict[str, Any]:
    """The desk's query for a posting: its filters, its date, US law, today's population."""
    day = posting.posted or date.today()
    return _multi(Query(posting.filters, day, "us", "today").params())


@bp.record_once
def _register(state: Any) -> None:
    env = state.app.jinja_env
    env.globals.update(
        audit_line=audit_line,
        posting_audit=posting_audit,
        audit_params=audit_params,
        allowed=rules.allowed,
        wanted_text=rules.wanted_text,
    )
    env.globals.update(group_noun=exact.noun)
    env.filters.update(ratio=chart.ratio_text, join_and=join_and)
