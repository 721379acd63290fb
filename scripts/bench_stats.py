"""Does counting applications slow the game? Apply's p99 with recording on and off, one run.

For SQLite (the default file) and PostgreSQL (a throwaway server from Debian's binaries), the
same gunicorn setup serves the same apply POST with ``OTIOSE_LIVE_RECORD=0`` and ``=1``:
two servers, loaded in turn in short alternating rounds, so drift on a shared machine weighs on
both alike; each side's figure is its median round. Every request is a new browser, so every
recorded application is a real insert. Target: p99 on / p99 off <= 1.25.

``measure()`` returns rows ``(name, value, target, ok)``; ``python scripts/bench_stats.py``
prints them. ``make bench`` includes them.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import benchlib
from benchlib import HOST, BenchError

SEED = "abcdefgh"
POSTING = "new-deal-wing-riveter"
TARGET = 1.25
SECONDS = 3
ROUNDS = 5
WARMUP = 1
CONNECTIONS = 16
WORKERS = 2

Row = tuple[str, str, str, bool]


@contextlib.contextmanager
def sqlite(tmp: Path) -> Iterator[str]:
    """A SQLite file, migrated."""
    yield _migrated(f"sqlite:///{tmp / 'bench.db'}")


@contextlib.contextmanager
def postgresql(tmp: Path) -> Iterator[str]:
    """A PostgreSQL server of its own on a free port, with one migrated database."""
    from pytest_postgresql.janitor import DatabaseJanitor

    with benchlib.postgresql("otiose_bench") as server:
        DatabaseJanitor(
            user=server.user, host=server.host, port=server.port, dbname="otiose_bench"
        ).init()
        yield _migrated(f"postgresql+psycopg://{server.user}@{HOST}:{server.port}/otiose_bench")


def _migrated(url: str) -> str:
    from otiose.stats import Stats

    Stats(url, migrate="upgrade").start()
    return url


def _apply_script(tmp: Path) -> Path:
    path = tmp / "apply.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {benchlib.lua_string(f'posting={POSTING}')}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["HX-Request"] = "true"\n'
    )
    return path


def _alternate(tmp: Path, url: str) -> tuple[list[benchlib.WrkResult], list[benchlib.WrkResult]]:
    """Apply under load on two servers, recording off and on, loaded in turn: (offs, ons).

    Both servers run the whole time; the load alternates between them in short rounds
    (off, on, off, on, ...), so drift on a shared machine weighs on both alike, and neither
    takes CPU from the other while it is measured.
    """
    script = _apply_script(tmp)
    results: dict[bool, list[benchlib.WrkResult]] = {False: [], True: []}
    with contextlib.ExitStack() as stack:
        bases = {
            record: stack.enter_context(
                benchlib.gunicorn(
                    tmp / ("on" if record else "off"),
                    WORKERS,
                    {
                        "DATABASE_URL": url,
                        "OTIOSE_LIVE_RECORD": "1" if record else "0",
                        "OTIOSE_LIVE_COUNT_LIMIT": benchlib.UNCAPPED,  # one address, many runs
                    },
                )
            ).base
            for record in (False, True)
        }
        for record in (False, True):
            benchlib.wrk(f"{bases[record]}/play/{SEED}/apply", WARMUP, CONNECTIONS, script=script)
        for _ in range(ROUNDS):
            for record in (False, True):
                target = f"{bases[record]}/play/{SEED}/apply"
                results[record].append(benchlib.wrk(target, SECONDS, CONNECTIONS, script=script))
    for result in results[False] + results[True]:
        if result.non_2xx_3xx or result.socket_errors:
            raise BenchError(f"apply failed under load: {result.raw}")
    return results[False], results[True]


def _rate(results: list[benchlib.WrkResult]) -> float:
    """Requests per second over every round."""
    return sum(r.requests for r in results) / sum(r.seconds for r in results)


def _median(results: list[benchlib.WrkResult]) -> benchlib.WrkResult:
    """The round with the median p99 (its throughput and percentiles together)."""
    return sorted(results, key=lambda r: r.p99_ms)[len(results) // 2]


def _capacity(url: str, threads: int = 16, seconds: float = 3.0) -> float:
    """Applications the database records per second from ``threads`` writers, no app between."""
    from datetime import date

    from otiose.stats import Stats

    stats = Stats(url)
    today = date.today()
    done = [0] * threads
    stop = time.monotonic() + seconds

    def write(n: int) -> None:
        i = 0
        while time.monotonic() < stop:
            stats.record_application(f"cap-{n}-{i}", "capacity", "bench", False, today, False)
            i += 1
        done[n] = i

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stats.close()
    return sum(done) / (time.monotonic() - started)


def _count(url: str) -> int:
    from otiose.stats import Stats

    stats = Stats(url)
    try:
        return stats.posting(POSTING).applied
    finally:
        stats.close()


def measure() -> list[Row]:
    """Apply p99 with recording on vs off, on SQLite and PostgreSQL; and the write rate."""
    benchlib.need_wrk()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="otiose-bench-stats-") as name:
        tmp = Path(name)
        for label, database in (("SQLite", sqlite), ("PostgreSQL", postgresql)):
            with database(tmp) as url:
                offs, ons = _alternate(tmp, url)
                off, on = _median(offs), _median(ons)
                sent = sum(r.requests for r in ons)
                counted = _count(url)
                capacity = _capacity(url)
            if counted < sent:
                raise BenchError(f"{label}: {sent} applications answered, {counted} counted")
            ratio = on.p99_ms / off.p99_ms if off.p99_ms else float("inf")
            rows.append(
                (
                    f"apply p99 recording on/off, {label}, {CONNECTIONS} conn., median of {ROUNDS}",
                    f"{ratio:.2f}× ({on.p99_ms:.1f} / {off.p99_ms:.1f} ms)",
                    f"≤ {TARGET}×",
                    ratio <= TARGET,
                )
            )
            rows.append(
                (
                    f"applications recorded/s, one server ({WORKERS} gthread workers), {label}",
                    f"{_rate(ons):,.0f}/s (apply without recording: {_rate(offs):,.0f}/s)",
                    "info",
                    True,
                )
            )
            rows.append(
                (
                    f"applications the database records/s, 16 threads in one process, {label}",
                    f"{capacity:,.0f}/s",
                    "info",
                    True,
                )
            )
    return rows


def main() -> int:
    try:
        rows = measure()
    except BenchError as exc:
        print(f"bench_stats: {exc}", file=sys.stderr)
        return 1
    for name, value, target, ok in rows:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value} (target {target})")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
