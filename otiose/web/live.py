"""Live numbers on the web: small fragments with a short lifetime, the sightings form, recording.

Pages that show live numbers stay cacheable: they carry a placeholder that htmx fills from
here on load (``hx-get … hx-trigger="load"``), or a plain link without JS. Fragments are public
for ``LIVE_MAX_AGE`` seconds, so nginx and CDNs absorb most of the reads.

Nothing about a browser is stored server-side: the "one sighting per browser per specimen per
day" rule lives in a signed cookie in that browser. The rate limiter counts requests per
client address in memory (or Redis) for a minute and writes nothing to the database; so does
the cap on how many applications one address adds to the numbers (``LIVE_COUNT_LIMIT``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import flask
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.wrappers import Response

from .. import settings
from ..content.models import Specimen
from ..game.board import Verdict
from ..game.daily import NoSuchDay, parse_day
from ..game.daily import daily as daily_applicant
from ..settings import ConfigError
from ..stats import Counts, Standing, Stats, Unavailable, db, run_digest
from ..words import plural
from . import state
from .http import public
from .hx import htmx
from .params import takes

T = TypeVar("T")
bp = Blueprint("live", __name__)
limiter = Limiter(key_func=get_remote_address, default_limits=[])
LIMITED = "otiose_rate_limited"  # the mark :func:`limited` leaves on a view


def limited(
    limit: Callable[[], str],
    on_breach: Callable[[RequestLimit], flask.Response | None] | None = None,
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Rate-limit a view (Flask-Limiter's ``limit``) and mark it: unmarked views skip limits.

    ``on_breach`` may answer a refused request itself (None leaves it to the error page).
    """

    def decorate(view: Callable[..., T]) -> Callable[..., T]:
        wrapped = limiter.limit(limit, on_breach=on_breach)(view)
        setattr(wrapped, LIMITED, True)
        return wrapped

    return decorate


@limiter.request_filter
def _no_limit() -> bool:
    """True for a request to a view without a limit: the limiter then skips working its limits out.

    Flask-Limiter resolves every request's limits in its own ``before_request``, which costs a
    fifth of the CPU of the cheapest response. This app sets no default or application-wide
    limits, so only views decorated with :func:`limited` have one (a test holds both to that).
    """
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, LIMITED, False)


COOKIE = "otiose_sighted"
MAX_SIGHTED = 100  # specimens one cookie remembers for a day (bounds the cookie's size)
# Players a posting needs before its hire rate is shown as a percentage: below this a share
# swings by tens of points on one run ("100%" of one player), so the bare count is shown.
MIN_FOR_RATE = 30


def init_app(app: Flask) -> None:
    """Open the database (apply migrations under the dev server and tests), start the limiter.

    In production a database behind the code's migrations stops the app from starting
    (:class:`otiose.stats.SchemaBehind`, naming the command to run); an unreachable one only
    makes the numbers "unavailable" until it answers.
    """
    config = app.config
    config.setdefault("LIVE_NUMBERS", True)
    config.setdefault("LIVE_RECORD", settings.flag("OTIOSE_LIVE_RECORD", True))
    config.setdefault("LIVE_MAX_AGE", 30)
    config.setdefault("LIVE_RETRY_AFTER", 2.0)
    config.setdefault(
        "SIGHTING_RATE_LIMIT", settings.raw("OTIOSE_SIGHTING_RATE_LIMIT") or "20 per minute"
    )
    try:  # Flask-Limiter reads a limit at the first request, and a bad one switches it off
        parse_many(config["SIGHTING_RATE_LIMIT"])
    except ValueError:
        raise ConfigError(
            "OTIOSE_SIGHTING_RATE_LIMIT must be a rate such as '20 per minute' or '5/second', "
            f"not {config['SIGHTING_RATE_LIMIT']!r}"
        ) from None
    config.setdefault("LIVE_COUNT_LIMIT", settings.raw("OTIOSE_LIVE_COUNT_LIMIT") or "300 per hour")
    count_limit = _one_rate("OTIOSE_LIVE_COUNT_LIMIT", config["LIVE_COUNT_LIMIT"])
    config.setdefault("RATELIMIT_STORAGE_URI", settings.raw("RATELIMIT_STORAGE_URI") or "memory://")
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    dev = app.debug or app.testing
    if not config.get("DATABASE_URL"):
        if os.environ.get("DATABASE_URL"):
            config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        elif app.testing:  # tests never write into the developer's instance/otiose.db
            folder = tempfile.mkdtemp(prefix="otiose-test-db-")
            atexit.register(shutil.rmtree, folder, True)
            config["DATABASE_URL"] = f"sqlite:///{folder}/otiose.db"
        else:
            config["DATABASE_URL"] = db.default_url()
    stats = Stats(
        config["DATABASE_URL"],
        migrate="upgrade" if dev else "refuse",
        retry_after=float(config["LIVE_RETRY_AFTER"]),
        logger=app.logger,
    )
    app.extensions["stats"] = stats
    if config["LIVE_NUMBERS"]:
        stats.start()
    try:
        limiter.init_app(app)
        app.extensions[_CAP] = CountCap(config["RATELIMIT_STORAGE_URI"], count_limit)
    except LimitsConfigurationError as exc:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI must be memory:// or redis://host:port (with the redis "
            f"package installed): {exc}"
        ) from None
    app.jinja_env.globals["live_standing_key"] = standing_key
    app.jinja_env.globals["live_min_for_rate"] = MIN_FOR_RATE


def _one_rate(name: str, text: str) -> RateLimitItem:
    """``text`` as one rate of at least 1, or :class:`ConfigError` naming the variable ``name``."""
    try:
        rates = parse_many(text)
    except ValueError:
        rates = []
    if len(rates) != 1 or rates[0].amount < 1:
        raise ConfigError(
            f"{name} must be one rate of at least 1, such as '300 per hour' or '50/minute', "
            f"not {text!r}"
        )
    return rates[0]


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory counts (``memory://``), with old counts cleared by the counting threads
    themselves, at most once a second, instead of by a timer thread started every 10 ms.

    limits 5.8 starts a ``threading.Timer`` of 10 ms from every count once the last one has
    finished. Under load that is a new thread a hundred times a second per worker, and starting
    one waits for the new thread to be scheduled: with no lock, two threads starting the same
    timer failed a request ("threads can only be started once"; fixed upstream with a lock in
    alisaifee/limits#352, unreleased), and with one, every counting thread queued behind the
    start. The clearing is housekeeping only: a count reads its own key's expiry before adding
    (``get``), so a window is exact however late the sweep. Naming the ``memory`` scheme
    registers this class for it, for Flask-Limiter and :class:`CountCap` alike.
    """

    STORAGE_SCHEME = ["memory"]  # noqa: RUF012 - as limits declares it
    SWEEP_EVERY = 1.0  # seconds between two clearings of expired counts

    def __init__(self, uri: str | None = None, **options: Any) -> None:
        self._sweeping = threading.Lock()
        self._next_sweep = 0.0
        super().__init__(uri, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:
        """Called by limits before each count: clear expired counts if a sweep is due."""
        now = time.monotonic()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return  # not due, or another thread is sweeping
        try:
            self._next_sweep = now + self.SWEEP_EVERY
            self.sweep()
        finally:
            self._sweeping.release()

    def sweep(self) -> None:
        """Forget every count whose window has ended (``get`` drops a key once it expired) and
        every moving-window entry past its expiry."""
        now = time.time()
        for key, expires in list(self.expirations.items()):
            if expires <= now:
                self.get(key)
        for key in list(self.events):
            with self.locks[key]:
                kept = [e for e in self.events.get(key, ()) if e.expiry > now]
                if kept:
                    self.events[key] = kept
                else:
                    self.events.pop(key, None)
                    self.locks.pop(key, None)


class CountCap:
    """How many applications one client address may add to the live numbers in a window.

    Past the cap an address still plays (the game never refuses an application for this);
    its applications are simply not counted until the window turns. Each address over the cap
    is logged once a window. Counts live in the rate limiter's storage (``memory://`` per
    process, or Redis), never in the database.
    """

    def __init__(self, storage_uri: str, limit: RateLimitItem) -> None:
        self.limit = limit
        self._once = type(limit)(1, limit.multiples)  # one log line per address a window
        self._window = FixedWindowRateLimiter(storage_from_string(storage_uri))

    def allows(self, address: str) -> bool:
        """Count one application from ``address``; False once it is over the cap."""
        if self._window.hit(self.limit, "live-count", address):
            return True
        if self._window.hit(self._once, "live-count-told", address):
            current_app.logger.warning(
                "live numbers: %s sent more than %s within %s; the rest are played but not "
                "counted until that time has passed (OTIOSE_LIVE_COUNT_LIMIT)",
                address,
                plural(self.limit.amount, "application"),
                plural(self.limit.multiples, self.limit.GRANULARITY.name),
            )
        return False


_CAP = "otiose_live_cap"


def stats() -> Stats | None:
    """The app's stats service, or None when live numbers are switched off."""
    if not current_app.config.get("LIVE_NUMBERS"):
        return None
    service: Stats = current_app.extensions["stats"]
    return service


def today() -> date:
    """Today in UTC (the daily game's calendar)."""
    return datetime.now(UTC).date()


# ---------------------------------------------------------------- recording (called by the game)


def record(
    verdict: Verdict, run_id: str, daily: bool, day: date | None = None, slot: int | None = None
) -> bool:
    """Count one application of a run; True if it was new. Never raises for the database.

    Call it after the run's signed state has been checked (a forged state is refused before
    anything is counted) and the verdict recomputed. ``run_id`` must be unique to the run
    (a random id minted when it was dealt, carried in its signed state); the same run applying
    to the same posting again counts nothing, and neither does a second application in the same
    place ``slot`` of the run (0 for its first), which an old copy of the cookie would make, nor
    one from a client address past its cap (:class:`CountCap`). ``day`` is the daily
    applicant's date for a daily run, otherwise today (UTC).
    """
    service = stats()
    if service is None or not current_app.config.get("LIVE_RECORD"):
        return False
    cap: CountCap = current_app.extensions[_CAP]
    if not cap.allows(get_remote_address()):
        return False
    try:
        return service.record_application(
            run_id,
            verdict.posting.id,
            verdict.posting.era,
            verdict.hired,
            day or today(),
            daily,
            slot,
        )
    except Unavailable:
        return False


def session_run(key: str) -> str:
    """A run id for the session-kept runs: the run's key plus a random id kept in the session."""
    nonce = session.get("live")
    if not isinstance(nonce, str) or len(nonce) != 32:
        nonce = session["live"] = os.urandom(16).hex()
    return f"{key}:{nonce}"


def standing_key(key: str) -> str | None:
    """The ``run`` parameter of ``/live/daily/<day>`` for this browser's run ``key``, if any.

    Never creates anything (a report page must not set a cookie): None when this browser has
    not applied in this session.
    """
    nonce = session.get("live")
    if not isinstance(nonce, str) or len(nonce) != 32:
        return None
    return run_digest(f"{key}:{nonce}")


# ---------------------------------------------------------------- reads, for pages and JSON


def players(posting_id: str) -> dict[str, int] | None:
    """``{"applied": n, "hired": m}`` for the posting API, or None while unavailable."""
    counts = _read(lambda s: s.posting(posting_id, today()))
    return None if counts is None else {"applied": counts.applied, "hired": counts.hired}


def sightings(specimen_id: str) -> int | None:
    """Sightings of one specimen for its JSON, or None while unavailable."""
    return _read(lambda s: s.sightings(specimen_id))


def hire_rates() -> dict[str, Counts] | None:
    """Every posting's players' counts (for the ranking), or None while unavailable."""
    return _read(lambda s: s.postings(today()))


def _read(fn: Callable[[Stats], T]) -> T | None:
    service = stats()
    if service is None:
        return None
    try:
        return fn(service)
    except Unavailable:
        return None


# ---------------------------------------------------------------- fragments


def _body(template: str, page_title: str, back: tuple[str, str], **context: Any) -> str:
    """The partial alone for htmx; for a plain link, the small page around it."""
    if htmx:
        return render_template(template, **context)
    return render_template(
        "live.html", partial=template, page_title=page_title, back=back, **context
    )


def _record_back(s: Specimen) -> tuple[str, str]:
    """The way back from a specimen's sightings to its file record."""
    return url_for("specimens.record", id=s.id), f"The file record: {s.title}"


def _fragment(
    template: str, page_title: str, cacheable: bool, back: tuple[str, str], **context: Any
) -> Response:
    """The fragment for htmx; for a plain link, a small page around the same partial, with a
    link ``back`` (address, words) to the page the numbers belong to.

    Public for ``LIVE_MAX_AGE`` seconds if ``cacheable``; pass False when the numbers were
    unavailable: that answer is not stored, so the numbers show again as soon as the database
    answers (the service itself retries only every few seconds, so this costs it nothing).
    """
    response = current_app.make_response(_body(template, page_title, back, **context))
    response.vary.add("HX-Request")
    if not cacheable:
        response.headers["Cache-Control"] = "no-store"
        return response
    return public(response, max_age=int(current_app.config["LIVE_MAX_AGE"]))


@bp.get("/live/postings/<posting_id>")
def posting(posting_id: str) -> Response:
    """How the players who applied to one posting fared, beside its exact odds."""
    p = state.library().postings.get(posting_id)
    if p is None:
        abort(404, f"No posting is filed under '{posting_id[:80]}'.")
    counts = _read(lambda s: s.posting(posting_id, today()))
    odds = state.board().odds.get(posting_id)
    return _fragment(
        "_live_posting.html",
        f"Players of {p.title}",
        counts is not None,
        (url_for("timeline.posting", posting_id=p.id), f"The posting: {p.title}"),
        posting=p,
        counts=counts,
        odds=odds.odds if odds is not None else None,
    )


@bp.get("/live/specimens/<specimen_id>")
@takes("filed")
def specimen(specimen_id: str) -> Response:
    """The sightings count of one file record, and the "I have worked with one" form."""
    s = state.library().specimens.get(specimen_id)
    if s is None:
        abort(404, f"No specimen is filed under '{specimen_id[:80]}'.")
    filed = request.args.get("filed")
    if filed not in (None, "yes", "no"):
        abort(400, "The filed parameter is yes or no.")
    count = _read(lambda st: st.sightings(specimen_id))
    return _fragment(
        "_live_sightings.html",
        f"Sightings of the {s.title}",
        count is not None,
        _record_back(s),
        specimen=s,
        count=count,
        said=filed == "yes",
        failed=filed == "no",
    )


def _sighting_refused(limit: RequestLimit) -> flask.Response | None:
    """The answer to a sighting over the rate limit: the sightings box again, saying so.

    htmx swaps whatever comes back into the box, so an error page's sheet (with its own h1)
    would replace the count and the button; without JS, the numbers' own page with the same
    note. The count is not read: a flood of refused presses costs the database nothing.
    """
    specimen_id = (request.view_args or {}).get("specimen_id", "")
    s = state.library().specimens.get(specimen_id)
    if s is None:
        return None  # the error page, as for any other refused request
    item = limit.limit
    unit = item.GRANULARITY.name
    per = unit if item.multiples == 1 else f"{item.multiples} {unit}s"
    wait = max(1, limit.reset_at - int(time.time()))
    context: dict[str, Any] = {
        "specimen": s,
        "refused": f"{item.amount} per {per}",
        "retry": plural(wait, "second") if wait < 120 else plural(wait // 60, "minute"),
    }
    body = _body("_live_sightings.html", f"Sightings of the {s.title}", _record_back(s), **context)
    response = current_app.make_response((body, 429))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/live/specimens/<specimen_id>/sightings")
@limited(lambda: str(current_app.config["SIGHTING_RATE_LIMIT"]), _sighting_refused)
def sight(specimen_id: str) -> Response:
    """Count one sighting, once per browser per specimen per day (a signed cookie remembers)."""
    s = state.library().specimens.get(specimen_id)
    if s is None:
        abort(404, f"No specimen is filed under '{specimen_id[:80]}'.")
    day = today()
    seen = _sighted(day)
    said = specimen_id in seen
    counted = False
    service = stats()
    if not said and service is not None:
        try:
            service.record_sighting(specimen_id, day)
            counted = True
        except Unavailable:
            pass
    count = _read(lambda st: st.sightings(specimen_id))
    response: Response
    if htmx:
        response = current_app.make_response(
            render_template(
                "_live_sightings.html",
                specimen=s,
                count=count,
                said=said or counted,
                failed=not (said or counted),
            )
        )
    else:
        # without JS: back to the numbers' own page (a URL of its own, so no stale cached copy)
        filed = "yes" if said or counted else "no"
        response = redirect(url_for("live.specimen", specimen_id=specimen_id, filed=filed), 303)
    response.headers["Cache-Control"] = "private, no-store"
    if counted:
        _remember(response, day, [*seen, specimen_id][-MAX_SIGHTED:])
    return response


@bp.get("/live/ranking")
def ranking() -> Response:
    """Every posting's players' hire rate beside its exact odds (for the declassified page)."""
    rates = hire_rates()
    return _fragment(
        "_live_ranking.html",
        "How the players fared on each posting",
        rates is not None,
        (url_for("timeline.declassified"), "Every posting, declassified"),
        rates=rates,
        ranking=state.board().ranking(),
    )


@bp.get("/live/home")
def home() -> Response:
    """The specimen sighted most in the last 7 days (UTC)."""
    service = stats()
    top: tuple[str, int] | None = None
    available = service is not None
    if service is not None:
        try:
            top = service.most_sighted(today())
        except Unavailable:
            available = False
    return _fragment(
        "_live_home.html",
        "The most-sighted specimen of the last 7 days",
        available,
        (url_for("pages.home"), "The front page"),
        available=available,
        specimen=state.library().specimens.get(top[0]) if top else None,
        count=top[1] if top else 0,
    )


@bp.get("/live/daily/<day>")
@takes("run")
def daily(day: str) -> Response:
    """How the day's daily players scored (a chart drawn here) and where one run stands."""
    try:
        when = parse_day(day)
    except ValueError as exc:
        abort(400, f"The day must be a date written YYYY-MM-DD: {exc}.")
    try:
        daily_applicant(when)
    except NoSuchDay as exc:  # no applicant, so no players: as the day's board says
        abort(404, f"No daily applicant for that date: {exc}.")
    run = request.args.get("run", "")
    if run and (len(run) != 32 or any(c not in "0123456789abcdef" for c in run)):
        abort(400, "The run parameter must be the 32-character key the report gives.")
    histogram: dict[int, int] | None = _read(lambda s: s.scores(when))
    standing: Standing | None = _read(lambda s: s.standing_of(run, when)) if run else None
    return _fragment(
        "_live_daily.html",
        f"How the players of {when.day} {when:%b %Y} scored",  # as the daily board writes it
        histogram is not None,
        (url_for("game.daily_board", day=when.isoformat()), f"The daily of {when.isoformat()}"),
        day=when,
        chart=chart(histogram, standing.score if standing else None) if histogram else None,
        histogram=histogram,
        standing=standing,
    )


def chart(histogram: dict[int, int], mine: int | None, width: int = 320, height: int = 152) -> Any:
    """Bar geometry for the SVG the template draws: one bar per score from 0 to the best.

    Below the bars, 16 units for the score labels and 16 more for the axis title "offers",
    which is centred like the middle score's label and so needs a line of its own.
    """
    top = max([3, *histogram])
    most = max(histogram.values(), default=0) or 1
    step = width / (top + 1)
    plot = height - 48
    bars = []
    for score in range(top + 1):
        n = histogram.get(score, 0)
        h = round(plot * n / most, 1)
        bars.append(
            {
                "score": score,
                "runs": n,
                "x": round(score * step + step * 0.15, 1),
                "y": round(16 + plot - h, 1),
                "w": round(step * 0.7, 1),
                "h": h,
                "mine": score == mine,
            }
        )
    base = 16 + plot
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "base": base,
        "label_y": base + 14,
        "title_y": base + 30,
    }


# ---------------------------------------------------------------- the sightings cookie


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="otiose-sighted")


def _sighted(day: date) -> list[str]:
    """The specimens this browser has sighted today (the cookie's list, if it is today's)."""
    raw = request.cookies.get(COOKIE, "")
    if not raw or len(raw) > 8192:
        return []
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return []
    if not (isinstance(data, list) and len(data) == 2 and data[0] == day.isoformat()):
        return []
    ids = data[1] if isinstance(data[1], list) else []
    return [i for i in ids if isinstance(i, str)][-MAX_SIGHTED:]


def _remember(response: Response, day: date, ids: list[str]) -> None:
    response.set_cookie(
        COOKIE,
        _serializer().dumps([day.isoformat(), ids]),
        max_age=2 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
