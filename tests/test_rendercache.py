"""The one in-process cache: boards kept by everything their bytes depend on, bounded in bytes."""

from __future__ import annotations

import gzip

import brotli
import pytest

from otiose.web import create_app, state
from otiose.web.rendercache import RenderCache

SEED = "abcdefgh"


def _boards(cache: RenderCache) -> int:
    """How many boards the cache keeps (a verdict also keeps its posting's audit line)."""
    return sum(1 for key in cache._items if not (isinstance(key, tuple) and key[0] == "audit-line"))


def _answers(cache: RenderCache) -> int:
    """How many Apply answers the cache keeps, as HTML or compressed."""
    return sum(1 for key in cache._items if "apply" in (key[0], key[0][0]))


def test_the_cache_never_holds_more_than_its_byte_budget():
    cache = RenderCache(max_bytes=10_000)
    for i in range(100):
        html = cache.get_or_render(i, lambda i=i: f"<p>{i}</p>" + "x" * 900)
        assert html.startswith(f"<p>{i}</p>")
        assert cache.size <= 10_000
    assert 0 < len(cache) <= 11
    renders = []
    cache.get_or_render(99, lambda: renders.append(1) or "again")
    assert renders == []  # the newest is still kept
    cache.get_or_render(0, lambda: renders.append(1) or "again")
    assert renders == [1]  # the oldest was dropped
    assert cache.get_or_render("huge", lambda: "y" * 20_000) == "y" * 20_000
    assert "huge" not in cache._items and cache.size <= 10_000


def test_a_board_is_served_again_from_the_cache_until_the_run_changes():
    app = create_app({"TESTING": True, "SECRET_KEY": "cache"})
    client = app.test_client()
    renders = state.site(app).renders
    first = client.get(f"/play/{SEED}").get_data(as_text=True)
    assert _boards(renders) == 1
    assert client.get(f"/play/{SEED}").get_data(as_text=True) == first
    assert _boards(renders) == 1  # the same board: a hit
    pid = next(iter(state.library(app).postings))
    client.post(f"/play/{SEED}/apply", data={"posting": pid})
    after = client.get(f"/play/{SEED}").get_data(as_text=True)
    assert after != first and "posting--applied" in after  # a new key, a new render
    assert _boards(renders) == 2
    other = app.test_client().get(f"/play/{SEED}").get_data(as_text=True)
    assert other == first  # another browser with no applications shares the blank board


def test_each_era_page_and_fragment_is_its_own_cached_board():
    app = create_app({"TESTING": True, "SECRET_KEY": "cache"})
    client = app.test_client()
    renders = state.site(app).renders
    hx = {"HX-Request": "true", "HX-Target": "board"}
    postwar = client.get(f"/play/{SEED}?era=postwar").get_data(as_text=True)
    digital = client.get(f"/play/{SEED}?era=digital").get_data(as_text=True)
    assert len(renders) == 2 and postwar != digital  # two eras never share a page
    assert "The Organization Man" in postwar and "The Digital Era" in digital
    assert "posting-junior-ml-engineer-new-grad" in digital
    assert "posting-junior-ml-engineer-new-grad" not in postwar
    fragment = client.get(f"/play/{SEED}?era=postwar", headers=hx).get_data(as_text=True)
    assert len(renders) == 3 and "<html" not in fragment  # nor an era's page and fragment
    assert client.get(f"/play/{SEED}?era=postwar").get_data(as_text=True) == postwar
    assert client.get(f"/play/{SEED}?era=postwar", headers=hx).get_data(as_text=True) == fragment
    assert len(renders) == 3  # each served again from its own entry


def test_loading_content_again_empties_the_cache():
    app = create_app({"TESTING": True, "SECRET_KEY": "cache"})
    app.test_client().get(f"/play/{SEED}")
    site = state.site(app)
    assert len(site.renders) == 1
    site.load()
    assert len(site.renders) == 0


@pytest.mark.parametrize(
    ("accept", "module"), [("gzip, deflate, br", brotli), ("gzip, deflate", gzip)]
)
def test_a_board_is_compressed_once_and_served_compressed_from_the_cache(
    monkeypatch, accept, module
):
    app = create_app({"TESTING": True, "SECRET_KEY": "cache"})
    client = app.test_client()
    html = client.get(f"/play/{SEED}").get_data()
    calls = []
    real = module.compress  # what flask-compress and the render cache both call
    monkeypatch.setattr(module, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    headers = {"Accept-Encoding": accept}
    answers = [client.get(f"/play/{SEED}", headers=headers) for _ in range(3)]
    for r in answers:
        assert r.headers["Content-Encoding"] == ("br" if module is brotli else "gzip")
        assert "Accept-Encoding" in r.headers["Vary"] and "Cookie" in r.headers["Vary"]
        assert r.headers["Cache-Control"] == "private, no-cache"
        assert module.decompress(r.get_data()) == html
    assert calls == [1]  # compressed for the first, kept for the others
    etag = answers[0].headers["ETag"]
    again = client.get(f"/play/{SEED}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    refused = client.get(f"/play/{SEED}", headers={"Accept-Encoding": "gzip;q=0, br;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.get_data() == html


def test_an_apply_answer_is_rendered_once_for_everyone_who_makes_the_same_choices():
    """The answer to an Apply depends on the applicant (the URL) and the run's choices: a second
    browser making the same first choice (the daily game's every player) is answered from the
    cache, and still has its own run and its own cookie."""
    app = create_app({"TESTING": True, "SECRET_KEY": "cache"})
    renders = state.site(app).renders
    library = state.library(app)
    era = library.eras[0].id
    first_pid, second_pid = [p for p in library.postings if library.postings[p].era == era][:2]
    hx = {"HX-Request": "true"}
    one, two = app.test_client(), app.test_client()
    answer = one.post(f"/play/{SEED}/apply", data={"posting": first_pid}, headers=hx)
    assert answer.status_code == 200 and f'id="posting-{first_pid}"' in answer.text
    assert _answers(renders) == 1
    again = two.post(f"/play/{SEED}/apply", data={"posting": first_pid}, headers=hx)
    assert again.get_data() == answer.get_data() and _answers(renders) == 1  # a hit
    assert again.headers["Cache-Control"] == "no-store"
    assert one.get_cookie("session").value != two.get_cookie("session").value
    assert "posting--applied" in two.get(f"/play/{SEED}").text  # the second run is its own
    # the next choice is a new key: the run (and so the tally) differs
    later = one.post(f"/play/{SEED}/apply", data={"posting": second_pid}, headers=hx)
    assert f'id="posting-{second_pid}"' in later.text and _answers(renders) == 2
    # the same choice refused (the page was behind the run) is answered afresh, never kept
    behind = one.post(f"/play/{SEED}/apply", data={"posting": second_pid}, headers=hx)
    assert behind.status_code == 409 and _answers(renders) == 2
