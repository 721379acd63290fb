"""The application game: deal, the daily applicant, board, apply, report, share, sandbox.

A run is an applicant (a seed, dealt or the day's) plus the postings applied to, at most
``BUDGET`` of them. The choices live in the signed session cookie while playing and in a signed
token in share links; every verdict, the score and par are recomputed here from the applicant and
the choices, so nothing the browser sends can add an application or an offer. The "what if"
builder is a sandbox: a hand-built applicant sees every verdict, era by era, with no budget or
score. The board shows one era at a time (``?era=``); htmx's era tabs ask for the board alone.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from ..content.models import Era
from ..game import signed
from ..game.character import SEED_RE, SEED_RULE, BadCharacter, Character, build, deal, new_seed
from ..game.daily import Daily, NoSuchDay, daily, parse_day, today
from ..game.picture import run_image
from ..game.run import BUDGET, RunError, RunReport, check_choices, run_report, spend
from ..game.share import share_text
from . import live, state
from .http import drawn, fonts, private, public
from .hx import htmx
from .params import checks_own, fields, refuse_repeats, takes
from .present import absolute_url
from .rendercache import cached_page

bp = Blueprint("game", __name__)

MAX_RUNS = 12  # runs remembered per browser: a daily and an evening of deals, in ~1.5 KB


@bp.record_once
def _globals(setup: BlueprintSetupState) -> None:
    """Templates outside the game (the home page) name the budget from its one place."""
    setup.app.jinja_env.globals["budget"] = BUDGET


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


# ---------------------------------------------------------------- which run


@dataclass(frozen=True)
class Run:
    """The run a request is about: the applicant, its key, and how to name and link it."""

    character: Character
    key: str  # the seed: one run per applicant per browser
    day: Daily | None

    @property
    def label(self) -> str:
        """How the run is named in share text and pictures."""
        if self.day:
            return f"Otiose daily No. {self.day.number}"
        return f"Otiose run {self.key}"

    @property
    def caption(self) -> str:
        """The run's name on its picture."""
        if self.day:
            return f"Daily No. {self.day.number} · {self.day.day.isoformat()}"
        return f"Run {self.key}"

    def url(self, name: str, **extra: Any) -> str:
        """A URL of this run: ``board``, ``apply``, ``adopt``, ``report``, ``picture``."""
        if self.day:
            return url_for(f"game.daily_{name}", day=self.day.day.isoformat(), **extra)
        return url_for(f"game.{name}", seed=self.key, **extra)


def _seed_run(seed: str) -> Run:
    if not SEED_RE.fullmatch(seed):
        abort(404, f"That is not an applicant's seed. A seed is {SEED_RULE}.")
    c = deal(seed)
    return Run(c, c.key, None)


def _daily_run(day: str) -> Run:
    try:
        d = daily(parse_day(day))
    except NoSuchDay as exc:
        abort(404, f"No daily applicant for that date: {exc}.")
    except ValueError as exc:
        abort(404, f"No daily applicant for that date: {exc}.")
    c = deal(d.seed)
    return Run(c, c.key, d)


# ---------------------------------------------------------------- run state


def _runs() -> list[tuple[str, tuple[str, ...]]]:
    """The session's runs, keeping only honest ones (a forged one is dropped, not trusted)."""
    postings = state.library().postings
    raw = session.get("runs")
    clean: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(raw, list):
        for entry in raw[:MAX_RUNS]:
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str):
                try:
                    clean.append((entry[0][:16], check_choices(entry[1], postings)))
                except (RunError, TypeError):
                    continue
    return clean


def _applied(run: Run) -> tuple[str, ...]:
    return next((ids for k, ids in _runs() if k == run.key), ())


def _save(run: Run, ids: tuple[str, ...]) -> None:
    others = [[k, list(v)] for k, v in _runs() if k != run.key]
    session["runs"] = [[run.key, list(ids)], *others][:MAX_RUNS]


def _populations() -> dict[str, Any]:
    """What a verdict needs to say its odds against its era's people and today's."""
    board = state.board()
    return {"era_pops": board.era_populations, "today_pop": board.population}


def _report(run: Run, applied: tuple[str, ...]) -> RunReport:
    return run_report(state.board(), run.character, applied)


def _honest(run: Run, token: str) -> tuple[str, ...]:
    """The choices in a signed run token for this run; 400 if it is not an honest run's."""
    try:
        return signed.load(_secret(), token, run.key, state.library().postings)
    except signed.BadState as exc:
        abort(400, f"The run parameter was refused: {exc}.")


def _token_run(run: Run) -> tuple[str, ...] | None:
    """The choices of a ``?run=`` share token, if there is one."""
    token = request.args.get("run")
    return None if token is None else _honest(run, token)


# ---------------------------------------------------------------- deal


@bp.get("/play")
@takes("era", "posting")
def play() -> Response:
    """Deal a new applicant and send the player to its shareable board: at the era
    (``?era=``) or the posting (``?posting=``) of the page the player came from, if any."""
    era_id = _chosen_era().id
    anchor = f"era-{era_id}" if _era_query(era_id) else None
    posting_id = _once("posting")
    if posting_id is not None:
        posting = state.library().postings.get(posting_id)
        if posting is None:
            abort(400, f"The parameter 'posting' names no posting ('{posting_id[:40]}').")
        if "era" in request.args and posting.era != era_id:
            abort(
                400, f"The parameter 'era' is '{era_id}', but that posting is in '{posting.era}'."
            )
        era_id, anchor = posting.era, f"posting-{posting.id}"
    query: dict[str, Any] = _era_query(era_id)
    return redirect(url_for("game.board", seed=new_seed(), _anchor=anchor, **query), code=303)


@bp.get("/play/daily")
def daily_today() -> Response:
    """Today's applicant (UTC), at its own dated address."""
    return redirect(url_for("game.daily_board", day=today().isoformat()), code=303)


# ---------------------------------------------------------------- the board


@bp.get("/play/<seed>")
@takes("run", "era")
def board(seed: str) -> Response:
    """A dealt applicant's board."""
    return _board(_seed_run(seed))


@bp.get("/play/daily/<day>")
@takes("run", "era")
def daily_board(day: str) -> Response:
    """The daily applicant's board."""
    return _board(_daily_run(day))


BOARD = "board"  # the id of the board's element: an htmx request aimed at it gets the partial


def _first_era() -> Era:
    return state.library().eras[0]


def _once(name: str, choices: str = "") -> str | None:
    """The value of query parameter ``name``, None without it; given twice or empty is a 400
    (whose message lists ``choices``, if given)."""
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        abort(400, f"The parameter '{name}' was given {len(values)} times; give it once.")
    if not values[0]:
        abort(
            400,
            f"The parameter '{name}' is empty" + (f"; name one of: {choices}." if choices else "."),
        )
    return values[0]


def _chosen_era() -> Era:
    """The era ``?era=`` names (once, by id); without it the first era, the start of the game.

    The first era rather than, say, the era of the last application: the bare address then
    shows the same era to every visitor, and each era has exactly one address.
    """
    eras = state.library().eras
    ids = ", ".join(e.id for e in eras)
    value = _once("era", ids)
    if value is None:
        return eras[0]
    era = state.library().era(value)
    if era is None:
        abort(400, f"The parameter 'era' names no era on the board ('{value[:40]}'): {ids}.")
    return era


def _era_query(era_id: str) -> dict[str, str]:
    """The ``era`` parameter of a link to this era: none for the first, the bare address's."""
    return {} if era_id == _first_era().id else {"era": era_id}


def _board_url(run: Run, era_id: str, anchor: str | None = None) -> str:
    """The run's board showing this era, optionally at an element's anchor."""
    return run.url("board", _anchor=anchor, **_era_query(era_id))


def _era_context(era: Era, bare: str) -> dict[str, Any]:
    """What ``_board.html`` needs to show one era: its postings, the tabs and the steps.

    ``bare`` is the board's address without ``era`` (the first era's); each era's link adds
    its ``era`` to it. One ``url_for`` per board rather than one per era: building the seven
    links one by one took a fifth of an apply's time.
    """
    library = state.library()
    eras = library.eras
    i = eras.index(era)
    sep = "&" if "?" in bare else "?"
    links = {}
    for e in eras:
        query = _era_query(e.id)
        links[e.id] = (f"{bare}{sep}{urlencode(query)}" if query else bare) + f"#era-{e.id}"
    return {
        "eras": eras,
        "era": era,
        "postings": library.postings_by_era.get(era.id, []),
        "era_urls": links,
        "era_query": _era_query(era.id),
        "prev_era": eras[i - 1] if i > 0 else None,
        "next_era": eras[i + 1] if i + 1 < len(eras) else None,
    }


def _wants_fragment() -> bool:
    """An htmx request aimed at the board (an era tab) gets the board alone. A history restore
    (htmx's request when Back reaches an address it pushed) names no target: it gets the page."""
    return bool(htmx) and htmx.target == BOARD


def _board(run: Run) -> Response:
    era = _chosen_era()
    shared = _token_run(run)
    applied = _applied(run)
    if shared is not None:
        # A GET never changes a run: a shared run opens as its report; taking it over is a POST.
        if shared == applied:
            return redirect(_board_url(run, era.id), code=303)
        return redirect(run.url("report", run=request.args["run"]), code=303)
    if "era" in request.args and not _era_query(era.id):  # the first era has one address
        return redirect(run.url("board"), code=303)
    live.session_run(run.key)  # the run's id exists before its first apply, so replays share it
    fragment = _wants_fragment()
    # Everything the page's bytes depend on: the URL and era, page or fragment, the run's
    # choices, and today's date (the verdicts' audit lines hold a posting against the law as it
    # stands today).
    key = ("board", request.path, era.id, fragment, applied, date.today())
    response = cached_page(
        state.site().renders, key, lambda: _render_board(run, applied, era, fragment)
    )
    response.vary.update(("HX-Request", "HX-Target"))
    return private(response)


def _render_board(
    run: Run, applied: tuple[str, ...], era: Era, fragment: bool, notice: str | None = None
) -> str:
    report = _report(run, applied)
    return render_template(
        "_board.html" if fragment else "play.html",
        notice=notice,
        character=run.character,
        run=run,
        report=report,
        verdicts={v.posting.id: v for v in report.verdicts},
        era_counts=Counter(v.era.id for v in report.verdicts),
        fragment=fragment,
        nav="play",
        **_era_context(era, run.url("board")),
        **_populations(),
    )


# ---------------------------------------------------------------- apply


@bp.post("/play/<seed>/apply")
@fields("posting")
def apply(seed: str) -> Response:
    """Apply as a dealt applicant."""
    return _apply(_seed_run(seed))


@bp.post("/play/daily/<day>/apply")
@fields("posting")
def daily_apply(day: str) -> Response:
    """Apply as the daily applicant."""
    return _apply(_daily_run(day))


def _apply(run: Run) -> Response:
    library = state.library()
    posting_id = request.form.get("posting", "")
    if posting_id not in library.postings:
        abort(400, "Apply to a posting that is on the board (form field 'posting').")
    era = library.era(library.postings[posting_id].era)
    assert era is not None  # the loader checks that a posting's era is the folder it is in
    try:
        applied = spend(_applied(run), posting_id, library.postings)
    except RunError as exc:
        message = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        # The page was behind the run (another tab applied since): an error sheet would leave
        # the player out of their run, so the answer is the board as it stands, saying why.
        if htmx:
            return _apply_answer(run, _applied(run), era, posting_id, notice=message)
        page = current_app.make_response(
            (_render_board(run, _applied(run), era, False, notice=message), 409)
        )
        page.headers["Cache-Control"] = "no-store"
        return page
    _save(run, applied)
    # counted once per run and posting, and once per place in the run (an old copy of the
    # cookie applies again in a place already filled), only after the state was checked and spent
    live.record(
        state.board().verdict(posting_id, run.character),
        live.session_run(run.key),
        daily=run.day is not None,
        day=run.day.day if run.day else None,
        slot=len(applied) - 1,
    )
    if not htmx:
        response = redirect(_board_url(run, era.id, f"posting-{posting_id}"), code=303)
        response.vary.add("HX-Request")
        response.headers["Cache-Control"] = "no-store"
        return response
    return _apply_answer(run, applied, era, posting_id)


def _apply_answer(
    run: Run, applied: tuple[str, ...], era: Era, posting_id: str, notice: str | None = None
) -> Response:
    """htmx's answer to an Apply: the card, with the tally and tabs out of band; the whole board
    once the budget is spent, or with a ``notice`` (a 409) when the page was behind the run.

    Without a notice the answer depends only on the run's choices (the URL names the run's
    applicant, and the era is the applied posting's), so it is kept in the render cache as a
    board is: every player of a day's daily run who applies to the same posting first, or a
    replayed seed, is answered from it.
    """
    whole = len(applied) >= BUDGET or notice is not None  # every card may have changed

    def render() -> str:
        report = _report(run, applied)
        context = {
            "character": run.character,
            "run": run,
            "report": report,
            "verdicts": {v.posting.id: v for v in report.verdicts},
            "era_counts": Counter(v.era.id for v in report.verdicts),
            "oob": True,
            "applied_now": None if notice else posting_id,  # its verdict takes the button's focus
            "notice": notice,
            # the era of the posting just applied to (the one on screen): its tabs' counts come
            # out of band with a card; the whole board, when sent, shows that era
            **_era_context(era, run.url("board")),
            **_populations(),
        }
        if whole:
            return render_template("_board.html", **context)
        p = state.library().postings[posting_id]
        return render_template("_posting.html", p=p, verdict=report.verdicts[-1], **context)

    response: Response
    if notice is not None:
        response = current_app.make_response((render(), 409))
    else:
        # the posting applied to is the last of the choices, and the era is that posting's
        key = ("apply", request.path, applied, date.today())
        response = cached_page(state.site().renders, key, render)
    if whole:
        response.headers["HX-Retarget"] = "#board"
        response.headers["HX-Reswap"] = "outerHTML"
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- adopt


@bp.post("/play/<seed>/adopt")
@fields("run")
def adopt(seed: str) -> Response:
    """Take over a shared run (a signed token in the form) as this browser's run."""
    return _adopt(_seed_run(seed))


@bp.post("/play/daily/<day>/adopt")
@fields("run")
def daily_adopt(day: str) -> Response:
    """Take over a shared daily run."""
    return _adopt(_daily_run(day))


def _adopt(run: Run) -> Response:
    token = request.form.get("run")
    if token is None:
        abort(400, "Send the shared run to take over (form field 'run').")
    incoming = _honest(run, token)
    if not signed.extends(_applied(run), incoming):
        abort(
            409,
            "You already have a run with this applicant, and taking over that one would "
            "take back applications you made; applications are final.",
        )
    _save(run, incoming)
    return redirect(run.url("board"), code=303)


# ---------------------------------------------------------------- the report


@bp.get("/play/<seed>/report")
@takes("run")
def report(seed: str) -> Response:
    """A dealt run's report; with ``?run=`` a shared run, without touching the session."""
    return _report_page(_seed_run(seed))


@bp.get("/play/daily/<day>/report")
@takes("run")
def daily_report(day: str) -> Response:
    """The daily run's report."""
    return _report_page(_daily_run(day))


def _report_page(run: Run) -> Response:
    shared = _token_run(run)
    applied = shared if shared is not None else _applied(run)
    token = signed.dump(_secret(), run.key, applied)
    rep = _report(run, applied)
    link = absolute_url(run.url("report", run=token))
    board_url = run.url("board")  # a shared run's player starts their own at the beginning
    if rep.verdicts and shared is None:  # the player goes back to the era they last applied in
        last = rep.verdicts[-1].era.id
        board_url = _board_url(run, last, f"era-{last}")
    html = render_template(
        "report.html",
        report=rep,
        summary=state.board().report(run.character, list(applied)),
        character=run.character,
        run=run,
        shared=shared is not None,
        share_token=token,
        share_url=link,
        share_text=share_text(rep, state.library().eras, run.label, link),
        image_url=absolute_url(run.url("picture", run=token)),
        adopt_url=run.url("adopt"),
        board_url=board_url,
        nav="play",
    )
    return private(current_app.make_response(html))


# ---------------------------------------------------------------- the picture


@bp.get("/play/<seed>/run.png")
@takes("run")
def picture(seed: str) -> Response:
    """A dealt run's Open Graph picture (the run comes from its ``?run=`` token)."""
    return _picture(_seed_run(seed))


@bp.get("/play/daily/<day>/run.png")
@takes("run")
def daily_picture(day: str) -> Response:
    """The daily run's Open Graph picture."""
    return _picture(_daily_run(day))


def _picture(run: Run) -> Response:
    applied = _token_run(run)
    if applied is None:
        abort(400, "The run parameter is missing: a picture shows one run.")
    eras = state.library().eras
    rep = _report(run, applied)
    # Everything the picture is drawn from, so a revalidation is answered without drawing it.
    inputs = (
        run.caption,
        sorted(run.character.attributes().items()),
        run.character.name,
        run.character.backstory,
        run.character.portrait,
        [(e.id, e.name, e.years.start) for e in eras],
        [(v.era.id, v.hired) for v in rep.verdicts],
        rep.par,
        rep.budget,
    )
    etag = hashlib.sha256(repr(inputs).encode()).hexdigest()[:24]
    return drawn(etag, lambda: run_image(rep, eras, run.caption, fonts()), max_age=86400)


# ---------------------------------------------------------------- the API


@bp.get("/api/play/<seed>")
def api_play(seed: str) -> Response:
    """The dealt applicant's attributes (the filter vocabulary), the budget and par."""
    if not SEED_RE.fullmatch(seed):
        abort(404, f"not an applicant's seed ({SEED_RULE})")
    c = deal(seed)
    rep = _report(Run(c, c.key, None), ())
    response = jsonify(
        seed=seed,
        name=c.name,
        applicant=c.attributes(),
        budget=rep.budget,
        par=rep.par,
        url=absolute_url(url_for("game.board", seed=seed)),
    )
    return public(response, 3600)


# ---------------------------------------------------------------- the sandbox


def _custom_url(character: Character, era_id: str | None = None, anchor: str | None = None) -> str:
    """The sandbox board of a hand-built applicant showing this era (the first by default)."""
    query: dict[str, Any] = {**character.query(), **(_era_query(era_id) if era_id else {})}
    return url_for("game.custom_board", _anchor=anchor, **query)


@bp.get("/play/custom")
@checks_own
def custom_board() -> Response | str:
    """The "what if" builder, or a hand-built applicant's board with every verdict shown, one
    era at a time (``?era=``, as on the game's board); htmx asks for the board alone."""
    if not request.args:  # the empty form, the same for everyone
        return public(
            current_app.make_response(render_template("custom.html", character=None, nav="play"))
        )
    era = _chosen_era()
    refuse_repeats(request.args)
    try:
        character = build({k: v for k, v in request.args.items() if k != "era"})
    except BadCharacter as exc:
        abort(400, f"This applicant cannot be assembled: {exc}.")
    if "era" in request.args and not _era_query(era.id):  # the first era has one address
        return redirect(_custom_url(character, era.id), code=303)
    library, board = state.library(), state.board()
    verdicts = {pid: board.verdict(pid, character) for pid in library.postings}
    fragment = _wants_fragment()
    html = render_template(
        "_board.html" if fragment else "custom.html",
        character=character,
        verdicts=verdicts,
        offers=sum(v.hired for v in verdicts.values()),
        sandbox=True,
        fragment=fragment,
        nav="play",
        **_era_context(era, _custom_url(character)),
        **_populations(),
    )
    response = current_app.make_response(html)
    response.vary.update(("HX-Request", "HX-Target"))
    return public(response)
