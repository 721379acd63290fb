"""The static export builds, covers the wiki, and every link in it resolves to a file."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from otiose.web import create_app, state
from otiose.web.export import export, file_for


def test_url_mapping():
    assert file_for("/") == "index.html"
    assert file_for("/specimens/sdet") == "specimens/sdet.html"
    assert file_for("/specimens/sdet.json") == "specimens/sdet.json"
    assert file_for("/specimens/?page=3") == "specimens/page-3.html"
    assert file_for("/specimens/?family=data-and-ai") == "specimens/index.html"
    assert file_for("/play/abcdefgh") is None and file_for("/random") is None
    assert file_for("/specimens/?q=x") is None


def test_export_builds_and_every_link_resolves(tmp_path):
    app = create_app({"SECRET_KEY": "x", "TESTING": True})
    library = state.library(app)
    out = tmp_path / "site"
    assert export(app, out) == []
    for sid in library.specimens:
        assert (out / "specimens" / f"{sid}.html").is_file()
    for era in library.eras:
        assert (out / "eras" / f"{era.id}.html").is_file()
    for pid in library.postings:
        assert (out / "postings" / f"{pid}.html").is_file()
    checked = 0
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "/play" not in re.findall(r'href="([^"]*)"', html), page
        assert "hx-get" not in html and 'action="' not in html, page
        for link in re.findall(r'(?:href|src)="(/[^"]*)"', html):
            target = out / urlsplit(link).path.lstrip("/")
            assert target.is_file(), f"{page.relative_to(out)} links to missing {link}"
            checked += 1
    assert checked > 1000
    assert (out / "404.html").is_file()
