"""Benchmarks, each figure printed next to its target; also written to BENCHMARKS.md.

    make bench            (or: .venv/bin/python scripts/bench.py)

Each figure is a ratio to a baseline measured seconds apart in the same run, or a bound:

a. Public pages through the production stack (scripts/serve.py: nginx with its proxy cache in
   front of gunicorn), as a ratio to the same nginx serving the same pages as files from
   ``flask export`` (what ``make export`` writes). Target ≥ 0.8×.
b. Dynamic game requests (a board with a run in progress, an apply POST) through the same stack,
   as a ratio to the cheapest Flask endpoint (a fixed 2 KB body, scripts/bench_app.py) in the
   same gunicorn. Target ≥ 0.5×, p99 < 25 ms at 64 connections. For information, the same
   POST for a new applicant each time, whose answer nothing kept can give.
c. Memory: each worker's RSS growth over 10,000 distinct boards, searches and static-path
   spellings sent straight to gunicorn. Target ≤ 48 MB.
d. Start-up: ``load_library`` over 100, 1,000 and 10,000 specimens, as a ratio to bare YAML
   parsing of the same files.
e. ``Library.search`` latency over the 10,000-specimen library, in process.
f. Bytes on the wire of the main pages with their CSS and JS, through the stack.
g. Lighthouse 12 scores through the stack, installed once into ``.bench-tools/``.
h, i. Rows from scripts/bench_audit.py and scripts/bench_stats.py when they exist (each has
   ``measure() -> list of (name, value, target, ok)``).

Only 127.0.0.1 is ever contacted. Needs nginx, wrk, npm and Chromium. Exits 0 when targets are
missed (this is a report) and 1 if a benchmark could not run.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import http.client
import importlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import benchlib
import fake_specimens
import serve
from benchlib import CHROMIUM, CHROMIUM_ARGS, ROOT, BenchError

from otiose.game.character import SEED_ALPHABET
from otiose.web import security

BENCH_MD = ROOT / "BENCHMARKS.md"
TOOLS = ROOT / ".bench-tools"
SEED = "abcdefgh"
RECORD = "junior-machine-learning-engineer"
POSTING = "new-deal-wing-riveter"
HX = {"HX-Request": "true"}
GZIP = {"Accept-Encoding": "gzip"}
BASE = "http://127.0.0.1"  # OTIOSE_BASE_URL where a benchmark builds an app of its own

WRK_SECONDS = 3  # each of four runs per route: route, baseline, baseline, route
WRK_WARMUP = 1
WRK_CONNECTIONS = 32
DYNAMIC_CONNECTIONS = 64
STACK_WORKERS = 2
MEMORY_N = 10_000
SIZES = (100, 1_000, 10_000)
RUN = ROOT / "build" / "bench"  # under build/: nginx's workers cannot read a private /tmp dir
# other helpers' benchmarks: scripts/<module>.py with measure() -> [(name, value, target, ok)]
HOOKS = {
    "h": ("bench_audit", "h. The audit desk (scripts/bench_audit.py)"),
    "i": ("bench_stats", "i. Live numbers (scripts/bench_stats.py)"),
}


# ---------------------------------------------------------------- results


@dataclass
class Row:
    section: str
    figure: str
    value: str
    target: str
    status: str  # PASS, MISS, INFO or ERROR


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: dict[str, list[str]] = {}
        self.errors: list[str] = []

    def add(self, section: str, figure: str, value: str, target: str = "", ok: bool | None = None):
        status = "INFO" if ok is None else ("PASS" if ok else "MISS")
        row = Row(section, figure, value, target, status)
        self.rows.append(row)
        tgt = f"  (target {target})" if target else ""
        print(f"  [{status:5}] {figure}: {value}{tgt}", flush=True)

    def note(self, section: str, text: str) -> None:
        self.notes.setdefault(section, []).append(text)
        print(f"  note: {text}", flush=True)

    def error(self, section: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(exc)).rstrip()
        first = f"{type(exc).__name__}: {exc}".splitlines()[0]
        self.errors.append(f"{section}: {first}")
        self.rows.append(Row(section, "benchmark crashed", first, "", "ERROR"))
        print(f"  [ERROR] {section}:\n{text}", file=sys.stderr, flush=True)


SECTIONS = {
    "a": "a. Public pages: nginx → gunicorn (the deploy stack) ÷ nginx serving the export",
    "b": "b. Dynamic game requests ÷ the cheapest Flask endpoint, same gunicorn",
    "c": "c. Memory per gunicorn worker over 30,000 distinct requests",
    "d": "d. Start-up: load + validate, as a ratio to bare YAML parsing",
    "e": "e. Search latency over 10,000 specimens (Library.search, in process)",
    "f": "f. Transferred bytes per page with its CSS and JS (Accept-Encoding: gzip, br)",
    "g": "g. Lighthouse 12 (mobile defaults, simulated throttling)",
    **{key: title for key, (_, title) in HOOKS.items()},
}


BASELINES = {
    "a": "nginx serving the same pages as plain files from the static export, on the same "
    "machine in the same run: the fastest those bytes can be served here.",
    "b": "`GET /bench/fixed`, a fixed 2 KB body from a bare Flask view in the same gunicorn "
    "behind the same nginx: what any dynamic request costs before the game does anything.",
    "c": "each worker's own RSS after a short warm-up; the target bounds the growth.",
    "d": "bare YAML parsing (PyYAML's CSafeLoader) of the same files, no validation.",
    "e–g": "none: absolute bounds (milliseconds, kilobytes, Lighthouse scores).",
}


def section(report: Report, key: str, fn: Callable[[], None]) -> None:
    print(f"\n{SECTIONS[key]}", flush=True)
    started = time.monotonic()
    try:
        fn()
    except Exception as exc:
        report.error(key, exc)
    print(f"  ({time.monotonic() - started:.0f} s)", flush=True)


def _pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


# ---------------------------------------------------------------- b. start-up


def _front_matter(text: str) -> str:
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i])
    return ""


def _bare_yaml(files: list[Path]) -> None:
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".md":
            yaml.load(_front_matter(raw.decode("utf-8")), Loader=yaml.CSafeLoader)
        else:
            yaml.load(raw, Loader=yaml.CSafeLoader)


@dataclass
class Timing:
    wall: float
    cpu: float


def _timed(fn: Callable[[], object]) -> tuple[Timing, object]:
    """Wall-clock and CPU time (this process) of one call, after a full garbage collection."""
    gc.collect()
    w, c = time.perf_counter(), time.process_time()
    value = fn()
    return Timing(time.perf_counter() - w, time.process_time() - c), value


def _median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def _content_root(tmp: Path, n: int) -> tuple[Path, list[Path]]:
    """A content folder: the real specimens, eras and postings plus generated specimens to n."""
    root = tmp / f"content-{n}"
    shutil.copytree(ROOT / "eras", root / "eras")
    shutil.copytree(ROOT / "specimens", root / "specimens")
    real = [p.stem for p in (root / "specimens").glob("*.yaml")]
    fake_specimens.generate(n - len(real), root / "specimens", also_ids=real, seed=n)
    files = sorted((root / "specimens").glob("*.yaml")) + sorted((root / "eras").rglob("*.*"))
    return root, [f for f in files if f.suffix in (".yaml", ".md")]


def bench_startup(report: Report, tmp: Path, keep: dict) -> None:
    from otiose.content import load_library
    from otiose.game.board import Board
    from otiose.web import create_app

    s = "d"
    per_1k: dict[int, float] = {}
    for n in SIZES:
        root, files = _content_root(tmp, n)
        size = sum(f.stat().st_size for f in files)
        reps = 3 if n < 10_000 else 1
        t_yaml, t_load = [], []
        library = None
        for _ in range(reps):  # interleaved, so drift in machine load hits both alike
            t_yaml.append(_timed(lambda files=files: _bare_yaml(files))[0])
            t, library = _timed(lambda root=root: load_library(root))
            t_load.append(t)
        y, ld = _median(t_yaml), _median(t_load)
        t_board, _ = _timed(lambda library=library: Board(library))
        config = {"CONTENT_ROOT": str(root), "SECRET_KEY": "bench-only", "BASE_URL": BASE}
        t_app, _ = _timed(lambda config=config: create_app(config))
        per_1k[n] = ld.cpu / n * 1000
        nspec = len(library.specimens)  # type: ignore[union-attr]
        report.add(
            s,
            f"{n:,} specimens ({nspec:,} loaded, {size / 1e6:.1f} MB): load_library ÷ bare YAML",
            f"{ld.cpu / y.cpu:.2f}× CPU ({ld.cpu:.2f} s vs {y.cpu:.2f} s); "
            f"{ld.wall / y.wall:.2f}× wall ({ld.wall:.2f} s vs {y.wall:.2f} s)",
            "≤ 2×",
            ld.cpu / y.cpu <= 2,
        )
        report.add(
            s,
            f"{n:,} specimens: Board(library); whole create_app() (loads again, hashes static/)",
            f"{t_board.wall:.3f} s; {t_app.wall:.2f} s wall",
        )
        if n == 10_000:
            report.add(
                s,
                "10,000 specimens: load_library",
                f"{ld.cpu:.2f} s CPU, {ld.wall:.2f} s wall",
                "< 10 s",
                ld.cpu < 10,
            )
            keep["library"] = library
        shutil.rmtree(root)
    growth = per_1k[10_000] / per_1k[1_000]
    report.add(
        s,
        "linear growth: CPU time per specimen at 10,000 ÷ at 1,000",
        f"{growth:.2f}× ({per_1k[1_000]:.2f} s → {per_1k[10_000]:.2f} s per 1,000 specimens)",
        "≤ 1.5×",
        growth <= 1.5,
    )
    real = len(list((ROOT / "specimens").glob("*.yaml")))  # the count of this run, not a constant
    report.note(
        s,
        f"each size is the {real} real specimens plus generated ones (scripts/fake_specimens.py: "
        "varied, valid, ~5 KB each, up to 4 related links), and the real eras and postings; the "
        "baseline parses the same files (posting front matter only). 100 and 1,000 are the "
        "median of 3 interleaved runs; 10,000 is one run. Verdicts use CPU time of this "
        "process (time.process_time), which neighbours on a shared machine disturb far less "
        "than the wall clock; both are shown.",
    )


# ---------------------------------------------------------------- c. search

QUERIES = {
    "one word": [("engineer", ""), ("manager", ""), ("data", ""), ("vibes", ""), ("cloud", "")],
    "two words": [("machine learning", ""), ("senior architect", ""), ("chief officer", "")],
    "no hit": [("xylophone", ""), ("qwertyuiop", "")],
    "with family": [
        ("engineer", "software-engineering"),
        ("manager", "people-and-talent"),
        ("", "data-and-ai"),
    ],
    "sorted, page 3": [("engineer", "", "salary", 3), ("lead", "", "flight-risk", 3)],
}


def _describe(q: tuple) -> str:
    words = [repr(q[0])] if q[0] else []
    if q[1]:
        words.append(f"family={q[1]}")
    if len(q) > 2:
        words.append(f"sort={q[2]} page={q[3]}")
    return " ".join(words)


def bench_search(report: Report, keep: dict) -> None:
    library = keep.get("library")
    if library is None:
        raise BenchError("no 10,000-specimen library (section d failed)")
    all_ms: list[float] = []
    for category, queries in QUERIES.items():
        times: list[float] = []
        hits = []
        for q in queries:
            query, family, sort, page = (*q, "family", 1)[:4]
            for _ in range(3):
                library.search(query, family, sort, page)
            for _ in range(40):
                start = time.perf_counter()
                result = library.search(query, family, sort, page)
                times.append((time.perf_counter() - start) * 1000)
            hits.append(result.total)
        all_ms += times
        p50, p99 = _pct(times, 50), _pct(times, 99)
        shown = ", ".join(f"{_describe(q)}: {h:,}" for q, h in zip(queries, hits, strict=True))
        report.add(
            "e",
            f"{category} p50 / p99 ({shown} hits)",
            f"{p50:.1f} / {p99:.1f} ms",
            "p99 < 20 ms",
            p99 < 20,
        )
    p50, p99 = _pct(all_ms, 50), _pct(all_ms, 99)
    report.add(
        "e",
        f"all {len(all_ms)} searches p50 / p99",
        f"{p50:.1f} / {p99:.1f} ms",
        "p99 < 20 ms",
        p99 < 20,
    )


# ---------------------------------------------------------------- HTTP helpers


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes
    header_bytes: int

    @property
    def wire(self) -> int:
        return self.header_bytes + len(self.body)


def fetch(
    base: str, path: str, method: str = "GET", headers: dict | None = None, body: str = ""
) -> Fetched:
    """One request over a fresh connection; the body exactly as sent (never decompressed)."""
    u = urlsplit(base)
    assert u.hostname == benchlib.HOST, base
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    hdrs = {"Accept-Encoding": "identity", **(headers or {})}
    if body:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body.encode() or None, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        items = r.getheaders()
    finally:
        conn.close()
    status_line = len(f"HTTP/1.1 {r.status} {r.reason}\r\n")
    header_bytes = status_line + sum(len(f"{k}: {v}\r\n") for k, v in items) + 2
    return Fetched(r.status, {k.lower(): v for k, v in items}, data, header_bytes)


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.css.append(a["href"])
        elif tag == "link" and ("preload" in rel or "icon" in rel) and a.get("href"):
            self.other.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])


# ---------------------------------------------------------------- d. page weight

PAGES = {
    "home": "/",
    "taxonomy": "/specimens/",
    "file record": f"/specimens/{RECORD}",
    "game board": f"/play/{SEED}",
    "run report": f"/play/{SEED}/report",
}
TEXT_TYPES = ("text/", "javascript", "json", "svg", "xml")


def bench_weight(report: Report, server: serve.Stack) -> None:
    s = "f"
    accept = {"Accept-Encoding": "gzip, br"}
    uncompressed: set[str] = set()
    for name, path in PAGES.items():
        page = fetch(server.base, path, headers=accept)
        if page.status != 200:
            raise BenchError(f"{path} answered {page.status}")
        parser = _Assets()
        parser.feed(fetch(server.base, path).body.decode())  # identity, to read the links
        total, parts = 0, []
        extra = 0
        for kind, urls in (("html", [path]), ("css", parser.css), ("js", parser.js),
                           ("other", parser.other)):  # fmt: skip
            for url in urls:
                f = page if kind == "html" else fetch(server.base, _local(url), headers=accept)
                n = f.wire
                ctype = f.headers.get("content-type", "")
                if "content-encoding" not in f.headers and any(t in ctype for t in TEXT_TYPES):
                    uncompressed.add(urlsplit(url).path)
                    n = f.header_bytes + len(gzip.compress(f.body, 6))
                if kind == "other":
                    extra += n
                else:
                    total += n
                    parts.append(f"{kind} {_kb(n)}")
        report.add(
            s,
            f"{name} ({path}): {' + '.join(parts)}",
            _kb(total) + f"  (+ {_kb(extra)} preloaded fonts and icon)",
            "≤ 50 KB",
            total <= 50 * 1024,
        )
    if uncompressed:
        report.note(
            s,
            "the server did NOT compress "
            + ", ".join(sorted(uncompressed))
            + "; their figures are estimates (gzip -6 of the body, plus the real headers)",
        )
    else:
        report.note(s, "every text response came back compressed (Content-Encoding checked)")
    report.note(
        s,
        "bytes on the wire = status line + headers + body, each resource on a cold cache; "
        "fonts (woff2) and the favicon are shown apart, outside the target",
    )


def _local(url: str) -> str:
    u = urlsplit(urljoin("http://127.0.0.1/", url))
    return u.path + (f"?{u.query}" if u.query else "")


# ---------------------------------------------------------------- wrk helpers


# More for a POST script: each request goes to /play/<a random seed>/apply. Each wrk thread
# seeds its own generator, so the two threads never send the same seeds.
NEW_SEED_LUA = (
    f'\nlocal alphabet = "{SEED_ALPHABET}"\n'
    + """local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end
function init(args)
    math.randomseed(os.time() * 100 + id)
end
function request()
    local seed = {}
    for i = 1, 8 do
        local k = math.random(#alphabet)
        seed[i] = alphabet:sub(k, k)
    end
    return wrk.format(nil, "/play/" .. table.concat(seed) .. "/apply")
end
"""
)


def _post_script(tmp: Path, name: str, body: str, headers: dict, more: str = "") -> Path:
    """A wrk script that POSTs ``body`` with ``headers``, and ``more`` Lua after it."""
    lines = ['wrk.method = "POST"', f"wrk.body = {benchlib.lua_string(body)}"]
    lines.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
    for k, v in headers.items():
        lines.append(f"wrk.headers[{benchlib.lua_string(k)}] = {benchlib.lua_string(v)}")
    lines.append(more)
    path = tmp / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def _settle(stack: serve.Stack, quiet_ms: float = 50, limit: float = 15) -> None:
    """Wait until gunicorn answers /healthz promptly: requests queued by the last wrk run (whose
    clients gave up) must not be charged to the next one."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        t = time.perf_counter()
        stack.direct("/healthz")
        if (time.perf_counter() - t) * 1000 < quiet_ms:
            return
        time.sleep(0.2)


def _errors(*results: benchlib.WrkResult) -> int:
    return sum(r.non_2xx_3xx + r.socket_errors for r in results)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)


# ---------------------------------------------------------------- a. public pages vs nginx

PUBLIC = [
    # name, URL on the stack, request headers, the same bytes as a file in the export
    ("file record", f"/specimens/{RECORD}", {}, f"specimens/{RECORD}.html"),
    ("taxonomy", "/specimens/", {}, "specimens/index.html"),
    ("search fragment", "/specimens/?q=engineer", {**HX, "HX-Target": "results"},
     "bench/search-engineer.html"),
    ("posting", f"/postings/{POSTING}", {}, f"postings/{POSTING}.html"),
]  # fmt: skip


def export_site(site: Path) -> None:
    """What `make export` writes, into ``site``; the search fragment is added from the app."""
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "export", str(site), "--base-url", BASE],
        cwd=ROOT,
        # production mode: the export's own requests must be for OTIOSE_BASE_URL's host
        env={**os.environ, "SECRET_KEY": "bench-export", "OTIOSE_BASE_URL": BASE},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0:
        raise BenchError(f"flask export failed:\n{run.stderr[-2000:]}")


def ceiling_servers(cache_listen: str, origin_listen: str, site: Path) -> str:
    """nginx's proxy_cache on its own: a cache in front of an nginx origin that serves the
    exported pages with the headers the app sends (security headers, Cache-Control, Vary).

    A HIT here costs what a HIT on the deploy stack costs, minus anything the app could change,
    so its ratio to the plain files is the most the stack's cache can reach on this machine.
    """
    headers = {
        **security.HEADERS,
        "Cache-Control": "public, max-age=300",
        "Vary": "HX-Request, HX-Target, Accept-Encoding",
    }
    adds = "\n".join(f'            add_header {k} "{v}";' for k, v in headers.items())
    key = f"ceiling|{serve.cache_key()}"
    return f"""    server {{
        listen {origin_listen};
        server_name _;
        root {site};
        location / {{
{adds}
            try_files $uri $uri.html $uri/index.html =404;
        }}
    }}
    server {{
        listen {cache_listen};
        server_name _;
        location / {{
            proxy_pass http://{origin_listen};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache otiose;
            proxy_cache_key "{key}";
            proxy_ignore_headers Vary;
            proxy_cache_revalidate on;
            proxy_cache_use_stale error timeout updating http_502 http_503 http_504;
            proxy_cache_background_update on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
"""


def _palindrome(
    stack: serve.Stack, loads: list[dict], connections: int
) -> list[benchlib.WrkResult]:
    """Each load twice, in the order A B C C B A (A B B A for two), so drift in the machine's
    load hits all alike."""
    for load in loads:
        with contextlib.suppress(BenchError):  # a slow route may finish nothing in a warm-up
            benchlib.wrk(seconds=WRK_WARMUP, connections=8, **load)
    runs: dict[int, list[benchlib.WrkResult]] = {i: [] for i in range(len(loads))}
    order = list(range(len(loads)))
    for i in order + order[::-1]:
        _settle(stack)
        runs[i].append(benchlib.wrk(seconds=WRK_SECONDS, connections=connections, **loads[i]))
    return [benchlib.combine(*runs[i]) for i in order]


def bench_public(
    report: Report, stack: serve.Stack, export_base: str, ceiling_base: str, site: Path
) -> None:
    s = "a"
    for name, path, headers, file in PUBLIC:
        first = fetch(stack.base, path, headers=headers)
        if first.status != 200:
            raise BenchError(f"GET {path} answered {first.status}")
        target = site / file
        if not target.exists():  # only the search fragment: the export has no search
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(first.body)
        static_path = "/" + file
        baseline = fetch(export_base, static_path)
        if baseline.status != 200:
            raise BenchError(f"nginx did not serve the exported {static_path}: {baseline.status}")
        again = fetch(stack.base, path, headers=headers)
        cache = again.headers.get("x-cache-status", "none")
        fetch(ceiling_base, static_path, headers=headers)
        hit = fetch(ceiling_base, static_path, headers=headers)
        if hit.headers.get("x-cache-status") != "HIT" or hit.body != baseline.body:
            raise BenchError(f"the proxy_cache ceiling did not answer {static_path} from its cache")
        r, c, t = _palindrome(
            stack,
            [
                dict(url=stack.base + path, headers=headers),
                dict(url=ceiling_base + static_path, headers=headers),
                dict(url=export_base + static_path, headers=headers),
            ],
            WRK_CONNECTIONS,
        )
        bad = _errors(r, t)
        ratio = r.rps / t.rps
        report.add(
            s,
            f"{name}: GET {path} ({len(first.body):,} B; X-Cache-Status {cache}) vs "
            f"{static_path} ({len(baseline.body):,} B)",
            f"{r.rps:,.0f} vs {t.rps:,.0f} req/s = **{ratio:.2f}×**; p50 {r.p50_ms:.1f} vs "
            f"{t.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} vs {t.p99_ms:.1f} ms"
            + (f"; {bad} errors or non-2xx" if bad else ""),
            "≥ 0.8×",
            ratio >= 0.8 and not bad,
        )
        report.add(
            s,
            f"{name}, ceiling: the same file as a proxy_cache HIT from an nginx origin, vs "
            f"{static_path}",
            f"{c.rps:,.0f} vs {t.rps:,.0f} req/s = **{c.rps / t.rps:.2f}×**; the stack reaches "
            f"{r.rps / c.rps:.2f} of this"
            + (f"; {_errors(c)} errors or non-2xx" if _errors(c) else ""),
            "",
            None,
        )
    report.note(
        s,
        "baseline: the same nginx serving the same pages as plain files from `flask --app app "
        "export` (what `make export` writes; the search fragment, which the export leaves out, "
        "saved from the app's own response) — the fastest this machine can serve those bytes.",
    )
    report.note(
        s,
        "ceiling: nginx's proxy_cache alone, in the same nginx — a cache (same zone and cache "
        "settings as deploy/nginx.conf) in front of an nginx origin that serves the exported file "
        "with the headers the app sends (security headers, Cache-Control, Vary), measured as a "
        "HIT. No app is involved, so no change to the app can take the stack above this line; "
        "what separates it from the plain file is the cache's own work on every HIT (the key's "
        "hash, the shared-memory lookup, reading and parsing the stored headers).",
    )
    report.note(
        s,
        f"wrk -t 2 -c {WRK_CONNECTIONS} --latency, {WRK_SECONDS} s each in the order route, "
        "ceiling, baseline, baseline, ceiling, route after a 1 s warm-up at 8 connections; req/s "
        "from the summed requests, latencies the mean of the two runs; no Accept-Encoding. The "
        "stack is `make serve`'s: nginx (deploy/nginx.conf, proxy_cache) → gunicorn "
        f"(deploy/gunicorn.conf.py, {STACK_WORKERS} gthread workers) on a unix socket; "
        "X-Cache-Status is that of a second request just before the run.",
    )


# ---------------------------------------------------------------- b. dynamic requests


def bench_dynamic(report: Report, stack: serve.Stack, tmp: Path) -> None:
    s = "b"
    origin = {"Origin": stack.base}
    applied = fetch(stack.base, f"/play/{SEED}/apply", "POST", {**origin, **HX, **GZIP},
                    f"posting={POSTING}")  # fmt: skip
    cookie = applied.headers.get("set-cookie", "").split(";", 1)[0]
    if applied.status != 200 or not cookie.startswith("session="):
        raise BenchError(f"apply answered {applied.status} without a session cookie")
    # as a browser sends them: every request takes gzip, the baseline's included
    player = {"Cookie": cookie, **GZIP}
    board = fetch(stack.base, f"/play/{SEED}", headers=player)
    fixed = fetch(stack.base, "/bench/fixed", headers=GZIP)
    fixed_text = gzip.decompress(fixed.body) if fixed.headers.get("content-encoding") else b""
    if board.status != 200 or fixed.status != 200 or len(fixed_text) != 2048:
        raise BenchError(f"board {board.status}, /bench/fixed {fixed.status} {len(fixed_text)} B")
    routes = [
        ("game board, run in progress", "GET", f"/play/{SEED}", player, "", board),
        # no session cookie: each POST is a first application (applying twice to one posting
        # is refused with 409, applications being final)
        ("apply (POST, htmx)", "POST", f"/play/{SEED}/apply",
         {**origin, **HX, **GZIP}, f"posting={POSTING}", applied),
    ]  # fmt: skip
    base = dict(url=stack.base + "/bench/fixed", headers=GZIP)
    for name, method, path, headers, body, sample in routes:
        if method == "POST":
            load = dict(url=stack.base + path, script=_post_script(tmp, _slug(name), body, headers))
        else:
            load = dict(url=stack.base + path, headers=headers)
        r, t = _palindrome(stack, [load, base], DYNAMIC_CONNECTIONS)
        bad = _errors(r, t)
        ratio = r.rps / t.rps
        cache = sample.headers.get("x-cache-status", "none")
        report.add(
            s,
            f"{name}: {method} {path} ({len(sample.body):,} B; X-Cache-Status {cache}) vs "
            f"GET /bench/fixed (2,048 B, {len(fixed.body):,} B gzipped)",
            f"{r.rps:,.0f} vs {t.rps:,.0f} req/s = **{ratio:.2f}×**"
            + (f"; {bad} errors or non-2xx" if bad else ""),
            "≥ 0.5×",
            ratio >= 0.5 and not bad,
        )
        report.add(
            s,
            f"{name}: latency p50 / p90 / p99 at {DYNAMIC_CONNECTIONS} connections",
            f"{r.p50_ms:.1f} / {r.p90_ms:.1f} / {r.p99_ms:.1f} ms (baseline p99 {t.p99_ms:.1f} ms)",
            "p99 < 25 ms",
            r.p99_ms < 25,
        )
    # the same POST for a new applicant each time: nothing kept answers it
    script = _post_script(
        tmp, "apply-new", f"posting={POSTING}", {**origin, **HX, **GZIP}, more=NEW_SEED_LUA
    )
    r, t = _palindrome(stack, [dict(url=stack.base + "/", script=script), base],
                       DYNAMIC_CONNECTIONS)  # fmt: skip
    bad = _errors(r, t)
    report.add(
        s,
        "apply, a new applicant each time: POST /play/<random seed>/apply vs GET /bench/fixed",
        f"{r.rps:,.0f} vs {t.rps:,.0f} req/s = **{r.rps / t.rps:.2f}×**; p99 {r.p99_ms:.1f} ms"
        + (f"; {bad} errors or non-2xx" if bad else ""),
    )
    report.note(
        s,
        "baseline: the cheapest Flask endpoint, a fixed 2 KB text body (`GET /bench/fixed`, "
        "added by scripts/bench_app.py to the real app) in the same gunicorn behind the same "
        "nginx, so the ratio is the cost of the game's own work.",
    )
    report.note(
        s,
        f"wrk -t 2 -c {DYNAMIC_CONNECTIONS}, route / baseline / baseline / route, "
        f"{WRK_SECONDS} s each, every request with `Accept-Encoding: gzip` as a browser sends "
        "it. The board requests carry the session cookie of a run with one application, so "
        "nginx passes them through (X-Cache-Status BYPASS) and the app answers from its render "
        "cache (kept HTML and its gzip; sizes above are as sent). Each apply POST has no cookie: "
        "a first application of the same applicant to the same posting, as every player of a "
        "day's daily run makes who starts there, recorded in the database and answered from the "
        "render cache. The row after it gives each POST a random seed, so every answer is "
        "rendered and compressed: the cost of a player's own first choice. wrk is one "
        "address standing in for many players, so nginx's limits per address (POSTs at "
        f"{serve.RATES['WRITE_RATE']} in make serve) and the live numbers' cap are lifted here.",
    )


def bench_floor(report: Report) -> None:
    """The same load on a bare Flask app: what 64 connections cost before any app code runs."""
    s = "b"
    with serve.stack(run=RUN / "bare", env={"OTIOSE_WORKERS": str(STACK_WORKERS)},
                     wsgi="bench_bare:app") as st:  # fmt: skip
        url = st.base + "/bench/fixed"
        benchlib.wrk(url, seconds=WRK_WARMUP, connections=8)
        runs = []
        for _ in range(2):
            _settle(st)
            runs.append(benchlib.wrk(url, seconds=WRK_SECONDS, connections=DYNAMIC_CONNECTIONS))
        r = benchlib.combine(*runs)
    need = DYNAMIC_CONNECTIONS / 0.025
    report.add(
        s,
        f"floor: a bare Flask app (one view, no extensions; scripts/bench_bare.py), GET "
        f"/bench/fixed (2,048 B), same gunicorn settings behind the same nginx, "
        f"{DYNAMIC_CONNECTIONS} connections",
        f"{r.rps:,.0f} req/s; p50 / p90 / p99 {r.p50_ms:.1f} / {r.p90_ms:.1f} / {r.p99_ms:.1f} ms",
        f"≥ {need:,.0f} req/s for any p99 < 25 ms",
    )
    report.note(
        s,
        f"floor: with {DYNAMIC_CONNECTIONS} connections always busy, a response takes on average "
        f"{DYNAMIC_CONNECTIONS} ÷ (requests per second) (Little's law), so a p99 under 25 ms "
        f"needs at least {need:,.0f} req/s even if every request took the same time. The bare "
        "Flask app above is what a Flask request costs here before any of the app's own code "
        "runs (the fixed endpoint adds the app's hooks: security headers, session, log line).",
    )


# ---------------------------------------------------------------- c. memory


def _distinct_requests() -> dict[str, list[str]]:
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    rng = random.Random(9)
    seeds: set[str] = set()
    while len(seeds) < MEMORY_N:
        seeds.add("".join(rng.choice(alphabet) for _ in range(8)))
    words = ["engineer", "manager", "data", "cloud", "lead", "chief", "vibes", "ops", "x"]
    return {
        "boards": [f"/play/{seed}" for seed in sorted(seeds)],
        "searches": [f"/specimens/?q={words[n % len(words)]}+{n}" for n in range(MEMORY_N)],
        "static paths": [
            "/static/" + "./" * (n % 100) + "css/" + "./" * (n // 100) + "site.css"
            for n in range(MEMORY_N)
        ],
    }


def _drive(stack: serve.Stack, paths: list[str], threads: int = 8) -> dict[int, int]:
    """GET every path straight from gunicorn (past nginx); count answers by status."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    host = urlsplit(stack.base).netloc
    chunks = [paths[i::threads] for i in range(threads)]

    def run(chunk: list[str]) -> None:
        conn = None
        for n, path in enumerate(chunk):
            if conn is None or n % 50 == 0:  # new connections now and then, to reach every worker
                if conn is not None:
                    conn.close()
                conn = serve.UnixHTTPConnection(stack.socket, timeout=30)
            conn.request("GET", path, headers={"Host": host, "Accept-Encoding": "gzip"})
            r = conn.getresponse()
            r.read()
            with lock:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            if r.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return statuses


def bench_memory(report: Report, stack: serve.Stack) -> None:
    s = "c"
    requests = _distinct_requests()
    _drive(stack, [p for kind in requests.values() for p in kind[:200]])  # warm-up
    pids = stack.workers()
    before = {p: benchlib.rss_kib(p) or 0 for p in pids}
    started = time.monotonic()
    counts = []
    for kind, paths in requests.items():
        statuses = _drive(stack, paths)
        counts.append(f"{kind}: " + ", ".join(f"{n:,}× {c}" for c, n in sorted(statuses.items())))
    after = {p: benchlib.rss_kib(p) for p in pids}
    if stack.workers() != pids:
        raise BenchError(f"workers changed during the run: {pids} → {stack.workers()}")
    for n, pid in enumerate(pids, 1):
        grew = ((after[pid] or 0) - before[pid]) / 1024
        report.add(
            s,
            f"worker {n}: RSS before → after {3 * MEMORY_N:,} distinct requests",
            f"{before[pid] / 1024:.1f} MB → {(after[pid] or 0) / 1024:.1f} MB (**{grew:+.1f} MB**)",
            "≤ +48 MB",
            grew <= 48,
        )
    report.note(s, "answers: " + "; ".join(counts) + f" (in {time.monotonic() - started:.0f} s)")
    report.note(
        s,
        f"{MEMORY_N:,} boards of distinct seeds, {MEMORY_N:,} distinct search queries and "
        f"{MEMORY_N:,} spellings of /static/css/site.css (`/static/././css/./site.css` …), all "
        "asking for gzip, sent straight to gunicorn's socket (past nginx, whose URI "
        "normalisation and cache would hide what the app keeps) over 8 connections, reopened "
        "every 50 requests so both workers take a share; RSS from /proc after a warm-up of 200 "
        "of each.",
    )


# ---------------------------------------------------------------- h. other helpers' benchmarks


def bench_hook(report: Report, key: str) -> None:
    """Rows from scripts/<module>.py's ``measure() -> [(name, value, target, ok)]``."""
    module = importlib.import_module(HOOKS[key][0])
    for name, value, target, ok in module.measure():
        report.add(key, str(name), str(value), str(target), None if ok is None else bool(ok))


# ---------------------------------------------------------------- e. Lighthouse

LH_PAGES = {"home": "/", "file record": f"/specimens/{RECORD}", "game board": f"/play/{SEED}"}
LH_FLAGS = " ".join(a for a in CHROMIUM_ARGS if a != "--disable-quic")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _lighthouse() -> Path:
    """The cached lighthouse@12 CLI in .bench-tools/, installed on first use."""
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    pkg = TOOLS / "node_modules" / "lighthouse" / "package.json"
    try:
        version = json.loads(pkg.read_text())["version"]
    except (OSError, ValueError, KeyError):
        version = ""
    if binary.exists() and version.startswith("12."):
        return binary
    npm = shutil.which("npm")
    if not npm:
        raise BenchError("npm is not installed; Lighthouse needs Node.js and npm")
    print("  installing lighthouse@12 into .bench-tools/ (once)", flush=True)
    TOOLS.mkdir(exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
         "--loglevel=error", "lighthouse@12"],
        check=True, timeout=300,
    )  # fmt: skip
    return binary


def bench_lighthouse(report: Report, server: serve.Stack, tmp: Path) -> None:
    s = "g"
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} is not installed (apt-get install chromium)")
    binary = _lighthouse()
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    version = "?"
    for name, path in LH_PAGES.items():
        out = tmp / f"lighthouse-{name.replace(' ', '-')}.json"
        cmd = [
            str(binary),
            server.base + path,
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={LH_FLAGS}",
            "--only-categories=" + ",".join(CATEGORIES),
            "--quiet",
        ]
        # Lighthouse sometimes loses its trace on a busy machine (NO_NAVSTART); try up to 3 times
        for _ in range(3):
            out.unlink(missing_ok=True)
            run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
            data = json.loads(out.read_text()) if run.returncode == 0 and out.exists() else {}
            if data and not data.get("runtimeError"):
                break
        else:
            detail = data.get("runtimeError") or (run.stderr or run.stdout)[-2000:]
            raise BenchError(f"lighthouse failed on {path} after 3 tries: {detail}")
        version = data.get("lighthouseVersion", "?")
        scores, failing = [], []
        for cat in CATEGORIES:
            c = data["categories"][cat]
            score = round((c["score"] or 0) * 100)
            scores.append(score)
            for ref in c["auditRefs"]:
                audit = data["audits"][ref["id"]]
                score = audit.get("score")
                if ref.get("weight", 0) > 0 and score is not None and score < 1:
                    shown = f", {audit['displayValue']}" if audit.get("displayValue") else ""
                    failing.append(f"{ref['id']} ({score:.2f}{shown})")
        value = " / ".join(str(x) for x in scores)
        if failing:
            value += "  — under 1: " + ", ".join(dict.fromkeys(failing))
        report.add(
            s,
            f"{name} ({path}): performance / accessibility / best practices / SEO",
            value,
            "100 each",
            all(x == 100 for x in scores),
        )
    report.note(
        s,
        f"Lighthouse {version} from .bench-tools/ (npm install lighthouse@12, cached), Chromium "
        f"{CHROMIUM}, against the stack above after the wrk runs; failing audits are the "
        "scored (weight > 0) audits under 1. Performance uses Lighthouse's default mobile "
        "emulation with simulated throttling and moves a point or two between runs.",
    )


# ---------------------------------------------------------------- output


def write_markdown(report: Report, info: dict[str, str], elapsed: float) -> None:
    out = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (scripts/bench.py) on {info['date']}, in {elapsed:.0f} s. "
        "Re-run it to refresh this file. The machine is shared and noisy: compare ratios "
        "measured in the same run, not absolute times across runs.",
        "",
        "| | |",
        "|---|---|",
        f"| machine | `{info['uname']}` |",
        f"| CPUs | {info['cpus']} |",
        f"| Python | {info['python']} |",
        f"| gunicorn | {info['gunicorn']} |",
        f"| wrk | {info['wrk']} |",
        f"| nginx | {info['nginx']} |",
        f"| load average at the start (1 / 5 / 15 min) | {info['load']} |",
        "",
    ]
    out += ["Baselines, one line each:", ""]
    out += [f"- **{key}.** {line}" for key, line in BASELINES.items()]
    out.append("")
    counts = {k: sum(r.status == k for r in report.rows) for k in ("PASS", "MISS", "ERROR")}
    out += [
        f"**{counts['PASS']} targets met, {counts['MISS']} missed, "
        f"{counts['ERROR']} benchmarks could not run.**",
        "",
    ]
    for key, title in SECTIONS.items():
        rows = [r for r in report.rows if r.section == key]
        out += [f"## {title}", "", "| figure | measured | target | result |", "|---|---|---|---|"]
        for r in rows:
            cells = [r.figure, r.value, r.target or "—", f"**{r.status}**"]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        out.append("")
        for n in report.notes.get(key, []):
            out += [f"- {n}"]
        out.append("")
    BENCH_MD.write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")


def print_table(report: Report) -> None:
    print("\n" + "=" * 100)
    print(f"{'result':7} {'section':8} figure → measured (target)")
    print("-" * 100)
    for r in report.rows:
        target = f"  (target {r.target})" if r.target else ""
        print(f"{r.status:7} {r.section:8} {r.figure}\n{'':16}→ {r.value}{target}")
    print("=" * 100)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: the stack is stopped


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    info = benchlib.machine()
    info["nginx"] = _nginx_version()
    info["load"] = "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    print(f"Otiose benchmarks — {info['date']}")
    print(f"{info['uname']}\n{info['python']}, {info['cpus']} CPUs, {info['gunicorn']}")
    report = Report()
    keep: dict = {}
    with tempfile.TemporaryDirectory(prefix="otiose-bench-") as t:
        tmp = Path(t)
        section(report, "d", lambda: bench_startup(report, tmp, keep))
        section(report, "e", lambda: bench_search(report, keep))
        keep.clear()
        gc.collect()
        _stack_sections(report, tmp)
    for key, (module, _) in HOOKS.items():
        if (ROOT / "scripts" / f"{module}.py").exists():
            section(report, key, lambda key=key: bench_hook(report, key))
    elapsed = time.monotonic() - started
    print_table(report)
    write_markdown(report, info, elapsed)
    print(f"wrote {BENCH_MD.name} in {elapsed:.0f} s")
    if report.errors:
        print("some benchmarks could not run:\n  " + "\n  ".join(report.errors), file=sys.stderr)
        return 1
    return 0


def _nginx_version() -> str:
    try:
        out = subprocess.run([serve.find_nginx(), "-v"], capture_output=True, text=True)
    except serve.ServeError as exc:
        return str(exc)
    return out.stderr.strip().replace("nginx version: ", "")


def _stack_sections(report: Report, tmp: Path) -> None:
    """a, b, f and g on one stack (with the export beside it); c on a fresh one."""
    try:
        benchlib.need_wrk()
        site = RUN / "site"
        if site.exists():
            shutil.rmtree(site)
        print("\nexporting the site for the baseline …", flush=True)
        export_site(site)
        export_port = serve.free_port()
        ceiling_port, origin_port = serve.free_port(), serve.free_port()
        extra = serve.static_server(f"{serve.HOST}:{export_port}", site) + ceiling_servers(
            f"{serve.HOST}:{ceiling_port}", f"{serve.HOST}:{origin_port}", site
        )
        # wrk sends every request from one address: the per-address limits (nginx's and the
        # live numbers' cap) are lifted, so each apply POST is answered and recorded
        env = {"OTIOSE_WORKERS": str(STACK_WORKERS), "OTIOSE_LIVE_COUNT_LIMIT": benchlib.UNCAPPED}
        with serve.stack(
            run=RUN / "stack", env=env, extra=extra, wsgi="bench_app:app", rates=serve.UNLIMITED
        ) as st:
            print(f"stack on {st.base}, export on port {export_port}", flush=True)
            export_base = f"http://{serve.HOST}:{export_port}"
            section(report, "f", lambda: bench_weight(report, st))
            ceiling_base = f"http://{serve.HOST}:{ceiling_port}"
            section(report, "a", lambda: bench_public(report, st, export_base, ceiling_base, site))
            section(report, "b", lambda: bench_dynamic(report, st, tmp))
            section(report, "g", lambda: bench_lighthouse(report, st, tmp))
        section(report, "b", lambda: bench_floor(report))
        with serve.stack(run=RUN / "memory", env=env) as st:
            section(report, "c", lambda: bench_memory(report, st))
    except (BenchError, serve.ServeError) as exc:  # a tool is missing or the stack did not start
        for key in "abcfg":
            if not any(r.section == key for r in report.rows):
                report.error(key, exc)
    finally:
        shutil.rmtree(RUN, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
