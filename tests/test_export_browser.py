"""The static export in a browser: every page kind, on a phone, light and dark, fits the screen
and has no axe-core violations.

The app's pages are held to the same in test_browser.py; the export renders the same templates
with other words and without htmx, the game and the desk, so it is opened on its own here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import axe_violations

pytestmark = pytest.mark.browser

PAGES = {
    "home": "index.html",
    "taxonomy": "specimens/index.html",
    "family": "specimens/family-data-and-ai.html",
    "record": "specimens/junior-machine-learning-engineer.html",
    "eras": "eras/index.html",
    "era": "eras/new-deal-and-war.html",
    "posting": "postings/new-deal-wing-riveter.html",
    "declassified": "declassified.html",
    "graeber": "graeber.html",
    "about": "about.html",
    "not-found": "404.html",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_exported_page_fits_a_phone_and_passes_axe(
    new_context: Any, served_export: tuple[Path, str], scheme: str
) -> None:
    _, exported = served_export
    page = new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme).new_page()
    problems: list[str] = []
    for name, path in PAGES.items():
        response = page.goto(f"{exported}/{path}")
        assert response is not None and response.status == 200, (path, response)
        wider = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        if wider > 0:
            problems.append(f"[{scheme}] export {name}: {wider}px wider than a 390px screen")
        problems += axe_violations(page, f"[{scheme}] export {name}")
    assert not problems, "\n".join(problems)
