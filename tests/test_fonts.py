"""The typewriter face is a subset of Special Elite: it must still cover everything the site shows."""

from __future__ import annotations

import sys
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
    shown = {c for c in subsetter.site_characters() if ord(c) >= 0x20 and c != "\x7f"}
    missing = shown - _covered() - NOT_IN_FACE
    assert not missing, (
        f"Special Elite subset lacks {''.join(sorted(missing))!r}: "
        "run python scripts/subset_special_elite.py to cut a new subset, and commit the font"
    )
