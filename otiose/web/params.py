"""Query parameters and form fields: each view names the ones it reads, and any other is refused,
not ignored.

A view lists its parameters with :func:`takes` (a view without it takes none). A request with
any other parameter gets a 400 naming it before the view runs, so a mistyped ``?sotr=salary``
is reported, and a made-up parameter cannot put another copy of a page in the shared cache. A
parameter given twice is a 400 too: every one of them takes one value, and reading the first
would drop the second unsaid.
Views whose parameters are data (the audit desk's fields, a hand-built applicant's attributes)
check them themselves, with their own messages, and say so with :func:`checks_own`.

Parameters that platforms add to shared links (``utm_source``, ``fbclid`` …, see ``TRACKING``)
are not the reader's input: a GET carrying them is redirected (301) to the same address
without them, so the link still works and the cache keeps one copy.

A view that takes a POST names its form fields with :func:`fields` (a view without it takes
none). A form with any other field, or with a field given twice, gets a 400 naming it before the
view runs: ``posting=a&posting=b`` must not apply to one of them and drop the other unsaid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote, urlencode

from flask import Flask, abort, current_app, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

V = TypeVar("V", bound=Callable[..., object])

ATTRIBUTE = "otiose_params"  # where takes and checks_own leave their answer on a view
FIELDS = "otiose_fields"  # where fields leaves its answer on a view
OWN = "own"  # the answer of checks_own
BUILT_IN = {"static": frozenset({"v"})}  # Flask's own views: ?v= is an asset's fingerprint
# Campaign and click identifiers that analytics tools, ad platforms, newsletters and link
# aggregators append to links: utm_* (Google Analytics), fbclid (Meta), gclid, dclid, gbraid
# and wbraid (Google Ads), msclkid (Microsoft Ads), igshid (Instagram), mc_cid and mc_eid
# (Mailchimp), ref (Product Hunt and many lists).
TRACKING = re.compile(r"utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|igshid|mc_[ce]id|ref")


def takes(*names: str) -> Callable[[V], V]:
    """Declare the query parameters a view reads; a request with any other gets a 400."""

    def decorate(view: V) -> V:
        setattr(view, ATTRIBUTE, frozenset(names))
        return view

    return decorate


def fields(*names: str) -> Callable[[V], V]:
    """Declare the form fields a POST view reads; a form with any other gets a 400."""

    def decorate(view: V) -> V:
        setattr(view, FIELDS, frozenset(names))
        return view

    return decorate


def checks_own(view: V) -> V:
    """Declare that a view refuses unknown query parameters itself, with its own message."""
    setattr(view, ATTRIBUTE, OWN)
    return view


def accepted(app: Flask, endpoint: str) -> frozenset[str] | str:
    """The parameters ``endpoint`` takes, or :data:`OWN` when the view checks them itself."""
    if endpoint in BUILT_IN:
        return BUILT_IN[endpoint]
    answer: frozenset[str] | str = getattr(app.view_functions[endpoint], ATTRIBUTE, frozenset())
    return answer


def init_app(app: Flask) -> None:
    """Check every request's query parameters against its view's, before the view runs."""
    app.before_request(_check)
    app.before_request(_check_form)


def _check() -> Response | None:
    if not request.args or request.endpoint is None:  # no parameters, or no view (a 404)
        return None
    if request.method in ("GET", "HEAD") and any(TRACKING.fullmatch(k) for k in request.args):
        kept = [(k, v) for k, v in request.args.items(multi=True) if not TRACKING.fullmatch(k)]
        query = urlencode(kept)
        path = quote(request.script_root + request.path)
        return redirect(f"{path}?{query}" if query else path, 301)
    names = accepted(current_app, request.endpoint)
    if names == OWN:
        return None
    unknown = [k for k in request.args if k not in names]
    if unknown:
        takes_ = ", ".join(sorted(names)) or "none"
        abort(400, f"This address takes no parameter '{unknown[0][:40]}'; it takes {takes_}.")
    refuse_repeats(request.args)
    return None


def _check_form() -> None:
    if request.method != "POST" or request.endpoint is None:
        return
    view = current_app.view_functions[request.endpoint]
    names: frozenset[str] = getattr(view, FIELDS, frozenset())
    unknown = [k for k in [*request.form, *request.files] if k not in names]
    if unknown:
        takes_ = ", ".join(sorted(names)) or "none"
        abort(400, f"This form takes no field '{unknown[0][:40]}'; it takes {takes_}.")
    refuse_repeats(request.form, "field")


def refuse_repeats(args: MultiDict[str, str], what: str = "parameter") -> None:
    """A 400 for the first parameter (or form field) in ``args`` given more than once."""
    for name, values in args.lists():
        if len(values) > 1:
            abort(400, f"The {what} '{name[:40]}' was given {len(values)} times; give it once.")
