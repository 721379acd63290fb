"""Cut Special Elite down to the characters the site can show, with fontTools' subsetter.

Usage: python scripts/subset_special_elite.py [SOURCE.woff2]

SOURCE is the upstream file, Fontsource's latin cut of Special Elite 400 (the package
@fontsource/special-elite, files/special-elite-latin-400-normal.woff2). Without it, the script
reads that file from this repository's history (commit 948fe50, before the subset). The result
is static/fonts/special-elite-subset-400-normal.woff2.

Kept: all of printable ASCII (so typed text never falls back glyph by glyph), plus every
character of the source face that the site's text contains: the strings in the content YAML
(specimens/, eras/, otiose/data/), the templates and Python sources, and the text of every
rendered page (the static export, the game board of every era and its report, the audit desk,
the law page).
Outlines, hinting, kerning and names are kept as they are; only unused glyphs go.
tests/test_fonts.py fails when the content gains a character the subset lacks: re-run this then.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import yaml
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "static" / "fonts" / "special-elite-subset-400-normal.woff2"
ORIGINAL = "948fe50:static/fonts/special-elite-latin-400-normal.woff2"
ASCII = {chr(c) for c in range(0x20, 0x7F)}
# pages outside the static export (it leaves out the game and the audit desk)
LIVE_PAGES = ("/play/abcdefgh", "/play/abcdefgh/report", "/play/custom", "/audit", "/law", "/about")


class _Text(HTMLParser):
    """Collects the characters of a page's text (not its scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chars: set[str] = set()
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chars.update(data)


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def page_text(pages: Iterable[str]) -> set[str]:
    """Every character in the text of these HTML documents."""
    parser = _Text()
    for html in pages:
        parser.feed(html)
    return parser.chars


def source_characters(root: Path = ROOT) -> set[str]:
    """Characters of the content YAML strings, the templates and the Python sources."""
    chars: set[str] = set()
    for folder in ("specimens", "eras", "otiose/data"):
        for path in sorted((root / folder).rglob("*.yaml")):
            for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
                chars.update(text)
    for pattern in ("templates/**/*.html", "otiose/**/*.py"):
        for path in sorted(root.glob(pattern)):
            chars.update(path.read_text(encoding="utf-8"))
    return chars


def rendered_pages() -> Iterator[str]:
    """The HTML of every exported page and of the live-only pages, rendered by the real app."""
    from otiose.web import create_app
    from otiose.web.export import export
    from otiose.web.state import library as state_library

    app = create_app({"SECRET_KEY": "subset", "TESTING": True, "LIVE_NUMBERS": False})
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        missing = export(app, out)
        if missing:
            raise SystemExit(f"the export failed: {missing}")
        for page in sorted(out.rglob("*.html")):
            yield page.read_text(encoding="utf-8")
    client = app.test_client()
    eras = [f"/play/abcdefgh?era={e.id}" for e in state_library(app).eras[1:]]
    for url in (*LIVE_PAGES, *eras):  # the board shows one era at a time: every era's
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        yield response.get_data(as_text=True)


def site_characters() -> set[str]:
    """Every character the site's sources and pages contain."""
    return source_characters() | page_text(rendered_pages())


def main(argv: list[str]) -> int:
    if not argv:
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "special-elite-latin-400-normal.woff2"
            try:
                source.write_bytes(_original())
            except subprocess.CalledProcessError as exc:
                print(f"cannot read {ORIGINAL} from git history: {exc.stderr.strip()}\n"
                      "(a shallow clone has no history: pass the upstream file instead)",
                      file=sys.stderr)  # fmt: skip
                return 2
            return _cut(source)
    if len(argv) != 1 or not Path(argv[0]).is_file():
        print(__doc__, file=sys.stderr)
        return 2
    return _cut(Path(argv[0]))


def _original() -> bytes:
    """The upstream file as first committed, before the subset replaced it."""
    show = ["git", "-C", str(ROOT), "show", ORIGINAL]
    return subprocess.run(show, capture_output=True, check=True).stdout


def _cut(source: Path) -> int:
    cmap = TTFont(source).getBestCmap()
    wanted = {ord(c) for c in ASCII | site_characters()}
    keep = sorted(wanted & set(cmap))
    absent = sorted(c for c in wanted - set(cmap) if c > 0x7E)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    subset.save_font(font, str(TARGET), options)
    before, after = source.stat().st_size, TARGET.stat().st_size
    print(f"{TARGET.relative_to(ROOT)}: {before:,} -> {after:,} bytes")
    print("kept beyond ASCII: " + "".join(chr(c) for c in keep if c > 0x7E))
    print("in the text but not in the face: " + "".join(chr(c) for c in absent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
