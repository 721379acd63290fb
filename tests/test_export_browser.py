"""The static export in a browser: every page kind, on a phone, light and dark, fits the screen
and has no axe-core violations.

The app's pages are held to the same in test_browser.py; the export renders the same templates
with other words and without htmx, the game and the desk, so it is opened on its own here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import axe_violations
from test_export import _static_host

from otiose.web import create_app
from otiose.web.export import export

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


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The export, written and served by a plain static server; its base URL."""
    root = tmp_path_factory.mktemp("export")
    with _static_host(root) as port:
        base = f"http://127.0.0.1:{port}"
        app = create_app({"SECRET_KEY": "x", "LIVE_NUMBERS": False, "BASE_URL": base})
        assert export(app, root, base) == []
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_exported_page_fits_a_phone_and_passes_axe(
    new_context: Any, exported: str, scheme: str
) -> None:
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
