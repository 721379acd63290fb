"""The shared cache in deploy/nginx.conf keys on everything the app varies public pages on.

nginx's own Vary handling is off there (it kept one copy per spelling of Accept-Encoding), so a
header the app starts to vary a public response on must be added to the cache key by hand, or
one visitor's variant would be served to another. This test crawls the site as a visitor and as
htmx, and fails on any such header; another holds nginx's reduction of Accept-Encoding to the
app's own reading of the header.
"""

from __future__ import annotations

import random
import re
import sys
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from otiose.web import state
from otiose.web.security import accepted_encodings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import serve  # noqa: E402

CONF = serve.DEPLOY / "nginx.conf"
MAX_URLS = 400
LINK = re.compile(r'(?:href|hx-get|action)="(/[^"#]*)')
HEADERS = {  # the plain request's body is read for links, so it asks for no coding
    "plain": {},
    "htmx": {"HX-Request": "true", "HX-Target": "main", "Accept-Encoding": "gzip, br"},
}


def _keyed_headers() -> set[str]:
    """The request headers the cache key holds, by name ($http_hx_request → hx-request)."""
    key = serve.cache_key()
    variant = re.search(
        r"map \$uri \$otiose_variant \{\s*default\s+\"([^\"]*)\";", CONF.read_text()
    )
    if variant and "$otiose_variant" in key:  # what pages are keyed on (pictures: on none of it)
        key = key.replace("$otiose_variant", variant.group(1))
    names = {v.replace("_", "-") for v in re.findall(r"\$http_(\w+)", key)}
    mapped = re.search(r"map \$http_(\w+) \$otiose_accept_encoding", CONF.read_text())
    if mapped and "$otiose_accept_encoding" in key:
        names.add(mapped.group(1).replace("_", "-"))
    return names


def _crawl(app: Flask) -> dict[str, set[str]]:
    """Every public response's Vary, by URL and header set, over the site's own links."""
    library = state.library(app)
    client = app.test_client()
    queue = deque(
        ["/", "/specimens/", "/specimens/?q=engineer", "/eras/", "/api/postings/"]
        + [f"/specimens/{i}" for i in library.specimens]
        + [f"/postings/{p}" for p in library.postings]
    )
    seen: set[str] = set()
    varies: dict[str, set[str]] = {}
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen or url.startswith("/static/"):
            continue
        seen.add(url)
        for label, headers in HEADERS.items():
            r = client.get(url, headers=headers)
            if "public" in r.headers.get("Cache-Control", ""):
                varies[f"{label} {url}"] = {v.lower() for v in r.vary}
            if label == "plain" and r.mimetype == "text/html":
                for link in LINK.findall(r.get_data(as_text=True)):
                    queue.append(urlsplit(unescape(link))._replace(fragment="").geturl())
    return varies


def test_the_cache_key_holds_every_header_a_public_response_varies_on(app: Flask) -> None:
    keyed = _keyed_headers()
    assert keyed == {"hx-request", "hx-target", "accept-encoding"}
    varies = _crawl(app)
    assert len(varies) > 150  # the crawl reached the site, not just the start
    assert any("hx-request" in v for v in varies.values())
    unkeyed = {url: sorted(v - keyed) for url, v in varies.items() if v - keyed}
    assert unkeyed == {}


def test_pictures_vary_on_nothing_their_cache_key_leaves_out(app: Flask) -> None:
    """A picture's key is its URL alone: it may vary on no htmx header and on no coding. So is
    the icon's, which holds PNGs."""
    conf = CONF.read_text()
    assert re.search(r'map \$uri \$otiose_variant \{[^}]*"~\\\.\(png\|ico\)\$"\s+"";', conf)
    client = app.test_client()
    library = state.library(app)
    cards = [
        "/card.png",
        *(f"/specimens/{i}.png" for i in list(library.specimens)[:5]),
        *(f"/eras/{e.id}.png" for e in library.eras[:2]),
        *(f"/postings/{i}.png" for i in list(library.postings)[:2]),
    ]
    for url in [*cards, "/favicon.ico"]:
        for headers in HEADERS.values():
            r = client.get(url, headers=headers)
            assert r.status_code == 200 and r.mimetype.startswith("image/"), url
            assert not {v.lower() for v in r.vary} & {"hx-request", "hx-target", "accept-encoding"}


def _nginx_map() -> tuple[str, list[tuple[re.Pattern[str], str]]]:
    """The Accept-Encoding map: its default, and its regex entries in order as Python patterns."""
    block = re.search(r"map \$http_accept_encoding \$otiose_accept_encoding \{(.*?)\n    \}",
                      CONF.read_text(), re.S)  # fmt: skip
    assert block is not None
    default = re.search(r'^\s*default\s+"(.*)";', block.group(1), re.M)
    assert default is not None
    entries = []
    for line in block.group(1).splitlines():
        m = re.fullmatch(r'\s*"(~\*?)(.*)"\s+("?)(.*?)\3;', line)
        if m:  # nginx unescapes \t in quoted strings; Python's re reads \t and \* alike
            flags = re.I if m.group(1) == "~*" else 0
            entries.append((re.compile(m.group(2), flags), m.group(4)))
    assert len(entries) == 3
    return default.group(1), entries


def _normalised(header: str, default: str, entries: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, value in entries:
        if pattern.search(header):
            return header if value == "$http_accept_encoding" else value
    return default


def test_nginx_reduces_accept_encoding_to_the_coding_the_app_would_choose() -> None:
    offered = ("br", "gzip")
    default, entries = _nginx_map()
    tokens = ["br", "gzip", "deflate", "zstd", "identity", "*", "x-gzip", "BR", "GZip", "brotli",
              "gzip;q=0", "br;q=0.5", "*;q=0", "identity;q=0"]  # fmt: skip
    rng = random.Random(9)
    headers = ["", "gzip, deflate, br, zstd", "gzip, deflate, br", "gzip, deflate", "*"]
    for _ in range(3000):
        picked = rng.sample(tokens, rng.randint(1, 4))
        headers.append(rng.choice([",", ", ", " , ", ",\t"]).join(picked))
    for header in headers:
        sent = _normalised(header, default, entries)
        assert ";" not in sent or sent == header, header
        choice = accepted_encodings(header, offered)[:1]
        assert accepted_encodings(sent, offered)[:1] == choice, (header, sent)
