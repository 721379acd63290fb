"""Every kind of page the app serves is valid HTML, per the W3C Nu Html Checker (vnu.jar).

Pages are fetched through Flask's test client, written to a temporary folder and checked by one
``java -jar vnu.jar`` run. Without Java the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from otiose.web import state

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SEED = "abcd2345"
CUSTOM = {
    "gender": "female",
    "race": "black",
    "age": "34",
    "education": "bachelor",
    "experience": "junior",
    "union": "false",
    "maritalStatus": "married",
}


def _tools() -> str:
    """The java executable, or skip (locally) / fail (in CI) when the checker cannot run."""
    java = shutil.which("java")
    problem = None
    if java is None:
        problem = "java is not on PATH (apt-get install default-jre-headless)"
    elif not VNU.exists():
        problem = f"{VNU.relative_to(ROOT)} is missing (npm ci installs it)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the Nu Html Checker: {problem}")
        pytest.skip(problem)
    return java  # type: ignore[return-value]


def _pages(app, client) -> dict[str, tuple[str, int]]:
    """Every page kind, as name -> (url, expected status)."""
    library = state.library(app)
    pages: dict[str, tuple[str, int]] = {
        "home": ("/", 200),
        "taxonomy": ("/specimens/", 200),
        "taxonomy-query": ("/specimens/?q=machine", 200),
        "taxonomy-empty-query": ("/specimens/?q=zzzzqqqq", 200),
        "taxonomy-family": ("/specimens/?family=data-and-ai", 200),
        "taxonomy-sorted": ("/specimens/?sort=salary", 200),
        "eras": ("/eras/", 200),
        "custom-builder": ("/play/custom", 200),
        "custom-board": ("/play/custom?" + "&".join(f"{k}={v}" for k, v in CUSTOM.items()), 200),
        "declassified": ("/declassified", 200),
        "about": ("/about", 200),
        "graeber": ("/graeber", 200),
        "audit-desk": ("/audit", 200),
        "audit-verdicts": (
            "/audit?gender=male&maxAge=39&union=false&education=bachelor&date=1966-06-01",
            200,
        ),
        "audit-unsettled-silent": ("/audit?minAge=50&maritalStatus=single&date=1995-01-01", 200),
        "audit-uk": ("/audit?gender=female&minAge=30&jurisdiction=uk&date=2012-01-01", 200),
        "audit-bad-request": ("/audit?minAge=abc&race=martian&date=1066-10-14", 400),
        "law": ("/law", 200),
        "not-found": ("/no/such/page", 404),
        "not-found-specimen": ("/specimens/no-such-specimen", 404),
        "bad-request": ("/specimens/?sort=bogus", 400),
    }
    for sid in library.specimens:
        pages[f"specimen-{sid}"] = (f"/specimens/{sid}", 200)
    for era in library.eras:
        pages[f"era-{era.id}"] = (f"/eras/{era.id}", 200)
    for pid in library.postings:
        pages[f"posting-{pid}"] = (f"/postings/{pid}", 200)
    return pages


def _play(app, client) -> dict[str, str]:
    """Apply as a fixed seed to one posting in each of three eras; return board and reports."""
    library = state.library(app)
    chosen = [library.postings_by_era[e.id][0].id for e in library.eras[:3]]
    for pid in chosen:
        response = client.post(f"/play/{SEED}/apply", data={"posting": pid})
        assert response.status_code == 303, response.status_code
    board = client.get(f"/play/{SEED}")
    assert board.status_code == 200
    again = client.post(f"/play/{SEED}/apply", data={"posting": chosen[0]})  # the page was behind
    assert again.status_code == 409, again.status_code
    text = board.get_data(as_text=True)
    assert text.count('class="verdict ') == 1, "the board should show the verdict applied for"
    later = client.get(f"/play/{SEED}?era={library.eras[2].id}")  # an era of its own address
    assert later.status_code == 200 and later.get_data(as_text=True).count('class="verdict ') == 1
    report = client.get(f"/play/{SEED}/report")
    assert report.status_code == 200
    report_text = report.get_data(as_text=True)
    match = re.search(r'id="share-url"[^>]*value="([^"]+)"', report_text)
    assert match, "the report has a share link"
    share = html.unescape(match.group(1)).split("://", 1)[1].split("/", 1)[1]
    shared = client.get("/" + share)
    assert shared.status_code == 200
    # The "what if" sandbox (every verdict at once) and today's daily board.
    query = "&".join(f"{k}={v}" for k, v in CUSTOM.items())
    custom_board = client.get(f"/play/custom?{query}")
    daily = client.get("/play/daily", follow_redirects=True)
    assert daily.status_code == 200
    day_path = daily.request.path  # /play/daily/<day>
    applied = client.post(f"{day_path}/apply", data={"posting": chosen[0]})
    assert applied.status_code == 303, applied.status_code
    daily_report = client.get(f"{day_path}/report")
    assert daily_report.status_code == 200
    return {
        "board-with-verdicts": text,
        "board-behind-the-run": again.get_data(as_text=True),
        "board-later-era": later.get_data(as_text=True),
        "report": report_text,
        "report-shared": shared.get_data(as_text=True),
        "custom-sandbox": custom_board.get_data(as_text=True),
        "daily-board": daily.get_data(as_text=True),
        "daily-report": daily_report.get_data(as_text=True),
    }


def test_every_page_kind_is_valid_html(app, client, tmp_path: Path) -> None:
    java = _tools()
    documents: dict[str, str] = {}
    for name, (url, status) in _pages(app, client).items():
        response = client.get(url)
        assert response.status_code == status, f"{url}: {response.status_code}, wanted {status}"
        assert response.mimetype == "text/html", url
        documents[name] = response.get_data(as_text=True)
    documents.update(_play(app, client))

    files = []
    for name, text in documents.items():
        assert text.lstrip().lower().startswith("<!doctype html>"), f"{name} is not a full document"
        path = tmp_path / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    _check(java, files)


def test_every_exported_page_is_valid_html(served_export) -> None:
    """The static copy renders the same templates down other branches (no htmx, no game)."""
    java = _tools()
    out, _ = served_export
    files = sorted(str(p) for p in out.rglob("*.html"))
    assert len(files) > 100
    _check(java, files)


def _check(java: str, files: list[str]) -> None:
    """Run the Nu checker over ``files``; fail with every error, file and line."""
    proc = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(proc.stderr or proc.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not answer in JSON (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    if errors:
        lines = []
        for m in errors:
            where = "/".join(Path(m.get("url", "?")).parts[-2:])
            lines.append(
                f"{where}:{m.get('lastLine', '?')}: {m.get('message')}\n"
                f"    …{(m.get('extract') or '').strip()}…"
            )
        pytest.fail(f"{len(errors)} HTML error(s) in {len(files)} pages:\n" + "\n".join(lines))
    assert proc.returncode == 0, proc.stderr[-4000:]
