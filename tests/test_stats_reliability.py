"""Nothing acknowledged is lost, and a database outage is not a site outage.

One test runs the production server (gunicorn) on a SQLite file, sends applications and
sightings from several clients, kills the whole server with SIGKILL in the middle, restarts it
and finds every write it had acknowledged. The other stops and restarts a real PostgreSQL under
a running app: pages and the game keep working, the numbers say "unavailable" (logged once),
and they come back without anyone touching the app.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pytest_postgresql.executors import PostgreSQLExecutor

from otiose.game.character import new_seed
from otiose.stats import Stats, db
from otiose.web import create_app

pytest_plugins = ["pg"]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import benchlib  # noqa: E402

POSTINGS = [
    "corporate-account-representative",
    "corporate-administrative-assistant",
    "corporate-associate-consultant",
]
SPECIMENS = ["agile-coach", "ai-researcher"]


@contextlib.contextmanager
def _gunicorn(db_url: str, log_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The production server as deployed (deploy/gunicorn.conf.py, two workers) on ``db_url``."""
    env = {
        "DATABASE_URL": db_url,
        "OTIOSE_SIGHTING_RATE_LIMIT": "100000 per minute",
        "OTIOSE_LIVE_COUNT_LIMIT": benchlib.UNCAPPED,  # every client here is 127.0.0.1
    }
    with benchlib.gunicorn(log_dir, workers=2, env=env) as server:
        yield server.proc, int(server.base.rsplit(":", 1)[1])


def _request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        hdrs = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        conn.request(method, path, body=body or None, headers=hdrs)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_every_acknowledged_write_survives_a_sigkill(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'otiose.db'}"
    Stats(db_url, migrate="upgrade").start()  # as `flask --app app db upgrade` would
    log = tmp_path / "gunicorn"
    acked: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int, port: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            if i % 4:
                key, path, body = POSTINGS[i % 3], "", ""
                seed = new_seed()  # a new applicant, a new browser: a new run
                path, body = f"/play/{seed}/apply", f"posting={key}"
            else:
                key = SPECIMENS[i % 2]
                path = f"/live/specimens/{key}/sightings"
            with lock:
                sent[key] += 1
            try:
                status, _ = _request(port, "POST", path, body)
            except (OSError, http.client.HTTPException):
                return  # the server is gone; this write was never acknowledged
            if status == 303:
                with lock:
                    acked[key] += 1

    with _gunicorn(db_url, log) as (proc, port):
        threads = [threading.Thread(target=client, args=(n, port)) for n in range(6)]
        for t in threads:
            t.start()
        time.sleep(2.0)
        os.killpg(proc.pid, signal.SIGKILL)  # master and workers, mid-load, no clean-up
        proc.wait(timeout=10)
        time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(timeout=15)
    assert sum(acked.values()) > 50, "too little load to mean anything"

    with _gunicorn(db_url, log) as (_proc, port):
        stats = Stats(db_url)
        for posting in POSTINGS:
            applied = stats.posting(posting).applied
            assert acked[posting] <= applied <= sent[posting], posting
            status, text = _request(
                port, "GET", f"/live/postings/{posting}", headers={"HX-Request": "true"}
            )
            assert status == 200
            shown = re.search(r"<strong>([\d,]+)</strong> players? (?:who )?applied here", text)
            assert shown is not None and int(shown.group(1).replace(",", "")) == applied
        for specimen in SPECIMENS:
            assert acked[specimen] <= stats.sightings(specimen) <= sent[specimen], specimen
        stats.close()


def _logged_client(url: str, retry_after: float, caplog: pytest.LogCaptureFixture) -> FlaskClient:
    """A client of an app on ``url`` whose log lines reach ``caplog``."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": url, "LIVE_RETRY_AFTER": retry_after}
    )
    app.logger.propagate = True
    caplog.set_level(logging.INFO)
    return app.test_client()


def test_a_postgresql_outage_is_survived_and_recovered_from(
    pg_outage: tuple[PostgreSQLExecutor, str], caplog: pytest.LogCaptureFixture
) -> None:
    server, url = pg_outage
    client = _logged_client(url, 0.5, caplog)
    hx = {"HX-Request": "true"}
    posting = f"/live/postings/{POSTINGS[0]}"
    assert client.post("/play/aaaaaaaa/apply", data={"posting": POSTINGS[0]}).status_code == 303
    assert "<strong>1</strong> player applied here" in client.get(posting, headers=hx).get_data(
        as_text=True
    )

    server.stop()
    for i in range(5):
        assert client.get("/specimens/agile-coach").status_code == 200
        assert client.get("/").status_code == 200
        r = client.post(f"/play/bbbbbbb{'cdefg'[i]}/apply", data={"posting": POSTINGS[0]})
        assert r.status_code == 303
        assert client.get(f"/play/bbbbbbb{'cdefg'[i]}").status_code == 200
        r = client.get(posting, headers=hx)
        assert r.status_code == 200 and "unavailable just now" in r.get_data(as_text=True)
        time.sleep(0.2)
    down = [r for r in caplog.records if "live numbers unavailable" in r.getMessage()]
    assert len(down) == 1

    server.start()
    deadline = time.monotonic() + 20
    while True:
        text = client.get(posting, headers=hx).get_data(as_text=True)
        if "</strong> player" in text:
            break
        assert time.monotonic() < deadline, "the numbers did not come back"
        time.sleep(0.2)
    assert "<strong>1</strong> player applied here" in text
    assert client.post("/play/cccccccc/apply", data={"posting": POSTINGS[0]}).status_code == 303
    assert "of the <strong>2</strong> players" in client.get(posting, headers=hx).get_data(
        as_text=True
    )
    assert len([r for r in caplog.records if "is back" in r.getMessage()]) == 1
    assert len([r for r in caplog.records if "live numbers unavailable" in r.getMessage()]) == 1


def test_tables_dropped_under_a_running_app_leave_the_game_working(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A restored backup, a downgrade or a database pointed at by mistake: the server answers,
    # but the tables are gone. Applying must still work (the numbers say "unavailable"), and the
    # numbers come back once the schema is set up again, without a restart.
    # The retry pause must outlast the three requests that see the numbers "unavailable" (a
    # retry sets the schema up again); at 0.3 s a loaded machine sometimes got there first.
    client = _logged_client(db_url, 2.0, caplog)
    hx = {"HX-Request": "true"}
    posting = f"/live/postings/{POSTINGS[0]}"
    assert client.post("/play/aaaaaaaa/apply", data={"posting": POSTINGS[0]}).status_code == 303

    engine = db.make_engine(db_url)
    try:
        db.downgrade(engine, "base")
    finally:
        engine.dispose()
    r = client.post("/play/bbbbbbbb/apply", data={"posting": POSTINGS[0]})
    assert r.status_code == 303
    r = client.get(posting, headers=hx)
    assert r.status_code == 200 and "unavailable just now" in r.get_data(as_text=True)
    r = client.get(f"/api/postings/{POSTINGS[0]}")
    assert r.status_code == 200 and r.get_json()["players"] is None
    assert any("live numbers unavailable" in r.getMessage() for r in caplog.records)

    deadline = time.monotonic() + 20
    while "unavailable" in client.get(posting, headers=hx).get_data(as_text=True):
        assert time.monotonic() < deadline, "the numbers did not come back"
        time.sleep(0.1)
    # a new, empty table, as on a first start
    assert "No player has applied" in client.get(posting, headers=hx).get_data(as_text=True)
    assert client.post("/play/cccccccc/apply", data={"posting": POSTINGS[0]}).status_code == 303
    assert "<strong>1</strong> player applied here" in client.get(posting, headers=hx).get_data(
        as_text=True
    )
