"""The static export builds, covers the wiki, and every link in it resolves to a file."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.request import urlopen

from helpers import static_host

from otiose.web import create_app, state
from otiose.web.export import export, file_for


def test_url_mapping():
    assert file_for("/") == "index.html"
    assert file_for("/specimens/sdet") == "specimens/sdet.html"
    assert file_for("/specimens/sdet.json") == "specimens/sdet.json"
    assert file_for("/specimens/sdet.png") == "specimens/sdet.png"  # the record's card
    assert file_for("/eras/industrial.png") == "eras/industrial.png"  # an era's card
    assert file_for("/postings/x.png") == "postings/x.png"
    assert file_for("/eras/industrial.json") is None and file_for("/postings/x.json") is None
    assert file_for("/specimens/?page=3") == "specimens/page-3.html"
    assert file_for("/specimens/?family=data-and-ai") == "specimens/family-data-and-ai.html"
    assert file_for("/specimens/?family=x&page=2") == "specimens/family-x-page-2.html"
    assert file_for("/specimens/?page=x") is None and file_for("/specimens/?family=../x") is None
    assert file_for("/play/abcdefgh") is None and file_for("/random") is None
    assert file_for("/specimens/?q=x") is None


def test_export_builds_and_leaves_out_what_needs_the_app(served_export):
    out, base = served_export  # written by an app with the live numbers on, as by default
    app = create_app({"SECRET_KEY": "x", "TESTING": True})
    library = state.library(app)
    client = app.test_client()
    for sid in library.specimens:
        html = (out / "specimens" / f"{sid}.html").read_text(encoding="utf-8")
        # each record's card is exported beside it, as the app draws it, and named as its
        # og:image under the base URL
        card = (out / "specimens" / f"{sid}.png").read_bytes()
        assert card == client.get(f"/specimens/{sid}.png").data
        assert f'<meta property="og:image" content="{base}/specimens/{sid}.png">' in html
    for folder, ids in (("eras", [e.id for e in library.eras]), ("postings", library.postings)):
        for i in ids:  # each page with its card, named as its og:image
            html = (out / folder / f"{i}.html").read_text(encoding="utf-8")
            assert f'<meta property="og:image" content="{base}/{folder}/{i}.png">' in html
            assert (out / folder / f"{i}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the icons clients ask for by name, at the export's root, as the app draws them
    for icon in ("favicon.ico", "apple-touch-icon.png"):
        assert (out / icon).read_bytes() == client.get(f"/{icon}").data, icon
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="apple-touch-icon" href="apple-touch-icon.png">' in home  # relative
    fingerprinted: set[str] = set()
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # nothing that needs the app: no form to post, no htmx request, no link to the game
        assert "/play" not in re.findall(r'href="([^"]*)"', html), page
        assert "hx-get" not in html and 'action="' not in html and "<form" not in html, page
        # nor a script that has nothing to do (htmx) or text offering what is left out
        assert "<script" not in html and "htmx" not in html, page
        assert "results update as you type" not in html, page
        assert "sealed until you apply<" not in html, page  # there is nowhere to apply
        assert "This is a static copy of the wiki." in html, page
        # fingerprinted static URLs keep their ?v=, and it is the hash of the exported file
        for name, v in re.findall(r'"(?:\.\./)*(static/[^"?]+)\?v=([0-9a-f]+)"', html):
            assert hashlib.sha256((out / name).read_bytes()).hexdigest()[:12] == v, (page, name)
            fingerprinted.add(name)
    assert fingerprinted >= {"static/css/site.css", "static/img/favicon.svg"}
    assert (out / "404.html").is_file()


# --- a static host, crawled ------------------------------------------------------------------

LINK_ATTRS = ("href", "src", "action", "data-src", "poster")
SELF_META = ("og:url", "og:image")


class _Links(HTMLParser):
    """Every URL an HTML page refers to, and the ids it defines (for #fragment links)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        self.urls += [a[k] for k in LINK_ATTRS if k in a]
        for k in ("srcset", "imagesrcset"):
            self.urls += [c.split()[0] for c in a.get(k, "").split(",") if c.strip()]
        if tag == "meta" and a.get("property") in SELF_META:
            self.urls.append(a["content"])
        if tag == "form" and "action" not in a:
            self.urls.append("")  # a form with no action posts to the page itself


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urlopen(url, timeout=10) as r:
            return r.status, r.headers.get_content_type(), r.read()
    except HTTPError as e:
        return e.code, "", b""


def crawl(out: Path, base: str) -> tuple[list[str], int]:
    """Fetch every exported page from ``base`` and every URL each one (and each stylesheet)
    refers to; return the broken ones and how many links were checked."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    fetched: dict[str, tuple[int, str, bytes]] = {}
    ids: dict[str, set[str]] = {}
    broken: list[str] = []
    stylesheets: set[str] = set()
    checked = 0

    def fetch(url: str) -> tuple[int, str, bytes]:
        if url not in fetched:
            fetched[url] = _get(url)
        return fetched[url]

    def anchors(url: str) -> set[str]:
        if url not in ids:
            parser = _Links()
            parser.feed(fetch(url)[2].decode("utf-8"))
            ids[url] = parser.ids
        return ids[url]

    def check(page: str, ref: str, own: set[str] | None = None) -> None:
        nonlocal checked
        if ref.startswith("#") and own is not None:
            checked += 1
            if ref[1:] not in own:
                broken.append(f"{page} -> {ref}: no such id on the page")
            return
        target = urljoin(page, ref)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or (
            target.startswith(origin) is False and parts.netloc != urlsplit(origin).netloc
        ):
            return  # mailto:, or a link to another site
        checked += 1
        where = urlunsplit(parts._replace(fragment=""))
        if not (where + "/").startswith(base + "/"):
            broken.append(f"{page} -> {ref}: outside the site at {base}")
            return
        status, ctype, body = fetch(where)
        if status != 200:
            broken.append(f"{page} -> {ref}: {status}")
        elif parts.fragment and ctype == "text/html" and parts.fragment not in anchors(where):
            broken.append(f"{page} -> {ref}: no #{parts.fragment} there")
        elif ctype == "text/css" and where not in stylesheets:
            stylesheets.add(where)
            for inner in re.findall(r"url\(\s*['\"]?([^'\")]+)", body.decode("utf-8")):
                check(where, inner)

    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    for name in pages:
        # a static host answers 404.html for any unknown path, at any depth
        page = f"{base}/no/such/page" if name == "404.html" else f"{base}/{name}"
        status, ctype, body = _get(f"{base}/{name}")
        assert (status, ctype) == (200, "text/html"), name
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for ref in parser.urls:
            check(page, ref, parser.ids)
    for path in sorted(out.rglob("*.json")):
        name = path.relative_to(out).as_posix()
        status, ctype, body = _get(f"{base}/{name}")
        assert (status, ctype) == (200, "application/json"), name
        for ref in re.findall(r'"(https?://[^"]+)"', body.decode("utf-8")):
            check(f"{base}/{name}", ref)
    # the sitemap's pages, and robots.txt's line naming the sitemap
    for name, pattern in (
        ("sitemap.xml", r"<loc>([^<]+)</loc>"),
        ("robots.txt", r"Sitemap: (\S+)"),
    ):
        text = (out / name).read_text(encoding="utf-8")
        refs = re.findall(pattern, text)
        assert refs, name
        for ref in refs:
            check(f"{base}/{name}", ref)
    return broken, checked


def assert_every_link_resolves(out: Path, base: str) -> None:
    """:func:`crawl` finds nothing broken, having checked links enough for the whole site."""
    broken, checked = crawl(out, base)
    assert broken == [], "\n".join(broken[:40]) + f"\n({len(broken)} broken)"
    assert checked > 5000


def test_every_link_in_the_export_resolves_at_a_hosts_root(served_export):
    """Served by a plain static server at a host's root, every href, src, srcset, action,
    og:url, og:image and canonical link of every page, every url() in the CSS and every link
    in the JSON is a file there."""
    assert_every_link_resolves(*served_export)


def test_every_link_in_the_export_resolves_under_a_sub_path(tmp_path):
    """The same in a folder of the host, as a GitHub Pages project site is served."""
    mount = "/otiose"
    root = tmp_path / "www"
    with static_host(root) as port:
        base = f"http://127.0.0.1:{port}{mount}"
        origin = f"http://127.0.0.1:{port}"
        app = create_app({"SECRET_KEY": "x", "LIVE_NUMBERS": False, "BASE_URL": origin})
        out = root / mount.strip("/")
        assert export(app, out, base) == []
        assert_every_link_resolves(out, base)
