"""The operator's environment variables (README, "Deploying"): each does what the table says, and
a value that cannot mean anything stops the server with one line naming the variable, never a
traceback and never a quiet fall-back to the default."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from gunicorn.app.wsgiapp import WSGIApplication

from otiose import settings
from otiose.stats import cli as stats_cli
from otiose.web import ConfigError, create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from serve import UnixHTTPConnection, free_port

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "gunicorn.conf.py"
VARIABLES = (
    "OTIOSE_CONTENT",
    "OTIOSE_HSTS",
    "OTIOSE_TRUSTED_PROXIES",
    "OTIOSE_TRUSTED_HOSTS",
    "OTIOSE_REPO_URL",
    "OTIOSE_RENDER_CACHE_MB",
    "OTIOSE_SQLITE_SYNC",
    "OTIOSE_LIVE_RECORD",
    "OTIOSE_LIVE_COUNT_LIMIT",
    "OTIOSE_SIGHTING_RATE_LIMIT",
    "RATELIMIT_STORAGE_URI",
    "OTIOSE_WORKERS",
    "OTIOSE_THREADS",
    "OTIOSE_BIND",
    "OTIOSE_LOG_LEVEL",
    "OTIOSE_SWITCH_INTERVAL",
    "FLASK_DEBUG",
)


@pytest.fixture
def server_env(monkeypatch, tmp_path):
    """What a server has: a key, a base URL, a database; none of the optional variables."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("OTIOSE_BASE_URL", "https://otiose.example")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'otiose.db'}")
    logger = logging.getLogger("otiose.web")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield monkeypatch
    logger.handlers[:], logger.level, logger.propagate = saved


BAD_APP_VALUES = [
    ("OTIOSE_RENDER_CACHE_MB", "-1"),
    ("OTIOSE_RENDER_CACHE_MB", "lots"),
    ("OTIOSE_TRUSTED_PROXIES", "one"),
    ("OTIOSE_TRUSTED_PROXIES", "-1"),
    ("OTIOSE_SQLITE_SYNC", "bogus"),
    ("DATABASE_URL", "bogus"),
    ("DATABASE_URL", "postgresql://otiose:hunter2@db:notaport/otiose"),
    ("DATABASE_URL", "mysql://otiose:hunter2@db/otiose"),
    ("OTIOSE_HSTS", "yes"),
    ("OTIOSE_LIVE_RECORD", "false"),
    ("OTIOSE_SIGHTING_RATE_LIMIT", "lots"),
    ("OTIOSE_LIVE_COUNT_LIMIT", "lots"),
    ("OTIOSE_LIVE_COUNT_LIMIT", "300 per hour; 10 per minute"),  # one rate, not the first of two
    ("OTIOSE_LIVE_COUNT_LIMIT", "0 per hour"),  # OTIOSE_LIVE_RECORD=0 is how to count nothing
    ("RATELIMIT_STORAGE_URI", "bogus://"),
    ("OTIOSE_CONTENT", "/nonexistent/content"),
    ("OTIOSE_REPO_URL", "github.com/otiose"),
    ("OTIOSE_BASE_URL", "otiose.example"),
    ("OTIOSE_TRUSTED_HOSTS", "https://www.otiose.example"),
]


@pytest.mark.parametrize(("name", "value"), BAD_APP_VALUES)
def test_a_bad_value_stops_the_app_with_one_line_naming_the_variable(server_env, name, value):
    server_env.setenv(name, value)
    with pytest.raises(ConfigError) as exc:
        create_app()
    message = str(exc.value)
    assert name in message
    assert "\n" not in message
    assert "hunter2" not in message  # a database password never reaches a message


@pytest.mark.parametrize("inside", [[], [".gitkeep"]])
def test_a_content_folder_whose_specimens_folder_holds_no_specimen_is_refused(
    server_env, tmp_path, inside
):
    content = tmp_path / "content"
    (content / "eras").mkdir(parents=True)
    (content / "specimens").mkdir()
    for name in inside:
        (content / "specimens" / name).write_text("notes")
    server_env.setenv("OTIOSE_CONTENT", str(content))
    with pytest.raises(ConfigError) as exc:
        create_app()  # was: an empty site, and /healthz said ok
    message = str(exc.value)
    assert "OTIOSE_CONTENT" in message and str(content / "specimens") in message
    assert "\n" not in message


def test_a_bad_sqlite_sync_is_refused_on_postgresql_too(server_env):
    # the app never connects here: the setting is checked before any connection is tried
    server_env.setenv("DATABASE_URL", "postgresql://otiose@127.0.0.1:1/otiose")
    server_env.setenv("OTIOSE_SQLITE_SYNC", "ful")
    with pytest.raises(ConfigError, match="OTIOSE_SQLITE_SYNC"):
        create_app()


def test_each_documented_value_does_what_the_readme_says(server_env):
    server_env.setenv("OTIOSE_RENDER_CACHE_MB", "0")  # keep no boards (was: 16 MB, silently)
    server_env.setenv("OTIOSE_HSTS", "1")
    server_env.setenv("OTIOSE_LIVE_RECORD", "0")
    server_env.setenv("OTIOSE_TRUSTED_PROXIES", "2")
    server_env.setenv("OTIOSE_REPO_URL", "https://github.com/otiose/otiose/")
    server_env.setenv("OTIOSE_SQLITE_SYNC", "full")
    config = create_app().config
    assert config["RENDER_CACHE_BYTES"] == 0
    assert config["HSTS"] is True and config["SESSION_COOKIE_SECURE"] is True
    assert config["LIVE_RECORD"] is False
    assert config["TRUSTED_PROXIES"] == 2
    assert config["REPO_URL"] == "https://github.com/otiose/otiose"  # no "//edit" in links


def test_trusted_hosts_may_be_written_with_spaces_after_the_commas(server_env):
    server_env.setenv("OTIOSE_TRUSTED_HOSTS", "www.otiose.example, otiose.test:8443 ,")
    client = create_app().test_client()
    for host in ("otiose.example", "www.otiose.example", "otiose.test:8443"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_unset_and_empty_mean_the_defaults(server_env):
    server_env.setenv("OTIOSE_RENDER_CACHE_MB", "")
    server_env.setenv("OTIOSE_HSTS", "")
    config = create_app().config
    assert config["RENDER_CACHE_BYTES"] == 16 * 1024 * 1024
    assert config["HSTS"] is False and config["LIVE_RECORD"] is True


# ---------------------------------------------------------------- gunicorn's settings


def _gunicorn_cfg(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(CONF)])
    app = WSGIApplication()
    app.load_config()
    return app.cfg


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OTIOSE_WORKERS", "abc"),
        ("OTIOSE_WORKERS", "0"),
        ("OTIOSE_THREADS", "abc"),
        ("OTIOSE_THREADS", "0"),
        ("OTIOSE_LOG_LEVEL", "bogus"),
        ("OTIOSE_BIND", "127.0.0.1:99999"),
        ("OTIOSE_BIND", "localhost"),
    ],
)
def test_a_bad_gunicorn_variable_stops_it_with_one_line(server_env, name, value):
    server_env.setenv(name, value)
    with pytest.raises(SystemExit) as exc:
        _gunicorn_cfg(server_env)
    message = str(exc.value.code)
    assert name in message and "\n" not in message


def test_gunicorn_variables_set_what_they_name(server_env):
    server_env.setenv("OTIOSE_WORKERS", "3")
    server_env.setenv("OTIOSE_THREADS", "2")
    server_env.setenv("OTIOSE_LOG_LEVEL", "WARNING")
    server_env.setenv("OTIOSE_BIND", "unix:/run/otiose/gunicorn.sock")
    cfg = _gunicorn_cfg(server_env)
    assert (cfg.workers, cfg.threads, cfg.loglevel) == (3, 2, "warning")
    assert cfg.bind == ["unix:/run/otiose/gunicorn.sock"]


def test_gunicorn_reads_an_empty_variable_as_its_default(server_env):
    """README: "Unset or empty means the default", for gunicorn's variables as for the app's."""
    for name in ("OTIOSE_WORKERS", "OTIOSE_THREADS", "OTIOSE_BIND", "OTIOSE_LOG_LEVEL"):
        server_env.setenv(name, "")
    server_env.setenv("OTIOSE_SWITCH_INTERVAL", "")
    cfg = _gunicorn_cfg(server_env)
    assert (cfg.threads, cfg.loglevel, cfg.bind) == (4, "info", ["127.0.0.1:8000"])
    assert cfg.post_fork.__globals__["SWITCH_INTERVAL"] == 0.001


def test_the_switch_interval_is_read_and_a_bad_one_stops_gunicorn(server_env):
    server_env.setenv("OTIOSE_SWITCH_INTERVAL", " 0.002 ")
    assert _gunicorn_cfg(server_env).post_fork.__globals__["SWITCH_INTERVAL"] == 0.002
    for bad in ("fast", "0", "2", "nan"):
        server_env.setenv("OTIOSE_SWITCH_INTERVAL", bad)
        with pytest.raises(SystemExit) as exc:
            _gunicorn_cfg(server_env)
        assert "OTIOSE_SWITCH_INTERVAL" in str(exc.value.code)


def _gunicorn_refuses(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Start gunicorn as README's "One box" does; it must exit, and without a traceback."""
    env = {
        **os.environ,
        "SECRET_KEY": "s",
        "OTIOSE_BASE_URL": "https://otiose.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'otiose.db'}",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "--bind", f"unix:{tmp_path}/g.sock"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_new_master_refuses_broken_content_naming_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "specimens", content / "specimens")
    shutil.copytree(ROOT / "eras", content / "eras")
    (content / "specimens" / "agile-coach.yaml").write_text("id: agile-coach\ntitle: [unclosed\n")
    done = _gunicorn_refuses(tmp_path, OTIOSE_CONTENT=str(content))
    assert "specimens/agile-coach.yaml:" in done.stderr
    assert done.stderr.rstrip().endswith("problem in content."), done.stderr


def test_gunicorn_with_a_malformed_database_url_prints_one_line_not_a_traceback(tmp_path):
    done = _gunicorn_refuses(
        tmp_path, DATABASE_URL="postgresql://otiose:hunter2@db:notaport/otiose"
    )
    errors = [line for line in done.stderr.splitlines() if "DATABASE_URL" in line]
    assert len(errors) == 1 and "hunter2" not in errors[0], done.stderr


def test_flask_db_commands_refuse_a_malformed_url_in_one_line(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://otiose@db/otiose")
    for args in (["upgrade"], ["current"]):
        result = CliRunner().invoke(stats_cli.db, args)
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "DATABASE_URL" in result.output and "Traceback" not in result.output


def test_flask_db_upgrade_on_an_unreachable_database_says_so_in_one_line(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://otiose:hunter2@127.0.0.1:1/otiose")
    result = CliRunner().invoke(stats_cli.db, ["upgrade"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "127.0.0.1:1" in result.output and "hunter2" not in result.output


def test_gunicorn_started_from_another_directory_finds_the_app(tmp_path):
    """A service's working directory is often / (systemd's default), not the checkout."""
    sock = tmp_path / "g.sock"
    env = {
        **os.environ,
        "SECRET_KEY": "s",
        "OTIOSE_BASE_URL": "http://otiose.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'otiose.db'}",
        "OTIOSE_WORKERS": "1",
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(CONF), "--bind", f"unix:{sock}"]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = UnixHTTPConnection(sock)
                conn.request("GET", "/healthz", headers={"Host": "otiose.example"})
                assert conn.getresponse().status == 200
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_make_run_on_another_port_writes_links_to_that_port(tmp_path):
    """README: `make run` serves 127.0.0.1:5000, "PORT=… for another". Whole links (the share
    link, canonical, og:url) follow the port it serves, not the dev server's default."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("OTIOSE_BASE_URL", "MAKEFLAGS")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'otiose.db'}"  # not the checkout's
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,  # make, flask and the reloader's child: stopped together
        )
    try:
        deadline, page = time.monotonic() + 60, ""
        while proc.poll() is None and time.monotonic() < deadline and not page:
            url = f"http://127.0.0.1:{port}/about"
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as r:
                page = r.read().decode()
            time.sleep(0.2)
        assert page, f"make run did not answer:\n{log.read_text()}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert f'<link rel="canonical" href="http://127.0.0.1:{port}/about">' in page
    assert "127.0.0.1:5000" not in page


# ---------------------------------------------------------------- names nothing reads


def _readme_variables() -> set[str]:
    """The OTIOSE_ names in the first column of README's "Deploying" table."""
    deploying = (ROOT / "README.md").read_text().split("## Deploying", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in deploying.splitlines() if line.startswith("| `")]
    assert rows, "README's Deploying section has no variable table"
    return {
        name for row in rows for name in re.findall(r"`(OTIOSE_[A-Z_]+)[^`]*`", row.split("|")[1])
    }


def test_every_variable_the_readme_documents_is_known_and_every_known_one_is_documented():
    assert _readme_variables() == set(settings.KNOWN)


def test_every_otiose_variable_the_server_code_names_is_known():
    files = [*sorted((ROOT / "otiose").rglob("*.py")), CONF]
    named = {n for f in files for n in re.findall(r"\bOTIOSE_[A-Z_]*[A-Z]\b", f.read_text())}
    assert named, "no OTIOSE_ variable found in the code"
    assert named - set(settings.KNOWN) - set(settings.TOOLS) == set()


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("OTIOSE_WORKER", "; did you mean OTIOSE_WORKERS?"),
        ("OTIOSE_BASEURL", "; did you mean OTIOSE_BASE_URL?"),
        ("OTIOSE_HTST", "; did you mean OTIOSE_HSTS?"),
        ("otiose_threads", "; did you mean OTIOSE_THREADS?"),
        ("OTIOSE_FROBNICATE", ""),
    ],
)
def test_an_unknown_otiose_variable_is_named_with_the_close_known_one(name, hint):
    lines = settings.unknown({name: "1", "OTIOSE_WORKERS": "2", "PATH": "/bin"})
    assert len(lines) == 1
    assert lines[0].startswith(f"warning: {name} ")
    assert lines[0].endswith(hint or "changes nothing")


def test_the_variables_the_tests_and_benchmarks_read_are_not_called_misspellings():
    """OTIOSE_PG_BIN is read by the test suite and the benchmarks: setting it is no mistake."""
    tools = [*sorted((ROOT / "tests").rglob("*")), *sorted((ROOT / "scripts").glob("*.py"))]
    named = {
        n
        for f in tools
        if f.is_file() and f.suffix in {"", ".py"}
        for n in re.findall(
            r"environ(?:\.get\(|\[)\s*[\"'](OTIOSE_[A-Z_]*[A-Z])", f.read_text(errors="replace")
        )
    }
    read_only_by_tools = named - set(settings.KNOWN)
    assert "OTIOSE_PG_BIN" in read_only_by_tools
    assert read_only_by_tools <= set(settings.TOOLS)
    assert settings.unknown({name: "x" for name in settings.TOOLS}) == []
    readme = (ROOT / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in settings.TOOLS)


def test_the_app_warns_of_a_misspelt_variable_before_it_refuses_what_that_left_unset(
    server_env, capsys
):
    server_env.setattr(settings, "_warned", False)
    server_env.delenv("OTIOSE_BASE_URL")
    server_env.setenv("OTIOSE_BASEURL", "https://otiose.example")
    with pytest.raises(ConfigError, match="OTIOSE_BASE_URL is not set"):
        create_app()
    assert capsys.readouterr().err.splitlines() == settings.unknown()


def test_gunicorn_with_preload_warns_once_per_misspelt_variable(tmp_path):
    """gunicorn's master reads its config and, with preload_app, builds the app: one warning."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.upper().startswith("OTIOSE_")},
        "SECRET_KEY": "s",
        "OTIOSE_BASE_URL": "https://otiose.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'otiose.db'}",
        "OTIOSE_WORKER": "8",
        "OTIOSE_HTST": "1",
        "OTIOSE_FROBNICATE": "yes",
    }
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "--check-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "OTIOSE_" in line]
    assert warned == [
        "warning: OTIOSE_FROBNICATE is set but no setting of the app or of gunicorn's config "
        "has that name, so it changes nothing",
        "warning: OTIOSE_HTST is set but no setting of the app or of gunicorn's config "
        "has that name, so it changes nothing; did you mean OTIOSE_HSTS?",
        "warning: OTIOSE_WORKER is set but no setting of the app or of gunicorn's config "
        "has that name, so it changes nothing; did you mean OTIOSE_WORKERS?",
    ]
