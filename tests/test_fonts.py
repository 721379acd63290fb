"""The typewriter face is a subset of Special Elite: it must still cover everything the site shows."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import subset_special_elite as subsetter  # noqa: E402

# Upstream Special Elite (Fontsource's latin cut) never had these; wherever they are shown in
# the typewriter face the browser draws them from the next font, subset or not.
NOT_IN_FACE = set("₱₹←→🟥🟩")


def _covered() -> set[str]:
    return {chr(code) for code in TTFont(subsetter.TARGET).getBestCmap()}


def test_page_text_reads_text_not_scripts_or_styles():
    chars = subsetter.page_text(["<p>caf&eacute;</p><script>ü</script><style>ß{}</style>"])
    assert chars == set("café")


def test_subset_keeps_all_of_printable_ascii():
    assert subsetter.ASCII - _covered() == set()


def test_subset_has_every_character_the_site_shows():
    # Controls and format characters have no glyph of their own: a soft hyphen (&shy;, where a
    # header word may break on a phone) is drawn only where a word breaks at it, as a hyphen.
    shown = {
        c
        for c in subsetter.site_characters()
        if ord(c) >= 0x20 and c != "\x7f" and unicodedata.category(c) != "Cf"
    }
    missing = shown - _covered() - NOT_IN_FACE
    assert not missing, (
        f"Special Elite subset lacks {''.join(sorted(missing))!r}: "
        "run python scripts/subset_special_elite.py to cut a new subset, and commit the font"
    )


def test_the_typewriter_face_is_drawn_unhinted_wherever_it_is_set():
    """Hinting Special Elite's rough outlines anew at each size was most of the extra layout time
    of a file record (static/css/site.css says more): every rule that sets it turns hinting off."""
    css = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    typed = [(sel.strip(), body) for sel, body in rules if "var(--type)" in body]
    assert len(typed) >= 10, "the typewriter face should be set by many rules"
    bare = [sel for sel, body in typed if "text-rendering: geometricPrecision" not in body]
    assert not bare, f"rules setting var(--type) without text-rendering: geometricPrecision: {bare}"
