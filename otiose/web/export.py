"""Static export: the whole wiki (home, taxonomy, file records, eras, postings) as plain files,
with its sitemap and robots.txt.

Pages are rendered by the real app through its test client, then every internal link is
rewritten to the file it became: relative to the page, so the folder works wherever it is
served from (a host's root, or a folder of it such as a GitHub Pages project site), and
absolute under the base URL where a link must be absolute (canonical, ``og:``, JSON ``url`` fields,
and every link of ``404.html``, which a host serves at any depth). Static files keep their
``?v=`` fingerprint. Each file record's card, its ``og:image``, is written beside it as a PNG.
The game needs a server, so export mode leaves it out.
"""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from flask import Flask

from . import state

LINK = re.compile(r'(href|action|src|data-src|content)="(/[^"]*)"')
# Absolute URLs outside quotes: the sitemap's <loc> elements and robots.txt's Sitemap line.
BARE = r"(<loc>|^Sitemap: )({origin})(/[^<\s]*)"


def file_for(url: str) -> str | None:
    """The exported file for an internal URL, or None if the URL is not part of the export."""
    parts = urlsplit(url)
    path, query = parts.path, parse_qs(parts.query)
    if path.startswith("/static/"):
        return path.lstrip("/")
    if path == "/":
        return "index.html"
    if path == "/specimens/":
        if set(query) - {"page", "family"}:
            return None
        family, page = query.get("family", [""])[0], query.get("page", ["1"])[0]
        if not re.fullmatch(r"[a-z0-9-]*", family) or not page.isdigit():
            return None
        if family:  # one family's listing, as the app shows it
            return f"specimens/family-{family}" + ("" if page == "1" else f"-page-{page}") + ".html"
        return "specimens/index.html" if page == "1" else f"specimens/page-{page}.html"
    fixed = {
        "/eras/": "eras/index.html",
        "/declassified": "declassified.html",
        "/graeber": "graeber.html",
        "/about": "about.html",
        "/sitemap.xml": "sitemap.xml",
        "/robots.txt": "robots.txt",
        "/card.png": "card.png",
        "/favicon.ico": "favicon.ico",
        "/apple-touch-icon.png": "apple-touch-icon.png",
        "/api/postings/": "api/postings/index.json",
        "/specimens/schema.json": "specimens/schema.json",
        "/postings/schema.json": "postings/schema.json",
        "/eras/schema.json": "eras/schema.json",
    }
    if path in fixed:
        return fixed[path]
    m = re.fullmatch(r"/(specimens|eras|postings)/([a-z0-9-]+)(\.json|\.png)?", path)
    if m and not (m.group(3) == ".json" and m.group(1) != "specimens"):  # pages, cards, JSON
        return f"{m.group(1)}/{m.group(2)}{m.group(3) or '.html'}"
    m = re.fullmatch(r"/api/postings/([a-z0-9-]+)", path)
    if m:
        return f"api/postings/{m.group(1)}.json"
    return None


def _anchor(url: str) -> str:
    fragment = urlsplit(url).fragment
    return f"#{fragment}" if fragment else ""


def split_base_url(base_url: str) -> tuple[str, str]:
    """``https://host[:port][/path]`` as its origin and its path (no trailing slash).

    Raises ValueError for anything else: every absolute link in the export is built from it.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            "the base URL must look like https://host[:port] or https://host/folder "
            f"(where the files will be served from); got {base_url!r}"
        )
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


class _Rewriter:
    """Turns the app's URLs in one exported file into the files they became."""

    def __init__(self, origin: str, base: str, page: str, absolute: bool) -> None:
        self.origin, self.base, self.page, self.absolute = origin, base, page, absolute
        self.found: list[str] = []  # internal URLs (app paths) this file links to
        self.missing: list[str] = []

    def target(self, url: str, absolute: bool) -> str | None:
        """Where an app URL (``/path?query#fragment``) points in the export, or None."""
        local = file_for(url)
        if local is None:
            self.missing.append(url)
            return None
        self.found.append(url)
        parts = urlsplit(url)
        query = parts.query if local.startswith("static/") else ""  # keep the ?v= fingerprint
        if absolute:
            where = f"{self.base}/{local}"
        elif self.absolute:  # 404.html: a host serves it at any depth, so no relative links
            where = f"{urlsplit(self.base).path}/{local}"
        else:
            where = posixpath.relpath(local, posixpath.dirname(self.page) or ".")
        return urlunsplit(("", "", where, query, "")) + _anchor(url)

    def html(self, m: re.Match[str]) -> str:
        """An ``attr="/path"`` in a page, rewritten (left alone if it is not exported)."""
        new = self.target(m.group(2), absolute=False)
        return m.group(0) if new is None else f'{m.group(1)}="{new}"'

    def absolute_url(self, m: re.Match[str]) -> str:
        """A quoted ``"origin/path"`` (canonical, og:, JSON), rewritten to one under the base."""
        new = self.target(m.group(2), absolute=True)
        return m.group(0) if new is None else f'"{new}"'

    def bare_url(self, m: re.Match[str]) -> str:
        """An absolute URL outside quotes (sitemap, robots.txt), rewritten to one under the base."""
        new = self.target(m.group(3), absolute=True)
        return m.group(0) if new is None else f"{m.group(1)}{new}"

    def rewrite(self, text: str, html: bool) -> str:
        """Every internal link in ``text``; relative ones only in HTML."""
        text = re.sub(f'"({re.escape(self.origin)})(/[^"]*)"', self.absolute_url, text)
        if not html:
            bare = re.compile(BARE.format(origin=re.escape(self.origin)), re.MULTILINE)
            return bare.sub(self.bare_url, text)
        return LINK.sub(self.html, text)


def export(app: Flask, out: Path, base_url: str = "http://localhost") -> list[str]:
    """Write the site to ``out`` for serving at ``base_url`` (which may end in a folder);
    return the internal links that could not be exported."""
    origin, folder = split_base_url(base_url)
    base = origin + folder
    app.config["STATIC_EXPORT"] = True
    app.config["BASE_URL"] = origin
    app.logger.setLevel(logging.WARNING)
    library = state.library(app)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(Path(app.static_folder or "static"), out / "static")
    client = app.test_client()
    queue: deque[str] = deque(
        ["/", "/specimens/", "/eras/", "/declassified", "/about", "/graeber", "/api/postings/"]
        + ["/sitemap.xml", "/robots.txt", "/favicon.ico"]  # the icon a client asks for unlinked
        + [f"/specimens/{i}" for i in library.specimens]
        + [f"/eras/{e.id}" for e in library.eras]
        + [f"/postings/{p}" for p in library.postings]
    )
    seen: set[str] = set()
    missing: list[str] = []
    while queue:
        url = queue.popleft()
        name = file_for(url)
        if name is None or name in seen or name.startswith("static/"):
            continue
        seen.add(name)
        response = client.get(url, base_url=origin)
        if response.status_code != 200:
            missing.append(f"{url} -> {response.status_code}")
            continue
        written = out / name
        written.parent.mkdir(parents=True, exist_ok=True)
        if (response.mimetype or "").startswith("image/"):
            written.write_bytes(response.get_data())  # a picture: nothing in it to rewrite
            continue
        links = _Rewriter(origin, base, name, absolute=False)
        text = links.rewrite(response.get_data(as_text=True), response.mimetype == "text/html")
        missing += [f"{url} links to {target}" for target in links.missing]
        queue.extend(links.found)
        written.write_text(text, encoding="utf-8")
    not_found = client.get("/no-such-page", base_url=origin)
    links = _Rewriter(origin, base, "404.html", absolute=True)
    text = links.rewrite(not_found.get_data(as_text=True), html=True)
    missing += [f"404.html links to {target}" for target in links.missing]
    (out / "404.html").write_text(text, encoding="utf-8")
    return missing
