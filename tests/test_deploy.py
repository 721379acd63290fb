"""The production stack (deploy/: nginx in front of gunicorn), started as `make serve` starts it.

Needs Debian's nginx: skipped without it locally, an error in CI (.ci/run installs nginx-light).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import serve  # noqa: E402

from otiose.stats.db import default_url  # noqa: E402

try:
    serve.find_nginx()
except serve.ServeError as exc:
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs nginx for tests/test_deploy.py: {exc}") from None
    pytestmark = pytest.mark.skip(reason=str(exc))
if not serve.BROTLI_MODULE.is_file() and os.environ.get("CI"):
    raise pytest.UsageError(f"CI needs it for tests/test_deploy.py: {serve.BROTLI_HINT}")
needs_brotli = pytest.mark.skipif(not serve.BROTLI_MODULE.is_file(), reason=serve.BROTLI_HINT)

SEED = "abcdefgh"
RECORD = "junior-machine-learning-engineer"
POSTING = sorted(ROOT.glob("eras/*/*.md"))[0].stem
ERA = "postwar"


@pytest.fixture(scope="module")
def run_dir() -> Iterator[Path]:
    """Under build/: nginx's workers (www-data) cannot enter pytest's private temp folder."""
    path = ROOT / "build" / f"test-deploy-{os.getpid()}"
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(run_dir: Path) -> Iterator[serve.Stack]:
    """nginx + gunicorn on a free port, with two workers."""
    with serve.stack(run=run_dir / "main", env={"OTIOSE_WORKERS": "2"}) as s:
        yield s


def get(
    s: serve.Stack,
    path: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str = "",
    timeout: float = 10,
) -> tuple[int, dict[str, str], bytes]:
    """One request to nginx over a fresh connection, with the configured Host unless given."""
    conn = http.client.HTTPConnection(serve.HOST, s.port, timeout=timeout)
    hdrs = {"Host": f"{serve.HOST}:{s.port}", "Accept-Encoding": "identity", **(headers or {})}
    if body:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body.encode() or None, headers=hdrs)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", [f"/specimens/{RECORD}", f"/specimens/{RECORD}.png"])
def test_a_public_page_is_answered_from_the_cache_the_second_time(stack, path):
    """A file record, and its card: drawn once, then served by nginx."""
    status, first, body = get(stack, path)
    assert status == 200
    assert first["x-cache-status"] in ("MISS", "EXPIRED", "HIT")
    status, second, again = get(stack, path)
    assert (status, second["x-cache-status"]) == (200, "HIT")
    assert again == body
    assert second["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize("path", ["/card.png", f"/specimens/{RECORD}.png"])
def test_made_up_htmx_headers_do_not_have_a_picture_drawn_again(stack, path):
    """Pictures were keyed on the htmx headers like pages: each new HX-Target was a MISS, and
    the app drew the card again (about 70 ms) for it."""
    assert get(stack, path)[0] == 200
    for n in range(3):
        status, headers, _ = get(stack, path, {"HX-Request": "true", "HX-Target": f"t{n}"})
        assert (status, headers["x-cache-status"]) == (200, "HIT")


@pytest.mark.parametrize("path", [f"/eras/{ERA}.png", "/favicon.ico"])
def test_a_picture_is_kept_once_whatever_coding_is_asked_for(stack, path):
    """A PNG is never compressed (nor the icon, which holds PNGs), so it is one copy in nginx's
    cache, not one per coding, and it says it varies on nothing to caches further along."""
    # each path is asked for by no other test here, so its first request is a MISS
    first = get(stack, path, {"Accept-Encoding": "gzip, deflate, br"})
    assert (first[0], first[1]["x-cache-status"]) == (200, "MISS")
    for accept in ("gzip, deflate", "identity", "br;q=0, gzip"):
        status, headers, body = get(stack, path, {"Accept-Encoding": accept})
        assert (status, headers["x-cache-status"]) == (200, "HIT"), accept
        assert "content-encoding" not in headers and "vary" not in headers, accept
        assert body == first[2]


def test_a_conditional_get_with_the_etag_gets_304(stack):
    path = "/specimens/"
    status, headers, _ = get(stack, path)
    assert status == 200 and headers["etag"].startswith('"')
    status, again, body = get(stack, path, {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    assert again["etag"] == headers["etag"]
    assert again["x-cache-status"] == "HIT"  # nginx answered it from its cache


def test_a_precompressed_static_file_revalidates(stack):
    gz = {"Accept-Encoding": "gzip"}
    status, headers, body = get(stack, "/static/css/site.css", gz)
    assert (status, headers["content-encoding"]) == (200, "gzip")
    assert body[:2] == b"\x1f\x8b"
    status, _, body = get(stack, "/static/css/site.css", {**gz, "If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")


@needs_brotli
def test_a_static_file_goes_out_as_its_precompressed_br_to_a_client_that_takes_br(stack):
    css = (ROOT / "static" / "css" / "site.css").read_bytes()
    status, headers, body = get(stack, "/static/css/site.css", {"Accept-Encoding": "gzip, br"})
    assert (status, headers["content-encoding"]) == (200, "br")
    assert headers["vary"] == "Accept-Encoding"
    assert brotli.decompress(body) == css
    assert len(body) < len(gzip.compress(css, 9))
    status, headers, body = get(stack, "/static/css/site.css", {"Accept-Encoding": "br;q=0, gzip"})
    assert (status, headers["content-encoding"]) == (200, "gzip")
    assert gzip.decompress(body) == css


def test_a_cached_public_page_keeps_one_variant_per_coding(stack):
    path = "/eras/"  # asked for by no other test here, so the first request below is a MISS
    _, _, plain = get(stack, path)
    br, gz = {"Accept-Encoding": "gzip, deflate, br"}, {"Accept-Encoding": "gzip, deflate"}
    unpack = {"br": brotli.decompress, "gzip": gzip.decompress}
    for accept, coding, cache in ((br, "br", "MISS"), (gz, "gzip", "MISS"),
                                  (br, "br", "HIT"), (gz, "gzip", "HIT")):  # fmt: skip
        status, headers, body = get(stack, path, accept)
        assert status == 200
        assert (headers["content-encoding"], headers["x-cache-status"]) == (coding, cache)
        assert "Accept-Encoding" in headers["vary"]
        assert unpack[coding](body) == plain


def test_browsers_that_spell_accept_encoding_differently_share_one_cached_copy(stack):
    path = "/graeber"  # asked for by no other test here, so the first request below is a MISS
    _, _, plain = get(stack, path)
    unpack = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}
    for accept, coding, cache in (
        ("gzip, deflate, br, zstd", "br", "MISS"),  # Chrome and Firefox
        ("gzip, deflate, br", "br", "HIT"),  # Safari
        ("BR", "br", "HIT"),
        ("*", "br", "HIT"),
        ("gzip, deflate", "gzip", "MISS"),
        ("gzip", "gzip", "HIT"),
        ("x-gzip, deflate", None, "HIT"),  # nothing the app offers: the plain copy
        ("br;q=0, gzip", "gzip", "MISS"),  # weights: the app reads the header as sent
        ("br;q=0, gzip", "gzip", "HIT"),
        ("gzip;q=0", None, "MISS"),
    ):
        status, headers, body = get(stack, path, {"Accept-Encoding": accept})
        assert status == 200, accept
        got = (headers.get("content-encoding"), headers["x-cache-status"])
        assert got == (coding, cache), accept
        assert headers["vary"] == "Accept-Encoding"  # still said to caches further along
        assert unpack[coding](body) == plain


def test_without_the_brotli_module_static_files_go_out_gzipped_and_it_says_so(
    run_dir, monkeypatch, capsys
):
    monkeypatch.setattr(serve, "BROTLI_MODULE", Path("/nonexistent/brotli.so"))
    with serve.stack(run=run_dir / "no-brotli") as s:
        _, headers, _ = get(s, "/static/css/site.css", {"Accept-Encoding": "gzip, br"})
        assert headers["content-encoding"] == "gzip"
        _, headers, _ = get(s, "/specimens/", {"Accept-Encoding": "gzip, br"})
        assert headers["content-encoding"] == "br"  # the app's own answers do not need nginx's
    assert capsys.readouterr().err == f"serve: {serve.BROTLI_HINT}\n"


def test_static_files_carry_the_security_headers_the_app_sends(stack):
    from otiose.web import security

    status, headers, _ = get(stack, "/static/css/site.css")
    assert status == 200
    assert {k: headers.get(k.lower()) for k in security.HEADERS} == security.HEADERS


def test_fingerprinted_static_urls_are_immutable_and_others_are_not(stack):
    _, _, page = get(stack, "/")
    href = page.decode().split('href="/static/css/site.css?v=', 1)[1].split('"', 1)[0]
    _, headers, _ = get(stack, f"/static/css/site.css?v={href}")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    _, headers, _ = get(stack, "/static/css/site.css?v=000000000000")
    assert headers["cache-control"] == "public, max-age=300"


def test_an_apply_post_works_and_a_players_board_never_comes_from_the_cache(stack):
    origin = {"Origin": f"http://{serve.HOST}:{stack.port}", "HX-Request": "true"}
    status, headers, body = get(
        stack, f"/play/{SEED}/apply", origin, method="POST", body=f"posting={POSTING}"
    )
    assert status == 200, body[:500]
    assert "session=" in headers.get("set-cookie", "")
    assert headers.get("x-cache-status", "") != "HIT"
    cookie = headers["set-cookie"].split(";", 1)[0]
    for _ in range(2):
        status, board, _ = get(stack, f"/play/{SEED}", {"Cookie": cookie})
        assert status == 200
        assert board["x-cache-status"] == "BYPASS"


def test_a_stack_counts_applications_in_a_database_of_its_own(stack):
    """A stack for tests or benchmarks never writes the checkout's instance/otiose.db (which
    make run shows): its live numbers are kept in its run directory and go with it."""
    own = stack.run / "otiose.db"
    assert stack.env["DATABASE_URL"] == f"sqlite:///{own}"
    origin = {"Origin": f"http://{serve.HOST}:{stack.port}", "HX-Request": "true"}
    status, _, body = get(
        stack, f"/play/{SEED}/apply", origin, method="POST", body=f"posting={POSTING}"
    )
    assert status == 200, body[:500]
    with contextlib.closing(sqlite3.connect(own)) as db:
        (n,) = db.execute(
            "SELECT count(*) FROM applications WHERE posting_id = ?", (POSTING,)
        ).fetchone()
    assert n >= 1


EDGE_REFUSALS = [  # requests nginx answers itself, never passing them to the app
    ("big body", "POST", "/live/specimens/agile-coach/sightings", {}, "a" * 20_000, 413),
    ("big body, API", "POST", "/api/audit", {}, "a" * 20_000, 413),
    ("header too large", "GET", "/", {"X-Big": "x" * 9000}, "", 400),
    ("TRACE", "TRACE", "/", {}, "", 405),
    ("stale If-Match", "GET", "/about", {"If-Match": '"stale"'}, "", 412),
    ("stale If-Match, API", "GET", "/api/postings/", {"If-Match": '"stale"'}, "", 412),
    ("missing static file", "GET", "/static/css/none.css", {}, "", 404),
    ("PUT on a static file", "PUT", "/static/css/site.css", {}, "", 403),
    ("another host", "GET", "/", {"Host": "evil.example"}, "", 400),
    ("unknown transfer coding", "POST", "/about", {"Transfer-Encoding": "xchunked"}, "", 501),
    (
        "range past a static file",
        "GET",
        "/static/css/site.css",
        {"Range": "bytes=99999999-"},
        "",
        416,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "code"),
    [r[1:] for r in EDGE_REFUSALS],
    ids=[r[0] for r in EDGE_REFUSALS],
)
def test_nginxs_own_refusals_say_why_with_the_security_headers(
    stack, method, path, headers, body, code
):
    """They were nginx's bare HTML pages, without the headers every response of the site carries,
    and HTML under /api/, where every error is JSON."""
    from otiose.web import security

    status, got, text = get(stack, path, headers, method=method, body=body)
    assert status == code
    assert {k: got.get(k.lower()) for k in security.HEADERS} == security.HEADERS
    if path.startswith("/api/"):
        assert got["content-type"] == "application/json"
        assert json.loads(text)["error"]
    else:
        assert got["content-type"] == "text/plain"
        assert b"<" not in text and len(text) > 20


BETWEEN_THE_LIMITS = [  # within nginx's limits, past gunicorn's defaults (4,094 / 100 / 8,190)
    ("a 6,000-byte address", "/specimens/?q=" + "a" * 6000, {}),
    ("120 header fields", "/about", {f"X-H{i}": "1" for i in range(120)}),
    ("an 8,100-byte header", "/about", {"X-Big": "x" * 8100}),
]


@pytest.mark.parametrize(
    ("path", "headers"), [r[1:] for r in BETWEEN_THE_LIMITS], ids=[r[0] for r in BETWEEN_THE_LIMITS]
)
def test_a_request_nginx_passes_on_is_never_refused_by_gunicorn(stack, path, headers):
    """gunicorn's own refusals (414, 431 and 400) are bare HTML with none of the site's headers.
    nginx passed on what gunicorn's defaults then refused, and its page reached the client."""
    from otiose.web import security

    status, got, text = get(stack, path, headers)
    assert status == 200, text[:300]
    assert {k: got.get(k.lower()) for k in security.HEADERS} == security.HEADERS


def test_a_cross_site_post_is_refused(stack):
    status, _, _ = get(
        stack,
        f"/play/{SEED}/apply",
        {"Origin": "https://evil.example"},
        method="POST",
        body=f"posting={POSTING}",
    )
    assert status == 403


def test_the_written_nginx_conf_runs_under_debians_nginx_service(stack):
    """README: the nginx.conf make serve writes is the starting point on a server, as Debian's
    nginx.service runs it: that unit passes "daemon on" itself and expects /run/nginx.pid."""
    conf = stack.run / "nginx.conf"
    service = "daemon on; master_process on;"  # the -g of Debian's nginx.service ExecStartPre
    check = subprocess.run(
        [serve.find_nginx(), "-t", "-q", "-p", str(stack.run), "-c", str(conf), "-g", service],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert not re.search(r"^\s*pid\s", conf.read_text(), re.M)  # the service's own pid file


def test_a_request_for_another_host_is_refused(stack):
    try:
        status, _, body = get(stack, f"/specimens/{RECORD}", {"Host": "evil.example"})
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return  # 444 would close the connection; that is a refusal too
    assert status == 400
    assert b"evil.example" not in body


def test_forwarded_headers_from_the_client_change_nothing(stack):
    path = "/specimens/?q=forwarded"  # not yet in the cache: the app renders it for this request
    forged = {
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Prefix": "//evil.example",
        "X-Forwarded-Proto": "javascript",
        "X-Forwarded-Port": "666",
        "Forwarded": "host=evil.example;proto=javascript",
    }
    status, headers, body = get(stack, path, forged)
    assert status == 200
    assert b"evil.example" not in body and b"javascript:" not in body
    assert headers["x-cache-status"] == "MISS"
    status, _, clean = get(stack, path)
    assert clean == body


def test_sixteen_slow_clients_do_not_stop_a_normal_request(stack):
    """16 sockets each trickle a header a byte a second; a normal request is still answered."""
    halt = threading.Event()
    socks = [socket.create_connection((serve.HOST, stack.port), timeout=5) for _ in range(16)]
    request = f"GET /about HTTP/1.1\r\nHost: {serve.HOST}:{stack.port}\r\nX-Slow: ".encode()

    def trickle(sock: socket.socket) -> None:
        for i in range(30):
            if halt.is_set():
                return
            try:
                sock.sendall(request[i : i + 1] if i < len(request) else b"a")
            except OSError:
                return
            halt.wait(1)

    threads = [threading.Thread(target=trickle, args=(s,), daemon=True) for s in socks]
    for t in threads:
        t.start()
    try:
        halt.wait(2)  # every slow client has its connection open and a few bytes sent
        # fresh pages, so the answer has to come from gunicorn, not from nginx's cache
        for n in range(4):
            status, headers, _ = get(stack, f"/specimens/?q=slow{n}", timeout=5)
            assert status == 200
            assert headers["x-cache-status"] == "MISS"
    finally:
        halt.set()
        for t in threads:
            t.join(timeout=5)
        for s in socks:
            s.close()


def test_first_visits_to_one_shared_board_do_not_wait_for_each_other(stack):
    """A shared board seen without a cookie is private, so no cache keeps it. With nginx's
    cache lock on, each of these requests waited for the one before it, polling the lock every
    half second: 16 people opening one shared link took eight seconds. nginx's own log says how
    long each took; none may have waited for several polls."""
    path = "/play/sharedb2"
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def visit() -> None:
        barrier.wait()
        statuses.append(get(stack, path, timeout=20)[0])

    threads = [threading.Thread(target=visit) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert statuses == [200] * 16
    log = stack.run / "nginx-access.log"
    deadline = time.monotonic() + 5
    while log.read_text().count(f"GET {path} ") < 16 and time.monotonic() < deadline:
        time.sleep(0.1)
    # edge format: ... "$request" $status $body_bytes_sent $request_time $upstream_cache_status
    seconds = [float(line.split('" ')[1].split()[2]) for line in log.read_text().splitlines()
               if f"GET {path} " in line]  # fmt: skip
    assert len(seconds) == 16
    # With the lock, the last of them waited for fifteen polls (about 7.5 s). Without it, a
    # busy two-core machine still has them queue for the workers a little: a whole poll (0.5 s)
    # was once reached that way, so the line is drawn at four.
    assert max(seconds) < 2.0, sorted(seconds)


def test_each_request_is_logged_once(stack):
    paths = [f"/specimens/?q=logline{n}" for n in range(5)]
    before = stack.log.read_text().count("logline")
    for p in paths:
        assert get(stack, p)[0] == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = stack.log.read_text()
        if text.count("logline") - before >= len(paths):
            break
        time.sleep(0.1)
    time.sleep(0.5)  # a second line, if any, is written right after the first
    lines = stack.log.read_text().splitlines()
    for p in paths:
        assert sum(p + '"' in line or p + " " in line for line in lines) == 1, p


def test_one_address_past_its_burst_of_posts_or_pictures_gets_429_from_nginx(stack):
    """One address could send hundreds of applications a second (each without a cookie is a new
    run) and have every run picture drawn anew. Past the burst, nginx answers 429 itself."""
    from otiose.web import security

    origin = {"Origin": f"http://{serve.HOST}:{stack.port}", "HX-Request": "true"}
    before = stack.log.read_text().count(f"/play/{SEED}/apply")
    posts = [
        get(stack, f"/play/{SEED}/apply", origin, method="POST", body=f"posting={POSTING}")
        for _ in range(60)
    ]
    statuses = [status for status, _, _ in posts]
    passed = sum(status != 429 for status in statuses)
    assert 40 <= passed < 60, statuses  # the burst, and what the rate refilled meanwhile
    assert statuses[:40] == [200] * 40
    status, headers, text = posts[-1]
    assert status == 429
    assert {k: headers.get(k.lower()) for k in security.HEADERS} == security.HEADERS
    assert text.startswith(b"Too many requests from your address")
    # the refused ones never reached the app
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        seen = stack.log.read_text().count(f"/play/{SEED}/apply") - before
        if seen >= passed:
            break
        time.sleep(0.1)
    time.sleep(0.3)
    assert stack.log.read_text().count(f"/play/{SEED}/apply") - before == passed
    pictures = [get(stack, f"/play/flood{n:03d}/run.png")[0] for n in range(20)]
    assert pictures.count(429) >= 5 and 429 not in pictures[:10], pictures
    assert get(stack, "/about")[0] == 200  # reading is not limited
    # nor are file records' cards, a fixed set that nginx keeps: past the burst of pictures,
    # the same address still gets every one
    cards = [get(stack, f"/specimens/{sid}.png")[0] for sid in [RECORD, "sdet"] * 8]
    assert cards == [200] * 16, cards
    time.sleep(5)  # the burst refills (40 at 10 a second, 10 at 2), for the tests after this


# ---------------------------------------------------------------- a bad deploy


@pytest.fixture
def broken_deploy(tmp_path: Path, run_dir: Path) -> Iterator[tuple[serve.Stack, Path]]:
    """The stack over a copy of the content, with one worker (so the replacement is known)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "specimens", content / "specimens")
    shutil.copytree(ROOT / "eras", content / "eras")
    env = {"OTIOSE_CONTENT": str(content), "OTIOSE_WORKERS": "1"}
    with serve.stack(run=run_dir / "broken", env=env) as s:
        yield s, content


def test_a_replacement_worker_serves_the_content_loaded_before_the_files_broke(broken_deploy):
    s, content = broken_deploy
    page = f"/specimens/{RECORD}"
    status, before = s.direct(page)
    assert status == 200
    (content / "specimens" / f"{RECORD}.yaml").write_text("id: [unclosed\n")
    (old,) = s.workers()
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert s.gunicorn.poll() is None, "the gunicorn master exited:\n" + serve.tail(s.log)
        workers = s.workers()
        with contextlib.suppress(OSError):
            if workers and workers != [old] and s.direct("/healthz")[0] == 200:
                break
        time.sleep(0.2)
    else:
        pytest.fail("no replacement worker answered:\n" + serve.tail(s.log))
    assert s.gunicorn.poll() is None, "the gunicorn master exited:\n" + serve.tail(s.log)
    status, after = s.direct(page)  # straight from the new worker, past nginx's cache
    assert status == 200
    assert after == before
    assert get(s, page, {"Cache-Control": "no-cache"})[0] == 200


def _over(sock: Path, path: str) -> tuple[int, bytes]:
    conn = serve.UnixHTTPConnection(sock)
    try:
        conn.request("GET", path, headers={"Host": "otiose.example"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def _masters(pid: int) -> list[int]:
    """gunicorn masters started by ``pid`` with USR2 (its workers have no children)."""
    return [c for c in serve.children(pid) if serve.children(c)]


def test_usr2_swaps_masters_without_a_gap_and_keeps_the_old_one_on_broken_content(
    tmp_path: Path,
):
    """README, "One box": the way to put new content live without a moment of 502."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "specimens", content / "specimens")
    shutil.copytree(ROOT / "eras", content / "eras")
    record = content / "specimens" / f"{RECORD}.yaml"
    sock = tmp_path / "gunicorn.sock"
    env = {
        **os.environ,
        "SECRET_KEY": "s",
        "OTIOSE_BASE_URL": "http://otiose.example",
        "OTIOSE_CONTENT": str(content),
        "OTIOSE_WORKERS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'otiose.db'}",
    }
    # the gunicorn script, as README's service runs it: USR2 re-executes the master's argv, and
    # "python -m gunicorn" comes back as gunicorn/__main__.py, with gunicorn's own http package
    # shadowing the standard library's
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    cmd = [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        old = subprocess.Popen(
            [*cmd, "--bind", f"unix:{sock}"], env=env, stdout=out, stderr=out,
            start_new_session=True,
        )  # fmt: skip

    def until(what: str, ready) -> None:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if ready():
                    return
            time.sleep(0.2)
        pytest.fail(f"{what}:\n{serve.tail(log)}")

    try:
        until("gunicorn did not answer", lambda: _over(sock, "/healthz")[0] == 200)
        page = f"/specimens/{RECORD}"
        before = _over(sock, page)[1]
        good = record.read_text()

        workers = set(serve.children(old.pid))
        record.write_text("id: [unclosed\n")
        os.kill(old.pid, signal.SIGUSR2)
        until("the new master did not refuse", lambda: "1 problem in content." in log.read_text())
        until(
            "the new master did not exit",
            lambda: not [c for c in serve.children(old.pid) if c not in workers and _live(c)],
        )
        said = log.read_text()
        assert f"specimens/{RECORD}.yaml:" in said and "Traceback" not in said, said
        assert old.poll() is None and _over(sock, page) == (200, before)

        record.write_text(good.replace("\nsummary: ", "\nsummary: Now filed again. ", 1))
        os.kill(old.pid, signal.SIGUSR2)
        until("no new master", lambda: len(_masters(old.pid)) == 1)
        (new,) = _masters(old.pid)
        until("the new master has no worker", lambda: bool(serve.children(new)))
        os.kill(old.pid, signal.SIGTERM)
        assert old.wait(timeout=40) == 0
        status, after = _over(sock, page)  # the same socket, now the new master's
        assert status == 200 and b"Now filed again." in after
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(old.pid, signal.SIGTERM)  # the new master is in the old one's session
        with contextlib.suppress(subprocess.TimeoutExpired):
            old.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{p}").exists() for p in _session(old.pid)):
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)


def _live(pid: int) -> bool:
    """True while ``pid`` runs (not gone, not a zombie)."""
    return Path(f"/proc/{pid}").exists() and _state(pid) != "Z"


def _session(sid: int) -> list[int]:
    """Processes still in session ``sid`` (the masters and workers this test started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == sid and fields[0] != "Z":
                    found.append(int(entry.name))
    return found


def test_with_the_app_down_cached_pages_still_answer_and_others_say_why(run_dir: Path):
    """gunicorn gone: nginx answers what it has cached, and a 502 in the site's words (JSON under
    /api/) with the security headers, not its bare HTML page."""
    from otiose.web import security

    with serve.stack(run=run_dir / "down", env={"OTIOSE_WORKERS": "1"}) as s:
        page = f"/specimens/{RECORD}"
        assert get(s, page)[0] == 200
        s.gunicorn.terminate()
        s.gunicorn.wait(timeout=30)
        status, headers, _ = get(s, page)
        assert (status, headers["x-cache-status"]) == (200, "HIT")
        for path in ("/specimens/?q=never-asked", f"/api/postings/{POSTING}"):
            status, headers, text = get(s, path)
            assert status == 502, path
            assert {k: headers.get(k.lower()) for k in security.HEADERS} == security.HEADERS
            if path.startswith("/api/"):
                assert json.loads(text) == {
                    "error": "The site is not answering just now; try again in a minute."
                }
            else:
                assert text == b"The site is not answering just now; try again in a minute.\n"


# ---------------------------------------------------------------- make serve itself


def test_make_serve_stops_nginx_and_gunicorn_on_sigterm(run_dir: Path):
    port = serve.free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "--run-dir", str(run_dir / "cli")],
        # make serve keeps its numbers where make run does; this one is not the developer's
        env={**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{run_dir / 'cli.db'}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once both answer
        pids = [int(p) for p in re.findall(r"pid (\d+)", line)]
        assert len(pids) == 2, line
        assert get(serve.Stack("", port, run_dir, Path(), proc, proc), "/healthz")[0] == 200
        workers = serve.children(pids[1])
        assert workers
        proc.send_signal(signal.SIGTERM)
        proc.send_signal(signal.SIGTERM)  # an impatient second one must not cut the clean-up short
        assert proc.wait(timeout=30) == 0
        time.sleep(0.5)  # workers exit right after their master
    finally:
        if proc.poll() is None:
            proc.kill()
        left = [p for p in pids if Path(f"/proc/{p}").exists() and _state(p) != "Z"]
        for pid in left:  # what serve.py failed to stop: nginx and gunicorn masters it started
            os.kill(pid, signal.SIGTERM)
    for pid in [*pids, *workers]:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid), f"{pid} still runs"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_make_serve_keeps_its_numbers_where_make_run_does(monkeypatch, tmp_path):
    seen: dict = {}

    def started(**kwargs):
        seen.update(kwargs)
        raise serve.ServeError("not starting anything here")

    monkeypatch.setattr(serve, "stack", started)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert serve.main(["--run-dir", str(tmp_path)]) == 1
    assert seen["env"]["DATABASE_URL"] == default_url()


def test_without_nginx_make_serve_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(serve, "NGINX_CANDIDATES", ("/nonexistent/nginx",))
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    assert serve.main([]) == 1
    err = capsys.readouterr().err
    assert err == "serve: nginx is not installed: apt-get install nginx-light (Debian's nginx)\n"


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999"])
def test_make_serve_refuses_a_port_that_is_not_one_in_one_line(monkeypatch, capsys, value):
    monkeypatch.setenv("PORT", value)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    monkeypatch.setattr(serve, "stack", lambda **kw: pytest.fail(f"started on PORT={value}"))
    assert serve.main([]) == 2
    err = capsys.readouterr().err
    assert err == f"serve: PORT must be a port number from 1 to 65535, not {value!r}\n"


def _serve_cli(run: Path, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "--run-dir", str(run)],
        env={**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{run.parent / 'x.db'}"},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_second_make_serve_in_the_same_run_directory_refuses_at_once(tmp_path):
    run = tmp_path / "serve"
    with serve.claim(run, 8851):  # what a running make serve holds
        (run / "gunicorn.sock").write_text("the first one's")
        done = _serve_cli(run, 8852)
        assert done.returncode == 1
        assert done.stderr == (
            f"serve: make serve is already running in {run} (pid {os.getpid()}, port 8851); "
            "stop it, or use another checkout or --run-dir\n"
        )
        assert (run / "gunicorn.sock").read_text() == "the first one's"  # nothing taken over
    assert not (run / serve.LOCK).exists()  # gone with the stack that held it


def test_a_lock_left_by_a_make_serve_that_no_longer_runs_is_taken_over(tmp_path):
    run = tmp_path / "serve"
    run.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (run / serve.LOCK).write_text(f"{dead.pid} 8851\n")
    with serve.claim(run, 8853):
        assert (run / serve.LOCK).read_text() == f"{os.getpid()} 8853\n"
