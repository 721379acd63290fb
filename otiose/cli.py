"""Contributor commands: ``flask --app app check | new | preview | schema | docs | export``.

They are registered as Flask CLI plugins, so they work without building the app (and so
``check`` can report content that would stop the app from starting).
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import click
from werkzeug.serving import run_simple

from .audit import law
from .content import ContentError, Problem, load_library, vocab
from .content.docs import fill
from .content.lint import warnings
from .content.load import TODAY_POPULATION, display_path
from .content.schema import (
    era_schema,
    model_schema,
    population_schema,
    posting_schema,
    specimen_schema,
)
from .words import plural

ROOT = Path(__file__).resolve().parents[1]


def content_root() -> Path:
    """The content folder: ``OTIOSE_CONTENT`` or the project root."""
    return Path(os.environ.get("OTIOSE_CONTENT", str(ROOT)))


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    help="github prints GitHub Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Treat style warnings as errors.")
def check(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Validate every specimen and posting (or only PATHS); exit 1 on any error.

    Style warnings (OT1xx) are printed after the errors; they fail the check only with --strict.
    """
    root = content_root()
    for path in paths:
        if not path.exists():
            raise click.UsageError(f"{path}: no such file")
        if not _is_content_file(path, root):
            raise click.UsageError(
                f"{path}: not a content file in {root} (its specimens/ or eras/); the "
                "checker reads only the content folder, which OTIOSE_CONTENT names"
            )
    errors: list[Problem] = []
    found: list[Problem] = []
    library = None
    law_named = [p for p in paths if p.resolve() == law.LAW_FILE.resolve()]
    try:
        library = load_library(root, only=[p for p in paths if p not in law_named] or None)
    except ContentError as exc:
        errors = exc.problems
    if not paths or law_named:  # the audit desk's law timeline (otiose/data/law.yaml)
        try:
            law.load()
        except ContentError as exc:
            errors = [*errors, *exc.problems]
    if library is not None:
        named = [display_path(p, root) for p in paths] if paths else None
        found = warnings(library, named)
    for problem in [*errors, *found]:
        _print(problem, fmt)
    if errors or found:
        click.echo(
            plural(len(errors), "error") + ", " + plural(len(found), "warning") + ".", err=True
        )
    if errors or (strict and found):
        sys.exit(1)
    if library is not None and not found:
        scope = (
            f"{len(paths)} file(s)"
            if paths
            else f"{len(library.specimens)} specimens, {len(library.eras)} eras, "
            f"{len(library.postings)} postings"
        )
        click.echo(f"ok: {scope} checked, no problems.")


def _is_content_file(path: Path, root: Path) -> bool:
    """Whether ``path`` lies where the loader reads content (a link is judged by where it
    sits, not where it leads: the loader reports a link that leads out)."""
    where = path.absolute().parent.resolve() / path.name
    inside = (root / "specimens", root / "eras")
    others = (law.LAW_FILE, TODAY_POPULATION)
    return any(where.is_relative_to(f.resolve()) for f in inside) or any(
        where == f.resolve() for f in others
    )


def _print(problem: Problem, fmt: str) -> None:
    if fmt == "github":
        click.echo(
            f"::{problem.severity} file={problem.path},line={problem.line},"
            f"title={problem.code}::{problem.message}"
        )
    else:
        label = "" if problem.severity == "error" else "warning: "
        click.echo(f"{problem.path}:{problem.line}: {label}{problem.message} [{problem.code}]")


def slugify(title: str) -> str:
    """``"Head of Vibes (EMEA)"`` -> ``head-of-vibes-emea``."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")


SCAFFOLD = """\
# yaml-language-server: $schema=../schema/specimen.schema.json
# A new specimen. Replace every TODO with your own prose; `flask --app app check {path}`
# lists what is still missing. CONTRIBUTING.md has the field reference and the style guide.
id: {id}
title: {title}
family: {family}   # one of: {families}
graeber: duct-taper   # optional: flunky | goon | duct-taper | box-ticker | taskmaster
summary: "TODO: one deadpan sentence, 12-28 words, shown on cards."
aliases: ["TODO: an alias"]
org_chart:
  - "TODO: the title above this role"
  - {title}
habitat:
  - "TODO: where this role is found in the wild"
salary:
  market_average: 100000
  currency: USD
  region: United States
  kind: TODO   # statistic (a published figure: a survey, table or pay scale) | estimate (ours)
  note: "TODO: a statistic's source and year, or our estimate's year and how; what it hides."
  verdict: "TODO: the one-line verdict on the pay."
flight_risk:
  percent: 50
  diagnosis: "TODO: why they leave, or are removed."
bullshit_metrics:
  - name: "TODO: a metric"
    description: "TODO: what it measures and what it does not."
signature_weaponry:
  - name: "TODO: a tool or artifact"
    description: "TODO: how it is wielded."
encounter_guide: "TODO: survival advice for meeting one."
jd_autopsy:
  - illusion: "TODO: a sentence from the job ad, in corporate dialect."
    source: "[SOURCE REDACTED]"
    translation: "TODO: what it actually means."
day_in_the_life:
  - start: "09:00"
    end: "10:00"
    title: "TODO: a ritual"
    description: "TODO: what happens."
burn_ward:
  - quote: "TODO: an invented complaint, attributed to a platform, never a person."
    source: r/antiwork
related: []
"""


@click.command("new")
@click.argument("title")
@click.option("--family", default="TODO", help="Family id (see otiose/data/families.yaml).")
def new(title: str, family: str) -> None:
    """Scaffold specimens/<id>.yaml for TITLE from the template."""
    spec_id = slugify(title)
    if len(spec_id) < 2:
        raise click.UsageError("the title needs at least two letters or digits")
    if '"' in title or "\n" in title or ":" in title or "#" in title:
        raise click.UsageError("keep the title to letters, digits, spaces and simple punctuation")
    path = content_root() / "specimens" / f"{spec_id}.yaml"
    if path.exists():
        raise click.UsageError(f"{path} already exists; edit it instead")
    ids = [f.id for f in vocab.families()]
    if family != "TODO" and family not in ids:
        raise click.UsageError(f"unknown family '{family}'; use one of {', '.join(ids)}")
    rel = f"specimens/{spec_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        SCAFFOLD.format(id=spec_id, title=title, family=family, families=" | ".join(ids), path=rel),
        encoding="utf-8",
    )
    shown = os.path.relpath(path)  # as typed from here, wherever OTIOSE_CONTENT points
    shown = str(path) if shown.startswith("..") else shown
    click.echo(f"wrote {shown}; fill in every TODO, then run: flask --app app check {shown}")


@click.command("schema")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Folder to write to.")
def schema(out: Path | None) -> None:
    """Write the JSON Schemas for specimens, postings, eras, populations and the law file."""
    folder = out or (ROOT / "schema")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in schemas().items():
        (folder / name).write_text(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        click.echo(f"wrote {folder / name}")


@click.command("docs")
def docs() -> None:
    """Regenerate the field reference and rules table inside CONTRIBUTING.md."""
    path = ROOT / "CONTRIBUTING.md"
    before = path.read_text(encoding="utf-8")
    after = fill(before)
    path.write_text(after, encoding="utf-8")
    click.echo("CONTRIBUTING.md " + ("updated" if after != before else "already up to date"))


@click.command("export")
@click.argument("out", type=click.Path(path_type=Path), default=Path("build/site"))
@click.option(
    "--base-url",
    envvar="OTIOSE_BASE_URL",
    help="Where the files will be served from: https://host or https://host/folder "
    "(default: $OTIOSE_BASE_URL).",
)
def export(out: Path, base_url: str | None) -> None:
    """Write the wiki (home, taxonomy, file records, eras, postings) as static files to OUT."""
    from .web import create_app
    from .web.export import export as write_site
    from .web.export import split_base_url

    if not base_url:
        raise click.UsageError(
            "Say where the site will be served from: --base-url https://otiose.example "
            "(make export BASE_URL=https://otiose.example), or https://you.github.io/otiose "
            "for a folder of a host, or set OTIOSE_BASE_URL. "
            "Links between pages work anywhere, but canonical links, og: tags and the URLs "
            "in the JSON must be absolute."
        )
    try:
        origin, _ = split_base_url(base_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from None
    config: dict[str, object] = {"SECRET_KEY": "static-export", "CONTENT_ROOT": str(content_root())}
    config["LIVE_NUMBERS"] = False  # a static site has no database behind it
    app = create_app({**config, "BASE_URL": origin})  # links point where the files will live
    missing = write_site(app, out, base_url)
    for line in missing:
        click.echo(f"not exported: {line}", err=True)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    click.echo(f"wrote {files} files to {out} for {base_url.rstrip('/')}/")
    if missing:
        sys.exit(1)


@click.command("preview")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--port", default=5001, show_default=True)
def preview(path: Path, port: int) -> None:
    """Serve one specimen or posting on its own and print its local URL."""
    from .web import create_app

    try:
        app = create_app({"TESTING": True, "PREVIEW_FILE": str(path)})
    except ContentError as exc:
        for problem in exc.problems:
            _print(problem, "text")
        sys.exit(1)
    click.echo(f"Previewing {path} at http://127.0.0.1:{port}{app.config['PREVIEW_URL']}")
    click.echo("Press Ctrl+C to stop. Run `flask --app app check` before opening a pull request.")
    # Not app.run(): inside a `flask` command Flask ignores it, and the command exited at once.
    run_simple("127.0.0.1", port, app, use_reloader=False, use_debugger=False)


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every content format."""
    return {
        "specimen.schema.json": specimen_schema(),
        "posting.schema.json": posting_schema(),
        "era.schema.json": era_schema(),
        "population.schema.json": population_schema(),
        "law.schema.json": model_schema(law.Timeline, "law"),
    }
