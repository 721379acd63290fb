"""Benchmarks, each figure printed next to its target; also written to BENCHMARKS.md.

    make bench            (or: .venv/bin/python scripts/bench.py)

a. Throughput under wrk against gunicorn (2 workers), each route as a ratio to a static file of
   the same size served by the same gunicorn. The twin is the route's own response body, copied
   for the duration of the run to ``static/.bench-<route>.html`` (the app's /static route only
   serves static/), and removed in a ``finally`` (``/static/.bench-*`` is in .gitignore in case
   a run is killed with SIGKILL).
b. Start-up: ``load_library`` over 100, 1,000 and 10,000 specimens, as a ratio to bare YAML
   parsing (``yaml.load`` with ``CSafeLoader``) of the same files; plus the game Board and the
   whole ``create_app``.
c. ``Library.search`` latency over the 10,000-specimen library, in process.
d. Bytes on the wire of the main pages with their CSS and JS, asking for ``gzip, br``.
e. Lighthouse 12 scores, installed once into ``.bench-tools/``.

Only 127.0.0.1 is ever contacted. The machine is shared and noisy: the throughput targets are
ratios measured seconds apart in the same run; absolute figures are for orientation. Exits 0
when targets are missed (this is a report) and 1 if a benchmark could not run.
"""

from __future__ import annotations

import gc
import gzip
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
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
from benchlib import CHROMIUM, CHROMIUM_ARGS, ROOT, BenchError, Server

BENCH_MD = ROOT / "BENCHMARKS.md"
TOOLS = ROOT / ".bench-tools"
SEED = "abcdefgh"
RECORD = "junior-machine-learning-engineer"
POSTING = "new-deal-wing-riveter"
HX = {"HX-Request": "true"}

WRK_SECONDS = 3  # each of four runs per route: route, twin, twin, route
WRK_WARMUP = 1
WRK_CONNECTIONS = 32
SIZES = (100, 1_000, 10_000)


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
    "a": "a. Throughput under wrk (gunicorn, 2 workers), as a ratio to a same-size static file",
    "b": "b. Start-up: load + validate, as a ratio to bare YAML parsing",
    "c": "c. Search latency over 10,000 specimens (Library.search, in process)",
    "d": "d. Transferred bytes per page with its CSS and JS (Accept-Encoding: gzip, br)",
    "e": "e. Lighthouse 12 (mobile defaults, simulated throttling)",
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

    s = "b"
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
        config = {"CONTENT_ROOT": str(root), "SECRET_KEY": "bench-only"}
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
    report.note(
        s,
        "each size is the 36 real specimens plus generated ones (scripts/fake_specimens.py: "
        "varied, valid, ~5 KB each, 1-4 related links), and the real eras and postings; the "
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
        raise BenchError("no 10,000-specimen library (section b failed)")
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
            "c",
            f"{category} p50 / p99 ({shown} hits)",
            f"{p50:.1f} / {p99:.1f} ms",
            "p99 < 20 ms",
            p99 < 20,
        )
    p50, p99 = _pct(all_ms, 50), _pct(all_ms, 99)
    report.add(
        "c",
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


def bench_weight(report: Report, server: Server) -> None:
    s = "d"
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


# ---------------------------------------------------------------- a. throughput

ROUTES = [
    # name, path, method, headers, body
    ("file record", f"/specimens/{RECORD}", "GET", {}, ""),
    ("taxonomy", "/specimens/", "GET", {}, ""),
    ("search fragment", "/specimens/?q=engineer", "GET", {**HX, "HX-Target": "results"}, ""),
    ("game board", f"/play/{SEED}", "GET", {}, ""),
    ("apply (POST)", f"/play/{SEED}/apply", "POST", HX, f"posting={POSTING}"),
]


def _post_script(tmp: Path, name: str, body: str, headers: dict) -> Path:
    lines = ['wrk.method = "POST"', f"wrk.body = {benchlib.lua_string(body)}"]
    lines.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
    for k, v in headers.items():
        lines.append(f"wrk.headers[{benchlib.lua_string(k)}] = {benchlib.lua_string(v)}")
    path = tmp / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def bench_throughput(report: Report, server: Server, tmp: Path, twins: list[Path]) -> None:
    s = "a"
    for name, path, method, headers, body in ROUTES:
        slug = name.split()[0] + ("-" + name.split()[1] if " " in name else "")
        slug = "".join(c if c.isalnum() else "-" for c in slug)
        first = fetch(server.base, path, method, headers, body)
        if first.status != 200:
            raise BenchError(f"{method} {path} answered {first.status}")
        twin = ROOT / "static" / f".bench-{slug}.html"
        twins.append(twin)
        twin.write_bytes(first.body)
        twin_path = f"/static/{twin.name}"
        check = fetch(server.base, twin_path)
        if check.status != 200 or len(check.body) != len(first.body):
            raise BenchError(f"the static twin {twin_path} did not come back whole")
        script = _post_script(tmp, slug, body, headers) if method == "POST" else None
        hdrs = {} if script else headers
        url = server.base + path
        benchlib.wrk(url, WRK_WARMUP, 8, headers=hdrs, script=script)
        benchlib.wrk(server.base + twin_path, WRK_WARMUP, 8)
        # A B B A: drift in the machine's load falls on the route and its twin alike
        load = {
            "route": dict(url=url, headers=hdrs, script=script),
            "twin": dict(url=server.base + twin_path),
        }
        a1, b1, b2, a2 = (
            benchlib.wrk(seconds=WRK_SECONDS, connections=WRK_CONNECTIONS, **load[k])
            for k in ("route", "twin", "twin", "route")
        )
        r, t = benchlib.combine(a1, a2), benchlib.combine(b1, b2)
        bad = r.non_2xx_3xx + r.socket_errors + t.non_2xx_3xx + t.socket_errors
        ratio = r.rps / t.rps
        report.add(
            s,
            f"{name}: {method} {path} ({len(first.body):,} B) req/s, p50 / p99",
            f"{r.rps:,.0f} req/s, {r.p50_ms:.1f} / {r.p99_ms:.1f} ms  |  static twin "
            f"{t.rps:,.0f} req/s, {t.p50_ms:.1f} / {t.p99_ms:.1f} ms  |  ratio {ratio:.2f}× "
            f"(p50 {t.p50_ms / r.p50_ms:.2f}×, p99 {t.p99_ms / r.p99_ms:.2f}×)"
            + (f"  |  {bad} errors or non-2xx" if bad else ""),
            "ratio ≥ 0.8",
            ratio >= 0.8 and not bad,
        )
    report.note(
        s,
        f"wrk -t 2 -c {WRK_CONNECTIONS} --latency, after a {WRK_WARMUP}s warm-up at 8 "
        f"connections, in the order route, twin, twin, route ({WRK_SECONDS}s each; req/s from "
        "the summed requests, latencies the mean of the two runs); no Accept-Encoding "
        "(identity bodies on both sides). The "
        "static twin is the route's own response body copied to static/.bench-<route>.html "
        "for the run and served by the app's /static route (send_file, ETag, the same "
        "after-request hooks); ratio = route req/s ÷ twin req/s, latency ratios = twin ÷ "
        "route. The twin of the POST is a GET (static files take no POST). gunicorn's sync "
        "workers close every connection, so each request includes a TCP connect.",
    )


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


def bench_lighthouse(report: Report, server: Server, tmp: Path) -> None:
    s = "e"
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
        f"{CHROMIUM}, against the gunicorn above after the wrk runs; failing audits are the "
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
        "",
    ]
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
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: server stopped, twins gone


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    info = benchlib.machine()
    print(f"Otiose benchmarks — {info['date']}")
    print(f"{info['uname']}\n{info['python']}, {info['cpus']} CPUs, {info['gunicorn']}")
    report = Report()
    keep: dict = {}
    twins: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="otiose-bench-") as t:
        tmp = Path(t)
        section(report, "b", lambda: bench_startup(report, tmp, keep))
        section(report, "c", lambda: bench_search(report, keep))
        keep.clear()
        gc.collect()
        try:
            with benchlib.gunicorn(tmp, workers=2) as server:
                print(f"\ngunicorn pid {server.pid} on {server.base}", flush=True)
                section(report, "d", lambda: bench_weight(report, server))
                section(report, "a", lambda: bench_throughput(report, server, tmp, twins))
                section(report, "e", lambda: bench_lighthouse(report, server, tmp))
        except BenchError as exc:  # the server itself did not start
            for key in "dae":
                report.error(key, exc)
        finally:
            for twin in twins:
                twin.unlink(missing_ok=True)
    elapsed = time.monotonic() - started
    print_table(report)
    write_markdown(report, info, elapsed)
    print(f"wrote {BENCH_MD.name} in {elapsed:.0f} s")
    if report.errors:
        print("some benchmarks could not run:\n  " + "\n  ".join(report.errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
