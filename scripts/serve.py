"""Run the production stack on 127.0.0.1: nginx (deploy/nginx.conf) in front of gunicorn
(deploy/gunicorn.conf.py) on a unix socket.

    make serve            (or: .venv/bin/python scripts/serve.py; PORT=8080 by default)

Makes the run directory ``build/serve/`` (nginx.conf, pid, logs, cache, temp files, the gunicorn
socket and a copy of static/ with a precompressed ``.br`` and ``.gz`` beside each text file),
then starts gunicorn with ``SECRET_KEY`` (a random one if unset), ``OTIOSE_BASE_URL``
(``http://127.0.0.1:PORT`` if unset), ``OTIOSE_TRUSTED_PROXIES=1`` (nginx is the one proxy) and
``DATABASE_URL`` (make serve: the one make run uses, ``instance/otiose.db`` unless set; a stack
for the tests or the benchmarks: a file in its run directory, gone with it),
and nginx from Debian, with Debian's brotli_static module when it is installed (without it,
static files go out gzipped and one line says so). Ctrl-C or SIGTERM stops both. A second stack
in the same run directory refuses to start (``serve.lock``, :func:`claim`). The tests and
the benchmarks start the same stack through :func:`stack`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import gzip
import hashlib
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import brotli
from benchlib import children, stop, tail  # one copy of each for the scripts and the tests

from otiose.stats.db import default_url
from otiose.web import security

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
RUN = ROOT / "build" / "serve"
HOST = "127.0.0.1"
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")
NGINX_USER = "www-data"
# Debian's libnginx-mod-http-brotli-static; loaded by absolute path (nginx runs with -p RUN)
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
BROTLI_HINT = (
    "the brotli_static module is not installed, so static files go out gzip only: "
    "apt-get install libnginx-mod-http-brotli-static"
)
# precompressed for brotli_static and gzip_static: every text type the site serves
TEXT_SUFFIXES = {".css", ".js", ".svg", ".txt", ".json", ".html", ".map", ".xml", ".webmanifest"}
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
INSTALL_HINT = "nginx is not installed: apt-get install nginx-light (Debian's nginx)"
# What one client address may ask of nginx (deploy/nginx.conf, "volume"): POSTs and run
# pictures a second, after a burst. The benchmarks and the load test drive the stack from one
# address, as if it were many readers, and lift both with UNLIMITED: the bursts too, since nginx
# counts by the millisecond and 64 connections opening at once are a burst of 64.
RATES = {"WRITE_RATE": "10r/s", "WRITE_BURST": "40", "PICTURE_RATE": "2r/s", "PICTURE_BURST": "10"}
UNLIMITED = {
    "WRITE_RATE": "100000r/s",
    "WRITE_BURST": "100000",
    "PICTURE_RATE": "100000r/s",
    "PICTURE_BURST": "100000",
}
LOCK = "serve.lock"  # in the run directory: "pid port" of the stack running there


class ServeError(RuntimeError):
    """The stack could not start: a tool is missing, a port is taken, a process died."""


# ---------------------------------------------------------------- nginx's inputs


def find_nginx() -> str:
    """Path of Debian's nginx binary, or ServeError naming the package to install."""
    for name in NGINX_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ServeError(INSTALL_HINT)


def static_hashes(static: Path) -> dict[str, str]:
    """What asset_url puts in ``?v=``: the first 12 hex digits of each file's SHA-256."""
    return {
        p.relative_to(static).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
        for p in sorted(static.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(static).parts)
    }


def copy_static(source: Path, target: Path) -> int:
    """Copy static/ to ``target`` with a ``.br`` and a ``.gz`` beside each text file; return how
    many text files.

    The copy is what nginx serves, so the files and their hashes stay those the app started
    with even if static/ changes on disk while the stack runs. Both are compressed as hard as
    their format allows (brotli 11, gzip 9): once per start, for every request after.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "*.gz", "*.br"))
    count = 0
    for path in sorted(target.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            data, st = path.read_bytes(), path.stat()
            for suffix, packed in (
                (".br", brotli.compress(data, quality=11)),
                (".gz", gzip.compress(data, compresslevel=9, mtime=0)),
            ):
                beside = path.with_name(path.name + suffix)
                beside.write_bytes(packed)
                os.utime(beside, ns=(st.st_atime_ns, st.st_mtime_ns))
            count += 1
    return count


def brotli_lines() -> dict[str, str]:
    """``LOAD_MODULES`` and ``BROTLI_STATIC`` for deploy/nginx.conf: Debian's brotli_static
    module when it is installed, comments saying it is not otherwise."""
    if BROTLI_MODULE.is_file():
        return {
            "LOAD_MODULES": f"load_module {BROTLI_MODULE};",
            "BROTLI_STATIC": "brotli_static on;",
        }
    off = "# no brotli_static: libnginx-mod-http-brotli-static is not installed"
    return {"LOAD_MODULES": off, "BROTLI_STATIC": off}


def _quote(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._~/\-]+", text):
        raise ServeError(f"unexpected character in a static path: {text!r}")
    return f'"{text}"'


def static_map(hashes: dict[str, str]) -> str:
    """The lines of nginx's ``map $uri$arg_v``: each file with its own hash is immutable."""
    return "\n".join(
        f'        {_quote(f"/static/{name}{digest}")} "public, max-age=31536000, immutable";'
        for name, digest in hashes.items()
    )


def cache_key() -> str:
    """The ``proxy_cache_key`` of deploy/nginx.conf, as written there."""
    key = re.search(r'proxy_cache_key "([^"]+)";', (DEPLOY / "nginx.conf").read_text())
    if key is None:
        raise ServeError("deploy/nginx.conf has no proxy_cache_key")
    return key.group(1)


def security_headers() -> str:
    """``add_header`` lines for the headers the app sends on every response, for static files."""
    lines = []
    for name, value in security.HEADERS.items():
        if re.search(r'["\\$]|[^ -~]', value):  # nginx would read these as syntax
            raise ServeError(f"nginx cannot repeat the {name} header as written: {value!r}")
        lines.append(f'add_header {name} "{value}" always;')
    return "\n            ".join(lines)


def static_server(listen: str, root: Path) -> str:
    """A server block that serves ``root`` as plain files (the benchmarks' baseline)."""
    return f"""    server {{
        listen {listen};
        server_name _;
        root {root};
        gzip_static on;
        location / {{
            try_files $uri $uri.html $uri/index.html =404;
        }}
    }}
"""


def render(template: str, values: dict[str, str]) -> str:
    """Fill every ``@NAME@``; a name without a value is an error, not a silent blank."""
    missing = sorted(set(PLACEHOLDER.findall(template)) - {f"@{k}@" for k in values})
    if missing:
        raise ServeError(f"deploy/nginx.conf: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(0)[1:-1]], template)


def _writable_by_workers(*dirs: Path) -> str:
    """Create ``dirs``; when root, hand them to nginx's worker user. Returns the user line."""
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
        for parent in d.parents:
            if not parent.stat().st_mode & 0o001:
                raise ServeError(
                    f"nginx's workers cannot enter {parent} (mode {parent.stat().st_mode:o}); "
                    "put the run directory under a path every user may traverse"
                )
    if os.geteuid() != 0:
        return "# not root: the workers run as the current user"
    try:
        user = pwd.getpwnam(NGINX_USER)
    except KeyError:
        return "user nobody nogroup;"  # pragma: no cover - Debian always has www-data
    for d in dirs:
        for path in [d, *d.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
    return f"user {NGINX_USER};"


# ---------------------------------------------------------------- processes


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over gunicorn's unix socket (for health checks and tests that bypass nginx)."""

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


@contextlib.contextmanager
def claim(run: Path, port: int) -> Iterator[None]:
    """Hold the run directory for one stack; ServeError at once if another holds it.

    A second stack in the same directory would delete the first one's files and take its
    socket. The lock is ``run/serve.lock`` under ``flock``, which the kernel drops when its
    holder exits however it exits, so a file left by a stack that was killed is taken over; the
    file says which process and port hold it, and goes when the block ends.
    """
    run.mkdir(parents=True, exist_ok=True)
    path = run / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = os.read(fd, 100).decode(errors="replace").split()
            os.close(fd)
            pid, other = [*held, "?", "?"][:2]
            raise ServeError(
                f"make serve is already running in {run} (pid {pid}, port {other}); "
                "stop it, or use another checkout or --run-dir"
            ) from None
        try:  # its holder may have removed the file between our open and our lock
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {port}\n".encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


def _clear(run: Path) -> None:
    """Empty the run directory of an earlier stack's files, all but the lock this one holds."""
    for path in run.iterdir():
        if path.name == LOCK:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


@dataclass
class Stack:
    """A running nginx + gunicorn and where to find them."""

    base: str
    port: int
    run: Path
    socket: Path
    gunicorn: subprocess.Popen[bytes]
    nginx: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def log(self) -> Path:
        """gunicorn's stderr: its own messages and the app's one line per request."""
        return self.run / "gunicorn.log"

    def workers(self) -> list[int]:
        return children(self.gunicorn.pid)

    def direct(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET ``path`` straight from gunicorn over its socket, past nginx and its cache."""
        host = urlsplit(self.base).netloc
        conn = UnixHTTPConnection(self.socket)
        try:
            conn.request("GET", path, headers={"Host": host, **(headers or {})})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()


def _wait(what: str, ready: Any, procs: list[tuple[str, subprocess.Popen[bytes], Path]],
          timeout: float = 60) -> None:  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, proc, log in procs:
            if proc.poll() is not None:  # its own words are above when it writes to the terminal
                said = tail(log)
                raise ServeError(
                    f"{name} exited with {proc.returncode}" + (f":\n{said}" if said else "")
                )
        with contextlib.suppress(OSError, http.client.HTTPException):
            if ready():
                return
        time.sleep(0.1)
    logs = "\n".join(tail(log, 10) for _, _, log in procs)
    raise ServeError(f"{what} did not become ready within {timeout:.0f} s:\n{logs}")


@contextlib.contextmanager
def stack(
    port: int | None = None,
    run: Path = RUN,
    env: dict[str, str] | None = None,
    extra: str = "",
    log_to: IO[bytes] | None = None,
    wsgi: str | None = None,
    rates: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Start nginx and gunicorn; stop both when the block ends.

    ``env`` adds to (and overrides) this process's environment for gunicorn. gunicorn's stderr
    goes to ``run/gunicorn.log``, or to ``log_to`` when given (make serve: the terminal).
    ``extra`` is more nginx server blocks; ``wsgi`` a module:app in scripts/ that gunicorn loads
    instead of ``app:app`` (the benchmarks add a baseline route that way); ``rates`` replaces
    :data:`RATES`, nginx's limits per client address. Another stack
    already running in ``run`` is a ServeError before anything is touched (:func:`claim`).
    """
    port = port or free_port()
    with claim(run, port), _started(port, run, env, extra, log_to, wsgi, rates or RATES) as s:
        yield s


@contextlib.contextmanager
def _started(
    port: int, run: Path, env: dict[str, str] | None, extra: str, log_to: IO[bytes] | None,
    wsgi: str | None, rates: dict[str, str],
) -> Iterator[Stack]:  # fmt: skip
    nginx = find_nginx()
    if not MIME_TYPES.is_file():
        raise ServeError(f"{MIME_TYPES} is missing; reinstall nginx-common")
    if not BROTLI_MODULE.is_file():
        print(f"serve: {BROTLI_HINT}", file=sys.stderr, flush=True)
    if not _port_free(port):
        raise ServeError(f"port {port} on {HOST} is in use; pick another with PORT=…")
    environ = {**os.environ, **(env or {})}
    environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    environ.setdefault("OTIOSE_BASE_URL", f"http://{HOST}:{port}")
    environ.setdefault("OTIOSE_TRUSTED_PROXIES", "1")
    # the live numbers of a test's or a benchmark's stack go with its run directory, never into
    # the checkout's instance/otiose.db (make serve names that one, as make run uses it)
    environ.setdefault("DATABASE_URL", f"sqlite:///{run / 'otiose.db'}")
    environ["PYTHONUNBUFFERED"] = "1"
    base = urlsplit(environ["OTIOSE_BASE_URL"])
    if base.scheme not in ("http", "https") or not base.hostname:
        raise ServeError(f"OTIOSE_BASE_URL must be http(s)://host[:port], not {base.geturl()!r}")

    _clear(run)
    static = run / "static"
    copy_static(ROOT / "static", static)
    temp = run / "temp"
    user_line = _writable_by_workers(
        run / "cache", *(temp / t for t in ("body", "proxy", "fastcgi", "uwsgi", "scgi"))
    )
    sock = run / "gunicorn.sock"
    conf = run / "nginx.conf"
    conf.write_text(
        render(
            (DEPLOY / "nginx.conf").read_text(),
            {
                "USER_LINE": user_line,
                "RUN": str(run),
                "LISTEN": f"{HOST}:{port}",
                "SERVER_NAME": base.hostname,
                "HOST_HEADER": base.netloc,
                "UPSTREAM": f"unix:{sock}",
                "STATIC": str(static),
                "STATIC_MAP": static_map(static_hashes(static)),
                "SECURITY_HEADERS": security_headers(),
                "MIME_TYPES": str(MIME_TYPES),
                "EXTRA": extra,
                **rates,
                **brotli_lines(),
            },
        )
    )
    check = subprocess.run(
        [nginx, "-t", "-q", "-p", str(run), "-c", str(conf), "-e", str(run / "nginx-error.log")],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        raise ServeError(f"nginx refused {conf}:\n{check.stderr.strip()}")

    log = run / "gunicorn.log"
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    cmd += ["--bind", f"unix:{sock}"]
    if wsgi:
        cmd += ["--pythonpath", str(ROOT / "scripts"), wsgi]
    with log.open("wb") as fh:
        g = subprocess.Popen(
            cmd, cwd=ROOT, env=environ, stdout=log_to or fh, stderr=log_to or fh,
            start_new_session=True,
        )  # fmt: skip
    n: subprocess.Popen[bytes] | None = None
    try:
        probe = Stack(base.geturl(), port, run, sock, g, g, environ)

        def app_ready() -> bool:
            return sock.exists() and probe.direct("/healthz")[0] == 200

        _wait("gunicorn", app_ready, [("gunicorn", g, log)])
        nlog = run / "nginx-error.log"
        # in the foreground, so that stop() can signal it; the file leaves both to the service
        foreground = f"daemon off; pid {run / 'nginx.pid'};"
        n = subprocess.Popen(
            [nginx, "-p", str(run), "-c", str(conf), "-e", str(nlog), "-g", foreground],
            cwd=run,
            stdout=log_to,
            stderr=log_to,
            start_new_session=True,
        )

        def edge_ready() -> bool:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            try:
                conn.request("GET", "/healthz", headers={"Host": base.netloc})
                return conn.getresponse().status == 200
            finally:
                conn.close()

        _wait("nginx", edge_ready, [("gunicorn", g, log), ("nginx", n, nlog)])
        yield Stack(f"http://{HOST}:{port}", port, run, sock, g, n, environ)
    finally:
        if n is not None:
            stop(n)
        stop(g)


# ---------------------------------------------------------------- make serve


def _terminate(signum: int, frame: object) -> None:
    # a second Ctrl-C must not cut the clean-up short: ignore further signals, then unwind
    # through stack(), which stops nginx and gunicorn
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", type=Path, default=RUN, help="default: build/serve")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    text = os.environ.get("PORT", "").strip() or "8080"
    port = int(text) if text.isdigit() else 0
    if not 0 < port < 65536:
        print(f"serve: PORT must be a port number from 1 to 65535, not {text!r}", file=sys.stderr)
        return 2
    try:
        with stack(
            port=port,
            run=args.run_dir.resolve(),
            log_to=sys.stderr.buffer,
            env={"DATABASE_URL": default_url()},  # the numbers make run shows, kept across runs
        ) as s:
            site = s.env["OTIOSE_BASE_URL"]
            where = site if site.rstrip("/") == s.base else f"{site} on {s.base}"
            # no worker count here: gunicorn is still booting some when both first answer
            print(
                f"serving {where}: nginx (pid {s.nginx.pid}) → "
                f"gunicorn (pid {s.gunicorn.pid}) on {s.socket}; "
                f"nginx logs in {s.run}. Ctrl-C stops both.",
                flush=True,
            )
            while True:
                for name, proc in (("nginx", s.nginx), ("gunicorn", s.gunicorn)):
                    if proc.poll() is not None:
                        print(f"serve: {name} exited with {proc.returncode}", file=sys.stderr)
                        return 1
                time.sleep(0.5)
    except ServeError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
