"""Static export: the whole wiki (home, taxonomy, file records, eras, postings) as plain files.

Pages are rendered by the real app through its test client, then every internal link is
rewritten to the file it became. The game needs a server, so export mode leaves it out.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from . import state

LINK = re.compile(r'(href|action|src)="(/[^"]*)"')


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
        if "family" in query:
            return "specimens/index.html"  # the grouped listing has an anchor per family
        page = query.get("page", ["1"])[0]
        return "specimens/index.html" if page == "1" else f"specimens/page-{page}.html"
    fixed = {
        "/eras/": "eras/index.html",
        "/declassified": "declassified.html",
        "/graeber": "graeber.html",
        "/about": "about.html",
        "/api/postings/": "api/postings/index.json",
        "/specimens/schema.json": "specimens/schema.json",
        "/postings/schema.json": "postings/schema.json",
        "/eras/schema.json": "eras/schema.json",
    }
    if path in fixed:
        return fixed[path]
    m = re.fullmatch(r"/(specimens|eras|postings)/([a-z0-9-]+)(\.json)?", path)
    if m and not (m.group(3) and m.group(1) != "specimens"):
        return f"{m.group(1)}/{m.group(2)}{m.group(3) or '.html'}"
    m = re.fullmatch(r"/api/postings/([a-z0-9-]+)", path)
    if m:
        return f"api/postings/{m.group(1)}.json"
    return None


def _anchor(url: str) -> str:
    parts = urlsplit(url)
    family = parse_qs(parts.query).get("family")
    if parts.path == "/specimens/" and family:
        return f"#fam-{family[0]}"
    return f"#{parts.fragment}" if parts.fragment else ""


def export(app: Flask, out: Path, base_url: str = "http://localhost") -> list[str]:
    """Write the site to ``out``; return the internal links that could not be exported."""
    app.config["STATIC_EXPORT"] = True
    app.config["BASE_URL"] = base_url.rstrip("/")
    app.logger.setLevel(logging.WARNING)
    library = state.library(app)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(Path(app.static_folder or "static"), out / "static")
    client = app.test_client()
    queue: deque[str] = deque(
        ["/", "/specimens/", "/eras/", "/declassified", "/about", "/graeber", "/api/postings/"]
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
        response = client.get(url, base_url=base_url)
        if response.status_code != 200:
            missing.append(f"{url} -> {response.status_code}")
            continue
        body = response.get_data()
        if response.mimetype == "text/html":
            text = body.decode("utf-8")

            def rewrite(m: re.Match[str], url: str = url) -> str:
                target = m.group(2)
                local = file_for(target)
                if local is None:
                    missing.append(f"{url} links to {target}")
                    return m.group(0)
                if not local.startswith("static/"):
                    queue.append(target)
                return f'{m.group(1)}="/{local}{_anchor(target)}"'

            text = LINK.sub(rewrite, text)
            body = text.encode("utf-8")
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    not_found = client.get("/no-such-page", base_url=base_url)
    (out / "404.html").write_bytes(
        LINK.sub(
            lambda m: f'{m.group(1)}="/{file_for(m.group(2)) or ""}"',
            not_found.get_data(as_text=True),
        ).encode()
    )
    return missing
