"""What crawlers read: robots.txt keeps them out of pages made without end, the sitemap lists
every page of the wiki, and each agrees with the other and with the app's routes. (The static
export's sitemap and robots.txt are crawled with the rest of it in test_export.py.)"""

from __future__ import annotations

import urllib.robotparser
import xml.etree.ElementTree as ET

from otiose.web import state
from otiose.web.pages import DISALLOWED

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _robots(text: str) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def _locs(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [loc.text or "" for loc in root.findall("s:url/s:loc", NS)]


def test_the_sitemap_lists_every_page_of_the_wiki_and_each_answers(client, app):
    r = client.get("/sitemap.xml")
    assert r.status_code == 200
    assert r.mimetype == "application/xml"
    assert r.headers["Cache-Control"] == "public, max-age=300" and r.headers["ETag"]
    locs = _locs(r.data)
    base = app.config["BASE_URL"]
    assert all(loc.startswith(base + "/") for loc in locs)  # absolute, from the configuration
    paths = [loc[len(base) :] for loc in locs]
    assert len(paths) == len(set(paths))
    library = state.library(app)
    assert {f"/specimens/{i}" for i in library.specimens} <= set(paths)
    assert {f"/postings/{p}" for p in library.postings} <= set(paths)
    assert {f"/eras/{e.id}" for e in library.eras} <= set(paths)
    assert {"/", "/specimens/", "/about", "/audit", "/law"} <= set(paths)
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_robots_txt_lets_crawlers_read_the_wiki_and_keeps_them_out_of_endless_pages(client, app):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    assert text.endswith("\n")
    robots = _robots(text)
    base = app.config["BASE_URL"]
    assert robots.site_maps() == [f"{base}/sitemap.xml"]
    for loc in _locs(client.get("/sitemap.xml").data):
        assert robots.can_fetch("AnyBot", loc), loc
    for endless in (
        "/play/custom?gender=female&age=30",
        "/random",
        "/live/home",
        "/audit/posting.md?minAge=40",
        "/api/audit?minAge=40",
        "/api/postings/",
    ):
        assert not robots.can_fetch("AnyBot", base + endless), endless
    # a dealt board and the daily may be read (Lighthouse counts a blocked page against it)
    for board in ("/play/abcdefgh", "/play/daily/2026-12-01", "/play"):
        assert robots.can_fetch("AnyBot", base + board), board


def test_every_disallowed_path_is_one_the_app_answers(app):
    """A rule for an address the app no longer has would keep crawlers out of nothing."""
    for rule in DISALLOWED:
        assert "?" not in rule and "*" not in rule and "$" not in rule  # read alike everywhere
        routes = [r for r in app.url_map.iter_rules() if r.rule.startswith(rule)]
        assert routes, f"robots.txt disallows {rule}, which no route answers"
