"""Shared by scripts/bench.py and scripts/load.py: a throwaway gunicorn, wrk and its output.

Everything here only ever binds or connects to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Debian's Chromium, and the flags it needs on these machines (no sandbox as root; no calls home,
# which the closed network refuses).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"
# OTIOSE_LIVE_COUNT_LIMIT for a server that benchmarks and load tests drive from one address, as
# if it were many readers: every application is counted, as a real crowd's would be.
UNCAPPED = "1000000 per second"


class BenchError(RuntimeError):
    """A tool is missing or the server would not start: the run cannot go on."""


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, str]:
    """Date, `uname -a`-style machine line, Python version, CPU count."""
    u = platform.uname()
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "uname": f"{u.system} {u.node} {u.release} {u.version} {u.machine}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "cpus": str(os.cpu_count() or "?"),
        "gunicorn": "gunicorn "
        + _number(_version([sys.executable, "-m", "gunicorn", "--version"])),
        "wrk": "wrk " + _number(_version(["wrk", "-v"])),
    }


def _number(text: str) -> str:
    m = re.search(r"\d+(\.\d+)+", text)
    return m.group(0) if m else text


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0][:80] if text else "?"


def need_wrk() -> str:
    """The wrk binary, or a clear error."""
    path = shutil.which("wrk")
    if not path:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    return path


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


PG_BIN = Path(os.environ.get("OTIOSE_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_CTL = ROOT / "tests" / "pg_ctl"  # runs Debian's pg_ctl as "postgres" when we are root


@contextlib.contextmanager
def postgresql(dbname: str) -> Iterator[Any]:
    """A PostgreSQL server of its own (Debian's binaries, pytest-postgresql's executor) on a
    free port, in a folder under /tmp that goes with it; ``dbname`` is its maintenance database.

    Not under pytest's temporary root: as root the server runs as "postgres", which must be able
    to reach its folder, and concurrent pytest runs reset that root's permissions.
    """
    from pytest_postgresql.executors import PostgreSQLExecutor

    if not (PG_BIN / "pg_ctl").exists():
        raise BenchError(f"PostgreSQL binaries not found in {PG_BIN} (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="otiose-pg-"))
    server = PostgreSQLExecutor(
        executable=str(PG_CTL),
        host=HOST,
        port=free_port(),
        datadir=str(folder / "data"),
        unixsocketdir=str(folder),
        logfile=str(folder / "postgresql.log"),
        startparams="-w",
        dbname=dbname,
    )
    server.start()
    try:
        yield server
    finally:
        if server.running():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Server:
    """A running gunicorn master and where it listens."""

    proc: subprocess.Popen
    base: str
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def workers(self) -> list[int]:
        """The pids of the master's worker processes."""
        return children(self.pid)


@contextlib.contextmanager
def gunicorn(
    log_dir: Path, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Start gunicorn as deployed (deploy/gunicorn.conf.py: gthread workers, the app loaded
    before fork) with ``workers`` workers on a free 127.0.0.1 port and a random SECRET_KEY;
    stop it after. Nothing in front: the app's own cost, without nginx.

    The app logs one line per request to stderr in production; that goes to a file in
    ``log_dir`` so a failed start can be shown.
    """
    port = free_port()
    log = log_dir / "gunicorn.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "OTIOSE_"))}
    environ.update(
        SECRET_KEY=secrets.token_hex(32),
        OTIOSE_BASE_URL=f"http://{HOST}:{port}",  # required in production
        PYTHONUNBUFFERED="1",
        **(env or {}),
    )
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    cmd += ["--workers", str(workers), "--bind", f"{HOST}:{port}", "--log-level", "warning"]
    log_dir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=environ, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(proc, f"http://{HOST}:{port}", log)
    try:
        _wait_ready(server, workers)
        yield server
    finally:
        stop(proc)


def _wait_ready(server: Server, workers: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.proc.returncode}:\n{tail(server.log)}")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=2) as r:
                if r.status == 200 and len(server.workers()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{tail(server.log)}")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 15) -> None:
    """Signal ``proc`` (SIGTERM: a gunicorn master stops its workers); SIGKILL its session
    (started by us, alone in it) if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------- /proc


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces; the ppid follows the state
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    """Resident set size of ``pid`` in KiB, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    """What wrk printed, parsed."""

    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p75_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    non_2xx_3xx: int = 0
    socket: dict[str, int] = field(
        default_factory=lambda: {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    )
    extra: dict[str, str] = field(default_factory=dict)  # KEY value lines a Lua done() printed
    raw: str = ""

    @property
    def socket_errors(self) -> int:
        return sum(self.socket.values())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"cannot read wrk time {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> WrkResult:
    """Parse wrk 4 output (run with --latency)."""
    r = WrkResult(raw=out)
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)\s*$", out, re.M)
        if m:
            setattr(r, f"p{pct}_ms", _ms(m.group(1)))
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    if m:
        r.requests = int(m.group(1))
        r.seconds = _ms(m.group(2) + m.group(3)) / 1000
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r.rps = float(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        r.non_2xx_3xx = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r.socket = dict(
            zip(("connect", "read", "write", "timeout"), map(int, m.groups()), strict=True)
        )
    for key, value in re.findall(r"^@(\w+)\s+(.*)$", out, re.M):
        r.extra[key] = value.strip()
    if not r.requests:
        raise BenchError(f"wrk reported no requests:\n{out}")
    return r


def wrk(
    url: str,
    seconds: float,
    connections: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    timeout_s: float = 2.0,
) -> WrkResult:
    """Run wrk, bounded in time, and parse its output."""
    if not url.startswith(f"http://{HOST}:"):
        raise BenchError(f"refusing to load anything but {HOST}: {url}")
    cmd = [
        need_wrk(),
        "-d",
        f"{seconds:g}s",
        "-c",
        str(connections),
        "-t",
        str(threads),
        "--timeout",
        f"{timeout_s:g}s",
        "--latency",
    ]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    return parse_wrk(out.stdout)


def combine(a: WrkResult, b: WrkResult) -> WrkResult:
    """Two runs of the same load as one: summed counts, mean latency percentiles."""
    r = WrkResult(
        requests=a.requests + b.requests,
        seconds=a.seconds + b.seconds,
        non_2xx_3xx=a.non_2xx_3xx + b.non_2xx_3xx,
        socket={k: a.socket[k] + b.socket[k] for k in a.socket},
        raw=a.raw + "\n" + b.raw,
    )
    r.rps = r.requests / r.seconds if r.seconds else 0.0
    for pct in ("p50_ms", "p75_ms", "p90_ms", "p99_ms"):
        setattr(r, pct, (getattr(a, pct) + getattr(b, pct)) / 2)
    return r


def lua_string(text: str) -> str:
    """A Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
