"""Query parameters: every address refuses one it does not take, naming it (a spec test over
every route), and links that platforms tag for tracking are redirected to the clean address."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from flask import Flask
from werkzeug.routing import Rule

from otiose.web import create_app, params, state

SAMPLES = {  # a real value for each path variable, so a view that checks its own gets that far
    "seed": "abcdefgh",
    "id": "agile-coach",
    "specimen_id": "agile-coach",
    "era_id": "postwar",
    "filename": "css/site.css",
}


@pytest.fixture
def fresh_app() -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "params"})


def _url(app: Flask, rule: Rule) -> str:
    values = {
        **SAMPLES,
        "day": datetime.now(UTC).date().isoformat(),
        "posting_id": next(iter(state.library(app).postings)),
    }
    with app.test_request_context():
        return app.url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def _routes(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def test_every_address_refuses_a_parameter_it_does_not_take(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    checked = 0
    for rule in _routes(fresh_app):
        url = _url(fresh_app, rule) + "?zzz=1"
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            r = client.open(url, method=method, headers={"Origin": "http://localhost"})
            assert r.status_code == 400, f"{method} {url}: {r.status_code}"
            assert "zzz" in r.get_data(as_text=True), f"{method} {url}"
            checked += 1
    assert checked >= 40


def test_each_address_names_what_it_takes(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    r = client.get("/specimens/?q=engineer&sotr=salary")
    assert r.status_code == 400
    said = "This address takes no parameter 'sotr'; it takes family, page, q, sort."
    assert said in unescape(r.get_data(as_text=True))
    r = client.get("/specimens/agile-coach.json?format=xml")
    assert r.status_code == 400 and r.is_json
    assert r.get_json()["error"] == "This address takes no parameter 'format'; it takes none."
    assert client.get("/specimens/?q=engineer&sort=title&page=1").status_code == 200


def test_a_view_that_checks_its_own_parameters_says_so(fresh_app: Flask) -> None:
    own = {
        rule.endpoint
        for rule in _routes(fresh_app)
        if params.accepted(fresh_app, rule.endpoint) == params.OWN
    }
    assert own == {"audit.desk", "audit.api", "audit.posting_md", "game.custom_board"}


def test_tracking_tags_are_dropped_by_a_redirect(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    r = client.get("/specimens/?q=%C3%A9t%C3%A9&utm_source=feed&fbclid=x1&sort=title&q=two")
    assert r.status_code == 301
    assert r.headers["Location"] == "/specimens/?q=%C3%A9t%C3%A9&q=two&sort=title"
    r = client.get("/?utm_campaign=launch&ref=producthunt")
    assert (r.status_code, r.headers["Location"]) == (301, "/")
    r = client.head("/play/abcdefgh?era=postwar&gclid=7")
    assert (r.status_code, r.headers["Location"]) == (301, "/play/abcdefgh?era=postwar")
    r = client.get("/specimens/agile-coach?utm_source=x&zzz=1")  # the redirect keeps zzz …
    assert r.headers["Location"] == "/specimens/agile-coach?zzz=1"
    assert client.get(r.headers["Location"]).status_code == 400  # … and zzz is refused there
    r = client.post("/play/abcdefgh/apply?utm_source=x", data={"posting": "x"})
    assert r.status_code == 400  # only a link is tidied; a form sends what its page gave it


def test_every_parameter_given_twice_is_refused_not_read_once(fresh_app: Flask) -> None:
    """``?sort=title&sort=salary`` used to sort by title and drop the second value unsaid."""
    client = fresh_app.test_client()
    checked = 0
    for rule in _routes(fresh_app):
        names = params.accepted(fresh_app, rule.endpoint)
        if names == params.OWN or "GET" not in (rule.methods or set()):
            continue
        for name in sorted(names):
            r = client.get(f"{_url(fresh_app, rule)}?{name}=1&{name}=2")
            said = unescape(r.get_data(as_text=True))
            assert r.status_code == 400, f"{rule.rule}?{name}: {r.status_code}"
            assert f"The parameter '{name}' was given 2 times; give it once." in said, rule.rule
            checked += 1
    assert checked >= 12


def test_the_sandbox_refuses_an_attribute_given_twice(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    query = "gender=female&race=black&age=30&education=bachelor&experience=junior&union=false"
    query += "&maritalStatus=single"
    assert client.get(f"/play/custom?{query}").status_code == 200
    r = client.get(f"/play/custom?{query}&age=70")
    assert r.status_code == 400
    assert "The parameter 'age' was given 2 times; give it once." in unescape(r.get_data(True))
