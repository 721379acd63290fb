"""Shared fixtures: the app over the real content, a live server, content factories, Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import serving, static_host
from playwright.sync_api import expect

from otiose.stats import db
from otiose.web import create_app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _developer_database_untouched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test opens the checkout's instance/otiose.db, the database ``make run`` shows: an app
    built in production mode without a DATABASE_URL gets a throwaway file in its place."""
    stand_in = tmp_path_factory.mktemp("instance") / "otiose.db"
    patch = pytest.MonkeyPatch()
    patch.setattr(db, "DEFAULT_PATH", stand_in)
    yield stand_in
    patch.undo()


@pytest.fixture(scope="session")
def app():
    """The real app over the real content (testing mode: a throwaway secret)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the real content in a temporary folder, safe to break."""
    shutil.copytree(ROOT / "specimens", tmp_path / "specimens")
    shutil.copytree(ROOT / "eras", tmp_path / "eras")
    return tmp_path


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The real app served on 127.0.0.1 in a thread, for the browser tests."""
    with serving(create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret"})) as url:
        yield url


# ---------------------------------------------------------------- Playwright + Debian Chromium

# expect() has its own wait, 5 s by default, apart from the pages' 10 s: on a busy two-core
# machine an era tab's htmx swap once took longer than 5 s and failed the player's journey.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def served_export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The static export of an app with its defaults (live numbers on), written once and served
    at the root of a plain static host: (its folder, its base URL). Read it, do not change it:
    the session shares it."""
    from otiose.web.export import export

    root = tmp_path_factory.mktemp("export")
    with static_host(root) as port:
        base = f"http://127.0.0.1:{port}"
        application = create_app({"SECRET_KEY": "x", "TESTING": True, "BASE_URL": base})
        assert export(application, root, base) == []
        yield root, base


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium: skipped without it locally, but an error in CI."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs {CHROMIUM} for the browser tests (.ci/run installs it)")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Overrides pytest-playwright's own base_url fixture (deprecated form) with the live app."""
    return live_server
