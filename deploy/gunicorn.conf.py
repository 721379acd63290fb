"""gunicorn settings for production, behind deploy/nginx.conf (or any buffering proxy).

    gunicorn -c deploy/gunicorn.conf.py --bind unix:/run/otiose/gunicorn.sock

Works from any directory (it finds app.py beside it). Environment: ``OTIOSE_WORKERS`` (default
two per core), ``OTIOSE_THREADS`` (default 4), ``OTIOSE_SWITCH_INTERVAL`` (default 0.001 s),
``OTIOSE_BIND`` (default 127.0.0.1:8000; ``--bind`` on the command line wins),
``OTIOSE_LOG_LEVEL`` (default info), and the app's own variables (README, "Deploying"). A value
that cannot be read stops gunicorn with one line naming the variable.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from otiose import settings

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def _bind(name: str, default: str) -> str:
    """``host:port`` (port 1-65535), ``[ipv6]:port`` or ``unix:/path``: what --bind takes."""
    text = settings.raw(name) or default
    found = re.fullmatch(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})", text)
    if text.startswith("unix:/") or (found and 0 < int(found.group(1)) < 65536):
        return text
    raise settings.ConfigError(
        f"{name} must be host:port (port 1-65535) or unix:/path/to.sock, not {text!r}"
    )


# A name nothing reads (a misspelling) gets one warning line, with the known name it is close to.
settings.warn_unknown()

# A bad value stops gunicorn with one line naming the variable (not a traceback, and not a
# quiet fall-back to the default).
try:
    bind = [_bind("OTIOSE_BIND", "127.0.0.1:8000")]
    # Two workers per core: rendering is CPU-bound Python, so more processes than cores only
    # adds memory; two per core covers the moments a worker waits on the socket or the disk.
    workers = settings.integer("OTIOSE_WORKERS", 2 * (os.cpu_count() or 1), minimum=1)
    threads = settings.integer("OTIOSE_THREADS", 4, minimum=1)
    loglevel = settings.choice("OTIOSE_LOG_LEVEL", "info", LOG_LEVELS)
except settings.ConfigError as exc:
    raise SystemExit(f"Error: {exc}") from None

wsgi_app = "app:app"
# app.py is found from the checkout this file is in, whatever the service's working directory
# (systemd's default is /, where "app" was no module at all).
chdir = str(Path(__file__).resolve().parents[1])

# gthread, not sync and not an async class. A sync worker reads the request itself, so a client
# that trickles its headers a byte a second holds the whole process (two such clients stopped a
# two-worker site). Here nginx reads every request in full before it opens a connection to us
# (proxy_request_buffering on, client_header_timeout / client_body_timeout) and takes every
# response in full (proxy_buffering on), so the only peer gunicorn ever waits on is nginx on the
# same machine. gthread lets one process serve several of nginx's keep-alive connections at once
# without an event loop in the app; an async class (gevent, eventlet) would only pay if the app
# spent its time waiting on the network, and its one network wait (PostgreSQL, when configured)
# is a single short round trip per application.
worker_class = "gthread"

# The threads of a worker share one GIL. A thread back from a database round trip (PostgreSQL
# answers over the network) waits for the GIL again, up to Python's switch interval (5 ms by
# default) while another thread renders. That wait, not the database, doubled apply's p99 with
# PostgreSQL (scripts/bench_stats.py); at 1 ms the waiting thread gets the GIL back sooner.
# Read like every other variable: unset or empty means the default (an empty value used to stop
# gunicorn, where README promises the default).
try:
    SWITCH_INTERVAL = float(settings.raw("OTIOSE_SWITCH_INTERVAL") or "0.001")
except ValueError:
    SWITCH_INTERVAL = -1.0
if not 0 < SWITCH_INTERVAL <= 1:
    raise SystemExit("Error: OTIOSE_SWITCH_INTERVAL must be a number of seconds above 0, at most 1")

# A request that takes longer than this is a bug (the slowest page renders in milliseconds):
# the master kills the worker and starts another. nginx's proxy_read_timeout matches.
timeout = 30
graceful_timeout = 20
# nginx keeps idle upstream connections open (upstream keepalive); close ours a bit later.
keepalive = 20

# nginx's limits are the ones a client meets (deploy/nginx.conf: a request line or a header line
# of up to one 8 KiB buffer, and headers in up to 1 KiB + four 8 KiB buffers, however many lines
# that is). gunicorn's defaults were lower (a 4,094-byte request line, 100 header fields), so
# nginx passed on requests that gunicorn then refused with its own bare HTML page, without the
# site's security headers. Its limits are set to its maxima, at or above nginx's.
limit_request_line = 8190
limit_request_fields = 32768
limit_request_field_size = 8190

# Load and validate the content once, in the master, before forking. Every worker, including
# one started later to replace a crashed or timed-out worker, inherits the same validated
# library. Without this a replacement worker reads the files again: if a deploy has since broken
# one, the new worker cannot boot and the master exits, taking the site down.
preload_app = True

# No gunicorn access log: the app writes one line per request itself in production
# (otiose/web/__init__.py). With --access-logfile as well, every request was logged twice.
accesslog = None
errorlog = "-"

# gunicorn 25.1+ opens a control socket in $HOME by default; nothing here uses it.
control_socket_disable = True


def post_fork(server: Any, worker: Any) -> None:
    """In each worker: the GIL switch interval above."""
    sys.setswitchinterval(SWITCH_INTERVAL)
