"""Screenshot every main page at desktop and phone widths, light and dark, into shots/.

Usage: python scripts/screenshots.py [BASE_URL] [NAME=PATH ...]   (default http://127.0.0.1:5000)
With NAME=PATH arguments, only those pages are taken.
Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchlib import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
HTMX_READY = "() => window.htmx !== undefined"  # htmx is fetched after the load event
PAGES = {
    "home": "/",
    "taxonomy": "/specimens/",
    "record": "/specimens/junior-machine-learning-engineer",
    "board": "/play/abcdefgh",
    "board-later-era": "/play/abcdefgh?era=new-deal-and-war",
    "report": "/play/abcdefgh/report",
    "era": "/eras/postwar",
    "declassified": "/declassified",
    "graeber": "/graeber",
    "posting": "/postings/junior-ml-engineer-new-grad",
    "404": "/specimens/no-such-role",
}


def main() -> None:
    pages = dict(a.split("=", 1) for a in sys.argv[2:]) or PAGES
    out = Path("shots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for width, label in ((1280, "desktop"), (390, "phone")):
                ctx = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = ctx.new_page()
                page.goto(BASE + "/play/abcdefgh")
                for era, pid in (
                    ("digital", "junior-ml-engineer-new-grad"),
                    ("new-deal-and-war", "new-deal-wing-riveter"),
                ):  # the board shows one era at a time
                    page.goto(BASE + f"/play/abcdefgh?era={era}#posting-{pid}")
                    page.wait_for_function(HTMX_READY)
                    if page.locator(f"#posting-{pid} button").count():
                        page.click(f"#posting-{pid} button")
                        page.wait_for_selector(f"#posting-{pid} .verdict")
                for name, path in pages.items():
                    page.goto(BASE + path)
                    page.wait_for_function(HTMX_READY)  # then the live numbers swap in
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=out / f"{name}-{label}-{scheme}.png", full_page=True)
                ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
