"""The contributor commands: check, new, schema, docs."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SPECIMEN, minimal, write_specimen

from otiose import cli
from otiose.content import load_library
from otiose.content.docs import fill

ROOT = Path(__file__).resolve().parents[1]


def run(command, args, root: Path | None = None):
    env = {"OTIOSE_CONTENT": str(root)} if root else {}
    return CliRunner().invoke(command, args, env=env)


def test_check_passes_on_the_real_content():
    result = run(cli.check, [])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_check_lists_every_problem_and_exits_1(tmp_path):
    minimal(tmp_path)
    write_specimen(
        tmp_path,
        text=SPECIMEN.format(id="test-role", title="T")
        .replace("percent: 50", "percent: 500")
        .replace("salary:", "salery:"),
    )
    result = run(cli.check, [], tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "specimens/test-role.yaml:11: unknown key 'salery' (did you mean 'salary'?) [OT011]"
        in lines
    )
    assert any(
        line.startswith("specimens/test-role.yaml:19: 'flight_risk.percent'") for line in lines
    )
    # the misspelt key and the range: the missing 'salary' is the misspelling, not a third slip
    assert "2 errors, 0 warnings." in result.output


def test_check_named_files_only(tmp_path):
    minimal(tmp_path)
    bad = write_specimen(
        tmp_path,
        id="bad-one",
        text=SPECIMEN.format(id="bad-one", title="B").replace("percent: 50", "percent: 500"),
    )
    assert run(cli.check, [str(tmp_path / "specimens/test-role.yaml")], tmp_path).exit_code == 0
    assert run(cli.check, [str(bad)], tmp_path).exit_code == 1
    assert run(cli.check, [str(tmp_path / "nope.yaml")], tmp_path).exit_code == 2


def test_check_refuses_a_file_outside_the_content_folder(tmp_path):
    # with OTIOSE_CONTENT pointing at a copy, a path into the checkout was never read, yet
    # the check said "ok: 1 file(s) checked"
    content = minimal(tmp_path / "copy")
    elsewhere = tmp_path / "draft.yaml"
    elsewhere.write_text("id: broken\n", encoding="utf-8")
    result = run(cli.check, [str(elsewhere)], content)
    assert result.exit_code == 2
    assert "not a content file" in result.output and str(content) in result.output
    readme = content / "README.md"
    readme.write_text("hi", encoding="utf-8")
    assert run(cli.check, [str(readme)], content).exit_code == 2
    named = run(cli.check, [str(content / "specimens/test-role.yaml")], content)
    assert named.exit_code == 0, named.output


def test_new_prints_a_path_the_next_command_can_use(tmp_path, monkeypatch):
    content = tmp_path / "copy"
    monkeypatch.chdir(tmp_path / "..")
    result = run(cli.new, ["Head of Vibes", "--family", "people-and-talent"], content)
    assert result.exit_code == 0, result.output
    shown = result.output.split("flask --app app check ")[1].strip()
    assert Path(shown).resolve() == (content / "specimens/head-of-vibes.yaml").resolve()


def test_check_github_annotations(tmp_path):
    minimal(tmp_path)
    write_specimen(
        tmp_path,
        text=SPECIMEN.format(id="test-role", title="T").replace("percent: 50", "percent: 500"),
    )
    result = run(cli.check, ["--format", "github"], tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=specimens/test-role.yaml,line=19,title=OT013::")


def test_new_scaffolds_a_file_that_validates_once_filled_in(tmp_path):
    minimal(tmp_path)
    result = run(cli.new, ["Head of Vibes (EMEA)", "--family", "people-and-talent"], tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "specimens" / "head-of-vibes-emea.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/specimen.schema.json")
    unfilled = run(cli.check, [str(path)], tmp_path)
    assert unfilled.exit_code == 1 and "[OT020]" in unfilled.output
    # the salary note is held to its source and year (OT023), not only to being filled in
    note = text[text.index('  note: "TODO: ') : text.index("\n", text.index("  note: "))]
    filled = text.replace(note, '  note: "Our estimate, 2025, from posted ranges."')
    # the figure's kind is chosen, not filled in with prose
    kind = text[text.index("  kind: TODO") : text.index("\n", text.index("  kind: "))]
    filled = filled.replace(kind, "  kind: estimate")
    while "TODO: " in filled:
        start = filled.index("TODO: ")
        end = filled.index('"', start)
        filled = filled[:start] + "Written by a person, deadpan and specific" + filled[end:]
    path.write_text(filled)
    result = run(cli.check, [str(path)], tmp_path)
    assert result.exit_code == 0, result.output
    assert run(cli.new, ["Head of Vibes (EMEA)"], tmp_path).exit_code == 2  # never overwrites


def test_new_refuses_bad_titles(tmp_path):
    assert run(cli.new, ["!!"], tmp_path).exit_code == 2
    assert run(cli.new, ['Bad "quoted" title'], tmp_path).exit_code == 2
    assert run(cli.new, ["Fine Title", "--family", "nope"], tmp_path).exit_code == 2


def test_schema_files_are_generated_and_in_sync(tmp_path):
    result = run(cli.schema, ["--out", str(tmp_path)])
    assert result.exit_code == 0
    for name in (
        "specimen.schema.json",
        "posting.schema.json",
        "era.schema.json",
        "population.schema.json",
        "law.schema.json",
    ):
        generated = json.loads((tmp_path / name).read_text())
        committed = json.loads((ROOT / "schema" / name).read_text())
        assert generated == committed, f"schema/{name} is stale: run `make schema`"


def test_contributing_reference_is_generated_and_in_sync():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert fill(text) == text, "CONTRIBUTING.md is stale: run `flask --app app docs`"
    for code in ("OT001", "OT011", "OT020"):
        assert f"`{code}`" in text


def test_style_warnings_are_separate_from_errors(tmp_path):
    minimal(tmp_path)
    long = "word " * 40
    write_specimen(
        tmp_path,
        text=SPECIMEN.format(id="test-role", title="Test Role")
        .replace('"A test specimen that exists to be validated."', f'"{long.strip()}"')
        .replace("aliases: [Test Alias]", "aliases: []"),
    )
    write_specimen(tmp_path, id="test-rolle", title="Test Rolle")
    result = run(cli.check, [], tmp_path)
    assert result.exit_code == 0, result.output  # warnings alone do not fail
    lines = result.stdout.splitlines()
    assert (
        "specimens/test-role.yaml:4: warning: summary has 40 words; cards read best under 32 [OT101]"
        in lines
    )
    assert (
        "specimens/test-role.yaml:5: warning: 'aliases' is present but empty; fill it in or remove the key [OT102]"
        in lines
    )
    similar = [x for x in lines if "[OT103]" in x]
    assert similar and "title is" in similar[0] and "similar to test-rol" in similar[0]
    assert run(cli.check, ["--strict"], tmp_path).exit_code == 1
    github = run(cli.check, ["--format", "github"], tmp_path).stdout
    assert "::warning file=specimens/test-role.yaml,line=4,title=OT101::" in github


def test_career_ladders_are_not_near_duplicates(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, id="junior-widget-engineer", title="Junior Widget Engineer")
    write_specimen(tmp_path, id="senior-widget-engineer", title="Senior Widget Engineer")
    result = run(cli.check, [], tmp_path)
    assert "title is" not in result.output


def test_preview_renders_one_file_alone(tmp_path):
    from otiose.web import create_app

    # a specimen whose related ids do not exist here still previews
    text = SPECIMEN.format(id="lonely-role", title="Lonely Role").replace(
        "related: []", "related:\n  - id: nobody-here\n    match: 70"
    )
    path = write_specimen(tmp_path, id="lonely-role", text=text)
    app = create_app({"TESTING": True, "PREVIEW_FILE": str(path)})
    assert app.config["PREVIEW_URL"] == "/specimens/lonely-role"
    page = app.test_client().get("/specimens/lonely-role")
    assert page.status_code == 200 and b"Not loaded in this preview" in page.data


def test_preview_a_posting_with_its_era(tmp_path):
    from helpers import write_era, write_posting

    from otiose.web import create_app

    write_era(tmp_path)
    path = write_posting(tmp_path)
    app = create_app({"TESTING": True, "PREVIEW_FILE": str(path)})
    assert app.config["PREVIEW_URL"] == "/postings/test-posting"
    assert b"Test Role" in app.test_client().get("/postings/test-posting").data


def _a_free_port() -> int:
    """A port nothing listened on a moment ago, from the system (no fixed range to collide in)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_preview_command_serves_the_url_it_prints():
    """`flask --app app preview FILE`, as CONTRIBUTING runs it: the URL it prints answers (it
    used to print the URL and exit, as Flask ignores app.run() inside a `flask` command)."""
    port = _a_free_port()
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask), "--app", "app", "preview", "specimens/scrum-master.yaml"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "OTIOSE_CONTENT"},
    )
    try:
        first = server.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r" at (http://\S+)", first)
        assert url, first
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, first + server.stdout.read()  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(url.group(1), timeout=5) as answer:
                    assert answer.status == 200 and b"Scrum Master" in answer.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the preview never answered"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_preview_reports_errors(tmp_path):
    path = write_specimen(tmp_path, text="title: [broken\n")
    result = run(cli.preview, [str(path)])
    assert result.exit_code == 1 and "YAML syntax error" in result.output


def test_export_command_runs_in_production_mode_from_a_clean_environment(tmp_path):
    """`make export` needs no OTIOSE_BASE_URL: --base-url is where the files will live, which
    may be a folder of a host (a GitHub Pages project site)."""
    out = tmp_path / "site"
    env = {"OTIOSE_BASE_URL": None, "SECRET_KEY": None, "FLASK_DEBUG": None, "OTIOSE_CONTENT": None}
    result = CliRunner().invoke(
        cli.export, [str(out), "--base-url", "https://you.github.io/otiose/"], env=env
    )
    assert result.exit_code == 0, result.output
    page = (out / "specimens" / "sdet.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://you.github.io/otiose/specimens/sdet.html">' in page


@pytest.mark.parametrize(
    "args, says",
    [
        ([], "Say where the site will be served from"),
        (["--base-url", "wiki.example"], "must look like https://host"),
        (["--base-url", "https://wiki.example/?x=1"], "must look like https://host"),
    ],
)
def test_export_refuses_to_guess_where_the_site_lives(tmp_path, args, says):
    """Without a base URL the canonical links would name some other site (it used to be
    http://localhost): the command stops and says what to pass, and writes nothing."""
    out = tmp_path / "site"
    result = CliRunner().invoke(cli.export, [str(out), *args], env={"OTIOSE_BASE_URL": None})
    assert result.exit_code == 2 and says in result.output, result.output
    assert not out.exists()


def test_export_takes_the_base_url_from_the_environment(tmp_path):
    out = tmp_path / "site"
    env = {"OTIOSE_BASE_URL": "https://wiki.example", "SECRET_KEY": None, "FLASK_DEBUG": None}
    result = CliRunner().invoke(cli.export, [str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert 'href="https://wiki.example/about.html"' in (out / "about.html").read_text("utf-8")


def test_the_worked_example_can_be_followed_as_written(tmp_path):
    """CONTRIBUTING's walkthrough: scaffold the example role, then its finished file passes."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    worked = guide[guide.index("## Worked example") :]
    finished = re.search(r"This is the finished file.*?```yaml\n(.*?)```", worked, re.S)
    assert finished, "the worked example has no finished file"
    spec_id = re.search(r"^id: (\S+)$", finished.group(1), re.M).group(1)
    title = re.search(r"^title: (.+)$", finished.group(1), re.M).group(1)
    copy = tmp_path / "try"
    for folder in ("specimens", "eras"):
        shutil.copytree(ROOT / folder, copy / folder)
    if (ROOT / "specimens" / f"{spec_id}.yaml").exists():  # the guide must say to set it aside
        assert f"rm /tmp/otiose-try/specimens/{spec_id}.yaml" in worked
        (copy / "specimens" / f"{spec_id}.yaml").unlink()
    family = re.search(r"^family: (\S+)$", finished.group(1), re.M).group(1)
    scaffolded = run(cli.new, [title, "--family", family], copy)
    assert scaffolded.exit_code == 0, scaffolded.output
    path = copy / "specimens" / f"{spec_id}.yaml"
    path.write_text(finished.group(1), encoding="utf-8")
    result = run(cli.check, [str(path)], copy)
    assert result.exit_code == 0 and result.output.startswith("ok: 1 file(s)"), result.output
    # "For example, `happi` or `belonging` finds the new specimen": it does
    example = re.search(r"For\s+example,\s+`(\w+)`\s+or\s+`(\w+)`\s+finds the new specimen", worked)
    assert example, "the guide no longer gives search examples"
    library = load_library(copy)
    for query in example.groups():
        assert spec_id in [s.id for s in library.search(query).items], query


def _console_outputs(guide: str) -> list[tuple[str, list[str]]]:
    """Each `$ ... check <path>` shown in a console block, with the lines it is said to print."""
    shown = []
    for block in re.findall(r"```console\n(.*?)```", guide, re.S):
        for command, output in re.findall(r"^\$ (.*)\n((?:[^$].*\n)*)", block, re.M):
            shown.append((command, output.splitlines()))
    return shown


def test_the_worked_examples_console_output_is_what_check_prints(tmp_path):
    """The worked example shows what `check` prints for the scaffold and for each mistake; every
    line it shows (line numbers, messages, the count) is what the checker prints today."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    worked = guide[guide.index("## Worked example") : guide.index("## Adding a posting")]
    finished = re.search(r"This is the finished file.*?```yaml\n(.*?)```", worked, re.S).group(1)
    copy = tmp_path / "try"
    for folder in ("specimens", "eras"):
        shutil.copytree(ROOT / folder, copy / folder)
    path = copy / "specimens" / "chief-happiness-officer.yaml"
    path.unlink()
    scaffolded = run(cli.new, ["Chief Happiness Officer", "--family", "people-and-talent"], copy)
    assert scaffolded.exit_code == 0, scaffolded.output
    # the states of the file the guide walks through, in order: the bare scaffold, then the three
    # mistakes of step 4 together, then the two that only later stages find, then none
    mistakes = [
        {
            "family: people-and-talent": "family: people-and-culture",
            "percent: 74": 'percent: "74"',
            "\nencounter_guide:": "\nencounter_guid:",
        },
        {'end: "09:30"': 'end: "08:30"'},
        {"id: hr-business-partner": "id: hr-business-partnr"},
        {},
    ]
    states = [path.read_text(encoding="utf-8")]
    for changes in mistakes:
        text = finished
        for old, new in changes.items():
            assert old in text, old
            text = text.replace(old, new, 1)
        states.append(text)
    checks = [(c, out) for c, out in _console_outputs(worked) if " check " in c]
    assert len(checks) == len(states), [c for c, _ in checks]
    for (command, shown), text in zip(checks, states, strict=True):
        path.write_text(text, encoding="utf-8")
        printed = run(cli.check, [str(path)], copy).output.splitlines()
        if "…" in shown:  # a long list, cut: its head and its tail must be as printed
            cut = shown.index("…")
            head, tail = shown[:cut], shown[cut + 1 :]
            assert printed[:cut] == head and printed[-len(tail) :] == tail, (command, printed)
        else:
            assert printed == shown, (command, printed)
