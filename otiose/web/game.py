"""The application game: deal, board, apply, report, custom characters.

State between requests is the character (a seed in the URL, or the attributes of a hand-built
character) plus the list of postings applied to. That list lives in the signed session cookie
while playing and in a signed ``run`` token in share links. Every verdict is recomputed here from
the character and the posting; nothing the browser sends can make a hire.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from ..game.character import SEED_RE, BadCharacter, Character, build, deal, new_seed
from . import live, state
from .http import private
from .hx import htmx
from .present import absolute_url

bp = Blueprint("game", __name__)

MAX_RUNS = 4  # runs remembered per browser
MAX_TOKEN = 4000


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="otiose-run")


# ---------------------------------------------------------------- characters


def _character(seed: str | None) -> Character:
    """The character for this request: dealt from the seed, or built from the query."""
    if seed is not None:
        if not SEED_RE.match(seed):
            abort(404, "That is not a character seed. Seeds are eight letters and digits.")
        return deal(seed)
    params = {k: v for k, v in request.args.items() if k != "run"}
    try:
        return build(params)
    except BadCharacter as exc:
        abort(400, f"This applicant cannot be assembled: {exc}.")


def _endpoint(name: str, seed: str | None) -> str:
    return f"game.{name}" if seed is not None else f"game.custom_{name}"


def _url(name: str, seed: str | None, character: Character, **extra: Any) -> str:
    args: dict[str, Any] = {"seed": seed} if seed is not None else dict(character.query())
    return url_for(_endpoint(name, seed), **args, **extra)


# ---------------------------------------------------------------- run state


def _runs() -> list[list[Any]]:
    """The session's runs, keeping only well-formed entries that name real postings."""
    postings = state.library().postings
    raw = session.get("runs")
    clean: list[list[Any]] = []
    if isinstance(raw, list):
        for entry in raw[:MAX_RUNS]:
            if (
                isinstance(entry, list)
                and len(entry) == 2
                and isinstance(entry[0], str)
                and len(entry[0]) <= 120
                and isinstance(entry[1], list)
                and len(entry[1]) <= len(postings)
            ):
                names = [i for i in entry[1] if isinstance(i, str)]  # no unhashable junk
                ids = [i for i in dict.fromkeys(names) if i in postings]
                clean.append([entry[0], ids])
    return clean


def _applied(key: str) -> list[str]:
    return next((ids for k, ids in _runs() if k == key), [])


def _save(key: str, ids: list[str]) -> None:
    runs = [r for r in _runs() if r[0] != key]
    session["runs"] = [[key, ids], *runs][:MAX_RUNS]


def _token(key: str, ids: list[str]) -> str:
    return _serializer().dumps([key, ids])


def _from_token(token: str, key: str) -> list[str]:
    """The posting ids in a share token for this character; 400 if forged or malformed."""
    if len(token) > MAX_TOKEN:
        abort(400, "That share link is too long to be one of ours.")
    try:
        data = _serializer().loads(token)
    except BadSignature:
        abort(400, "That share link has been altered or was not issued here.")
    postings = state.library().postings
    if (
        not isinstance(data, list)
        or len(data) != 2
        or data[0] != key
        or not isinstance(data[1], list)
        or not all(isinstance(i, str) for i in data[1])
    ):
        abort(400, "That share link belongs to a different applicant.")
    return [i for i in dict.fromkeys(data[1]) if i in postings]


# ---------------------------------------------------------------- views


@bp.get("/play")
def play() -> Response:
    """Deal a new character and send the player to its shareable board."""
    return redirect(url_for("game.board", seed=new_seed()), code=303)


@bp.get("/play/<seed>")
def board(seed: str) -> Response:
    """The board: the character and every era's postings; applied ones show their verdicts."""
    return _board(seed)


@bp.get("/play/custom")
def custom_board() -> Response | str:
    """A hand-built character's board, or the builder form when no attributes are given."""
    if not request.args:
        return render_template("custom.html", character=None, nav="play")
    return _board(None)


def _board(seed: str | None) -> Response:
    character = _character(seed)
    token = request.args.get("run")
    if token is not None:
        # A GET never changes a run: a shared run opens read-only, and adopting it is a POST.
        if _from_token(token, character.key) == _applied(character.key):
            return redirect(_url("board", seed, character), code=303)
        return redirect(_url("report", seed, character, run=token), code=303)
    board = state.board()
    applied = _applied(character.key)
    verdicts = {pid: board.verdict(pid, character) for pid in applied}
    html = render_template(
        "play.html",
        character=character,
        seed=seed,
        eras=state.library().eras,
        by_era=state.library().postings_by_era,
        verdicts=verdicts,
        apply_url=_url("apply", seed, character),
        report_url=_url("report", seed, character),
        offers=sum(v.hired for v in verdicts.values()),
        nav="play",
    )
    return private(current_app.make_response(html))


@bp.post("/play/<seed>/apply")
def apply(seed: str) -> Response:
    """Apply to one posting. htmx gets the posting's card with its verdict; others a redirect."""
    return _apply(seed)


@bp.post("/play/custom/apply")
def custom_apply() -> Response:
    """Apply as a hand-built character."""
    return _apply(None)


def _apply(seed: str | None) -> Response:
    character = _character(seed)
    library, board = state.library(), state.board()
    posting_id = request.form.get("posting", "")
    posting = library.postings.get(posting_id)
    if posting is None:
        abort(400, "Apply to a posting that is on the board (form field 'posting').")
    applied = _applied(character.key)
    if posting_id not in applied:
        applied = [*applied, posting_id]
        _save(character.key, applied)
        live.record(board.verdict(posting_id, character), live.session_run(character.key), False)
    response: Response
    if htmx:
        verdicts = {pid: board.verdict(pid, character) for pid in applied}
        response = current_app.make_response(
            render_template(
                "_posting.html",
                p=posting,
                verdict=verdicts[posting_id],
                oob=True,
                applications=len(applied),
                offers=sum(v.hired for v in verdicts.values()),
                report_url=_url("report", seed, character),
            )
        )
    else:
        anchor = f"posting-{posting_id}"
        response = redirect(_url("board", seed, character, _anchor=anchor), code=303)
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/play/<seed>/adopt")
def adopt(seed: str) -> Response:
    """Take over a shared run (a signed token in the form) as this browser's run."""
    return _adopt(seed)


@bp.post("/play/custom/adopt")
def custom_adopt() -> Response:
    """Take over a shared run of a hand-built character."""
    return _adopt(None)


def _adopt(seed: str | None) -> Response:
    character = _character(seed)
    token = request.form.get("run")
    if token is None:
        abort(400, "Send the shared run to take over (form field 'run').")
    _save(character.key, _from_token(token, character.key))
    return redirect(_url("board", seed, character), code=303)


@bp.get("/play/<seed>/report")
def report(seed: str) -> Response:
    """The run report; with ``?run=`` it shows a shared run without touching the session."""
    return _report(seed)


@bp.get("/play/custom/report")
def custom_report() -> Response:
    """The run report of a hand-built character."""
    return _report(None)


def _report(seed: str | None) -> Response:
    character = _character(seed)
    token = request.args.get("run")
    shared = token is not None
    applied = _from_token(token, character.key) if token is not None else _applied(character.key)
    share_token = _token(character.key, applied)
    html = render_template(
        "report.html",
        report=state.board().report(character, applied),
        character=character,
        seed=seed,
        shared=shared,
        share_token=share_token,
        share_url=absolute_url(_url("report", seed, character, run=share_token)),
        adopt_url=_url("adopt", seed, character),
        board_url=_url("board", seed, character),
        nav="play",
    )
    return private(current_app.make_response(html))
