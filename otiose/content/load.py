"""Load and validate every content file, collecting every problem before giving up.

Content is read once, at start-up. ``load_library`` returns a ``Library`` or raises
``ContentError`` listing every problem in every file as ``path:line: message``.
"""

from __future__ import annotations

import calendar
import difflib
import gc
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from pydantic import BaseModel, ValidationError

from . import vocab
from .errors import ContentError, Problem
from .library import Library, era_of_year
from .models import (
    PLACEHOLDER,
    Era,
    Filters,
    PopulationFile,
    Posting,
    Salary,
    Specimen,
    share_text,
)
from .validate import dotted, problems_from
from .yamlsafe import Loc, Located, lines_with_ends, parse, read_text

M = TypeVar("M", bound=BaseModel)

# CommonMark without raw HTML; markdown-it refuses javascript: and data: links by default.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML escaped, never passed through."""
    html: str = _markdown.render(text)
    return html


def _todos(located: Located, display: str) -> list[Problem]:
    """Every string value still holding the scaffold's ``TODO:`` marker."""
    found: list[Problem] = []

    def walk(value: Any, loc: tuple[str | int, ...]) -> None:
        if isinstance(value, str) and "TODO:" in value:
            msg = f"'{dotted(loc)}' still holds scaffold text; replace the TODO with your own"
            found.append(Problem(display, located.line(loc), msg, "OT020"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*loc, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*loc, i))

    walk(located.data, ())
    return found


def _validate(model: type[M], located: Located, display: str, text: str = "TODO:") -> M:
    if not isinstance(located.data, dict):
        data = located.data
        what = "a list" if isinstance(data, list) else "nothing" if data is None else "a value"
        raise ContentError(
            [Problem(display, 1, f"expected a mapping of keys, got {what}", "OT007")]
        )
    todos = _todos(located, display) if "TODO:" in text else []
    try:
        result = model.model_validate(located.data)
    except ValidationError as exc:
        raise ContentError(todos + problems_from(exc, model, located, display)) from None
    if todos:
        raise ContentError(todos)
    return result


# ---------------------------------------------------------------- specimens

# A salary note says when its figure is from, and whose it is. A published figure (kind:
# statistic) names the kind of source it was taken from (a survey, a table, a report, a
# statement, a pay scale) and never calls itself ours; our estimate says it is ours.
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SOURCE_WORD = re.compile(
    r"(?i)\b(?:survey|statistic\w*|table|report\w*|data|census|index|guide|bureau|office|"
    r"ministry|agency|according|statement|published|scale|spine|agreement|framework|bls|oews)\b"
)
_OURS = re.compile(r"(?i)\b(?:our|ours|we)\b")
_CALLED_OURS = re.compile(
    r"(?i)\bour (?:\w+ )?(?:estimate|figure)\b|\bwe estimate\b|\(ours\)|not a survey figure"
)


def _unsourced(salary: Salary) -> list[tuple[str, str]]:
    """What a salary note leaves out of its figure's provenance, held to the figure's kind, as
    (key, message) pairs; the key is the one whose line the problem is reported at."""
    note, statistic = salary.note, salary.kind == "statistic"
    missing = [] if _YEAR.search(note) else ["the year the figure is for"]
    if statistic and not _SOURCE_WORD.search(note):
        missing.append("which survey, table, report or statement it is taken from")
    if not statistic and not _OURS.search(note):
        missing.append("that the figure is ours ('our estimate') and how it was reached")
    found = []
    if missing:
        standard = (
            "a published figure (kind: statistic) carries its source and its year"
            if statistic
            else "our estimate (kind: estimate) says so, with its year and how it was made"
        )
        found.append(("note", f"salary.note does not say {' or '.join(missing)}; {standard}"))
    if statistic and (ours := _CALLED_OURS.search(note)):
        msg = (
            f"salary.kind is 'statistic', but the note calls the figure ours ('{ours.group(0)}'); "
            "set kind: estimate, or quote the published figure and name its source"
        )
        found.append(("kind", msg))
    return found


def load_specimen(path: Path, display: str) -> Specimen:
    """Read, parse and validate one specimen file (not its cross-references)."""
    text = read_text(path, display)
    located = parse(text, display)
    specimen = _validate(Specimen, located, display, text)
    problems: list[Problem] = []
    if specimen.id != path.stem:
        problems.append(
            Problem(
                display,
                located.line(("id",)),
                f"id '{specimen.id}' must equal the file name '{path.stem}'",
                "OT014",
            )
        )
    for key, msg in _unsourced(specimen.salary):
        problems.append(Problem(display, located.line(("salary", key)), msg, "OT023"))
    for i, slot in enumerate(specimen.day_in_the_life):
        if slot.end <= slot.start:
            line = located.line(("day_in_the_life", i, "end"))
            msg = f"day_in_the_life[{i}].end ({slot.end}) must be after its start ({slot.start})"
            problems.append(Problem(display, line, msg, "OT013"))
    for i in range(1, len(specimen.day_in_the_life)):
        slot, before = specimen.day_in_the_life[i], specimen.day_in_the_life[i - 1]
        if slot.start < before.end:
            line = located.line(("day_in_the_life", i, "start"))
            msg = (
                f"day_in_the_life[{i}] starts at {slot.start}, before day_in_the_life[{i - 1}] "
                f"ends ({before.end}); list the day in order, without overlaps"
            )
            problems.append(Problem(display, line, msg, "OT013"))
    titles = [t.casefold() for t in specimen.org_chart]
    if titles and specimen.title.casefold() not in titles:
        msg = (
            f"org_chart does not list the role itself; add its title, '{specimen.title}', "
            "where it sits (the page marks that line 'this specimen')"
        )
        problems.append(Problem(display, located.line(("org_chart",)), msg, "OT013"))
    first: dict[str, int] = {}
    for i, rel in enumerate(specimen.related):
        if rel.id == specimen.id:
            line = located.line(("related", i, "id"))
            problems.append(Problem(display, line, "a specimen cannot relate to itself", "OT016"))
        if i and rel.match > (prev := specimen.related[i - 1].match):
            msg = (
                f"related[{i}].match ({rel.match}) is higher than related[{i - 1}].match "
                f"({prev}); list related specimens highest match first"
            )
            problems.append(Problem(display, located.line(("related", i, "match")), msg, "OT013"))
        if (j := first.setdefault(rel.id, i)) != i:
            msg = f"related[{i}] repeats '{rel.id}' (also related[{j}])"
            problems.append(Problem(display, located.line(("related", i, "id")), msg, "OT013"))
    if problems:
        raise ContentError(problems)
    specimen._source = display
    specimen._lines = located
    return specimen


# ---------------------------------------------------------------- eras and postings


def load_era(path: Path, display: str) -> Era:
    """Read, parse and validate one ``era.yaml``."""
    text = read_text(path, display)
    located = parse(text, display)
    era = _validate(Era, located, display, text)
    problems: list[Problem] = []
    if era.years.start > era.years.end:
        line = located.line(("years", "start"))
        problems.append(Problem(display, line, "years.start is after years.end", "OT013"))
    offers: list[tuple[str, tuple[str | int, ...], str]] = [
        ("hired", ("hired",) if isinstance(era.hired, str) else ("hired", i), letter)
        for i, letter in enumerate(era.offers)
    ]
    letters = offers + [(k, ("rejections", k), v) for k, v in era.rejections.model_dump().items()]
    for key, loc, letter in letters:
        for name in PLACEHOLDER.findall(letter):
            if name not in vocab.PLACEHOLDERS:
                allowed = ", ".join("{" + p + "}" for p in vocab.PLACEHOLDERS)
                msg = f"unknown placeholder '{{{name}}}' in {key}; use {allowed}"
                problems.append(Problem(display, located.line(loc), msg, "OT018"))
    if problems:
        raise ContentError(problems)
    era._id = path.parent.name
    era._source = display
    era._history_html = render_markdown(era.history)
    return era


def split_front_matter(text: str, display: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from the Markdown body; return (yaml, body, body's first line)."""
    lines = lines_with_ends(text)
    if not text.strip():
        msg = "the file is empty; a posting is a line '---', its YAML front matter, a line '---'"
        raise ContentError([Problem(display, 1, msg + ", then the ad in Markdown", "OT007")])
    if lines[0].rstrip("\r\n") != "---":
        msg = "a posting must start with '---' on line 1, then its YAML front matter"
        raise ContentError([Problem(display, 1, msg, "OT003")])
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    body = _first_body_line(lines)
    if body is None:
        msg = "the front matter opened here is never closed, and no body follows it: add a line "
        msg += "'---' after the last key, then write the ad below it"
        raise ContentError([Problem(display, 1, msg, "OT003")])
    msg = "the front matter is never closed, and this line reads as the ad's first line: add "
    msg += "a line '---' above this one"
    raise ContentError([Problem(display, body + 1, msg, "OT003")])


# A front-matter line: a key, a list item or a line carried on from one (indented), a comment.
_FRONT_LINE = re.compile(r"(?:[A-Za-z_][\w-]*\s*:|[ \t]|-(?:\s|$)|#)")


def _first_body_line(lines: list[str]) -> int | None:
    """Where the Markdown begins in a posting whose closing '---' is missing: the first line,
    after one blank line, that cannot be front matter (its index), or None."""
    for i in range(2, len(lines)):
        text = lines[i].rstrip("\r\n")
        if text.strip() and not _FRONT_LINE.match(text) and not lines[i - 1].strip():
            return i
    return None


def load_posting(path: Path, display: str) -> Posting:
    """Read, parse and validate one posting (front matter + Markdown body)."""
    front, body, body_line = split_front_matter(read_text(path, display), display)
    located = parse(front, display, line_offset=1, what="front matter")
    posting = _validate(Posting, located, display, front)
    problems: list[Problem] = []
    if posting.id != path.stem:
        line = located.line(("id",))
        msg = f"id '{posting.id}' must equal the file name '{path.stem}'"
        problems.append(Problem(display, line, msg, "OT014"))
    if posting.era != path.parent.name:
        line = located.line(("era",))
        folder = path.parent.name
        msg = (
            f"era '{posting.era}' must equal the folder name '{folder}'; "
            f"move the file to eras/{posting.era}/, or set era: {folder}"
        )
        problems.append(Problem(display, line, msg, "OT014"))
    f = posting.filters
    if f.minAge > f.maxAge:
        line = located.line(("filters", "minAge"))
        msg = f"filters.minAge ({f.minAge}) is greater than filters.maxAge ({f.maxAge})"
        problems.append(Problem(display, line, msg, "OT017"))
    for key, number in posting.tells.items():
        if not 1 <= number <= len(posting.requirements):
            msg = (
                f"tells.{key} is {number}, but there are {len(posting.requirements)} "
                "requirement lines (number them from 1)"
            )
        elif getattr(f, key) == Filters.model_fields[key].default:
            msg = f"tells.{key} points at a filter this posting does not apply"
        else:
            continue
        problems.append(Problem(display, located.line(("tells", key)), msg, "OT013"))
    if posting.posted is None:
        line = located.line(("postedDate",))
        msg = f"postedDate '{posting.postedDate}' {_date_advice(posting.postedDate)}"
        problems.append(Problem(display, line, msg, "OT013"))
    problems.extend(_body_problems(body, body_line, display))
    if problems:
        raise ContentError(problems)
    posting._source = display
    posting._body_html = render_markdown(body.strip())
    posting._lines = located
    return posting


# Other ways people write a date, each read so the checker can give it back in the house form.
_OTHER_DATES = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %b %Y",
    "%b. %d, %Y",
)
_MONTH_DAY_YEAR = re.compile(r"([A-Z][a-z]+) ([0-9]{1,2}), ([0-9]{4})")


def _date_advice(text: str) -> str:
    """What is wrong with a postedDate that does not read as 'January 15, 2020', and what to
    write instead when the intended date is plain."""
    written = " ".join(text.split())
    if (m := _MONTH_DAY_YEAR.fullmatch(written)) and m.group(1) in calendar.month_name[1:]:
        month, year = list(calendar.month_name).index(m.group(1)), int(m.group(3))
        if not 1700 <= year <= 2200:
            return f"has the year {year}, which is no era's"
        days = calendar.monthrange(year, month)[1]
        return f"is not a date: {m.group(1)} {year} has {days} days"
    for form in _OTHER_DATES:
        try:
            day: date = datetime.strptime(written, form).date()
        except ValueError:
            continue
        return f"must look like 'January 15, 2020': write it as '{day:%B} {day.day}, {day.year}'"
    return "must look like 'January 15, 2020' (the month in full, the day, a comma, the year)"


def _body_problems(body: str, first_line: int, display: str) -> list[Problem]:
    """A posting's Markdown body must be there, and free of the scaffold's ``TODO:``."""
    if not body.strip():
        msg = "the posting has no body; write the ad itself in Markdown below this closing '---'"
        return [Problem(display, first_line - 1, msg, "OT010")]
    for i, line in enumerate(lines_with_ends(body)):
        if "TODO:" in line:
            msg = "the body still holds scaffold text; replace the TODO with your own"
            return [Problem(display, first_line + i, msg, "OT020")]
    return []


# ---------------------------------------------------------------- populations

POPULATION = "population.yaml"
TODAY_POPULATION = vocab.DATA / POPULATION

# The per-band tables and the vocabulary each row must cover (the filters' own values).
_BANDED = {
    "education": vocab.EDUCATION,
    "experience": vocab.EXPERIENCE,
    "union": ("member",),
    "maritalStatus": vocab.MARITAL,
}


def load_population(path: Path, display: str) -> PopulationFile:
    """Read and validate a population file: every table sums to one, age bands contiguous
    from 18 to 70, each per-band table on the same bands, estimates explained."""
    text = read_text(path, display)
    located = parse(text, display)
    population = _validate(PopulationFile, located, display, text)
    problems: list[Problem] = []

    def problem(loc: Loc, msg: str, code: str = "OT013") -> None:
        problems.append(Problem(display, located.line(loc), msg, code))

    def sums_to_one(loc: Loc, shares: Iterable[Fraction]) -> None:
        total = sum(shares, Fraction(0))
        if total != 1:
            where = dotted(loc)
            problem(loc, f"{where} adds up to {share_text(total)}, not 100%", "OT021")

    for key in ("gender", "race"):
        sums_to_one((key, "shares"), dict(getattr(population, key).shares).values())
    bands = [b.ages for b in population.age.bands]
    sums_to_one(("age", "bands"), (b.share for b in population.age.bands))
    if bands[0][0] != vocab.MIN_AGE:
        msg = f"the first age band starts at {bands[0][0]}; it must start at {vocab.MIN_AGE}"
        problem(("age", "bands", 0, "ages"), msg, "OT021")
    if bands[-1][1] != vocab.MAX_AGE:
        msg = f"the last age band ends at {bands[-1][1]}; it must end at {vocab.MAX_AGE}"
        problem(("age", "bands", len(bands) - 1, "ages"), msg, "OT021")
    for i in range(1, len(bands)):
        if bands[i][0] != bands[i - 1][1] + 1:
            msg = (
                f"age band {_band(bands[i])} does not follow {_band(bands[i - 1])}; "
                f"bands must be contiguous (the next should start at {bands[i - 1][1] + 1})"
            )
            problem(("age", "bands", i, "ages"), msg, "OT021")
    listed = ", ".join(_band(b) for b in bands)
    for key, values in _BANDED.items():
        rows = getattr(population, key).by_band
        if [r.ages for r in rows] != bands:
            msg = f"{key}.by_band must give one row per age band, in order: {listed}"
            mismatch = next(
                (i for i, r in enumerate(rows) if i >= len(bands) or r.ages != bands[i]),
                len(rows),
            )
            loc: Loc = (
                (key, "by_band", mismatch, "ages") if mismatch < len(rows) else (key, "by_band")
            )
            problem(loc, msg, "OT021")
        if key == "union":
            continue
        for i, row in enumerate(rows):
            sums_to_one((key, "by_band", i), (getattr(row, v) for v in values))
    for key in PopulationFile.model_fields:
        table = getattr(population, key)
        if getattr(table, "kind", "statistic") != "statistic" and table.note is None:
            msg = f"{key} is marked '{table.kind}': add a note saying how it was worked out"
            problem((key, "kind"), msg, "OT021")
    if problems:
        raise ContentError(problems)
    population._source = display
    return population


def _band(ages: tuple[int, int]) -> str:
    return f"{ages[0]}-{ages[1]}"


# ---------------------------------------------------------------- the whole library


def load_library(root: Path, only: Iterable[Path] | None = None) -> Library:
    """Load all content under ``root``; raise ContentError with every problem found.

    With ``only``, every file is still loaded (cross-references need them) but only problems
    in the named files are reported. A symbolic link that leads out of ``root`` is never
    followed: it is a problem (OT019), named by the link's own path.
    """
    with _collector_paused():
        return _load_library(root.resolve(), only)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (if it was on) while content loads.

    Loading creates many objects that live on and almost no reference cycles, so each full
    collection walks everything loaded so far and frees nothing: at 10,000 specimens, 18 of
    them took about a third of the load time. Once the load has added as many objects as the
    collector lets by between full passes (a quarter of those there were, and at least the
    product of its thresholds), one full pass is due anyway: it is done here, once, rather
    than left to whatever runs next. Reference counting frees as usual meanwhile.

    The pass runs before the collector is switched back on: switched on first, it would start
    a young-generation pass at the next allocation, and that pass walks every object the load
    made (all of them young) only for the full pass to walk them again.

    Objects are counted (a list of every one of them) only after a load big enough for a pass
    to be due at all: counting before every load cost a small one more than the load itself
    in a process holding half a million objects (87 ms, against 14 ms for a small load).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            young, (t0, t1, t2) = gc.get_count()[0], gc.get_threshold()
            if young > t0 * t1 * t2 and young > (len(gc.get_objects()) - young) // 4:
                gc.collect()
            gc.enable()


def no_specimens(root: Path) -> str | None:
    """Why ``root`` is no content folder for want of specimens, or None when it has one.

    A folder with no specimen would serve an empty site that says it is healthy: a content
    folder pointed at by mistake, or a copy whose files were never put in.
    """
    folder = root / "specimens"
    if not folder.is_dir():
        return f"{str(root)!r} has no specimens/ folder"
    if not any(p.suffix == ".yaml" for p in folder.iterdir()):
        return f"{str(folder)!r} holds no specimen (no .yaml file)"
    return None


def _load_library(root: Path, only: Iterable[Path] | None) -> Library:
    problems: list[Problem] = []
    specimens: list[Specimen] = []
    eras: list[Era] = []
    postings: list[Posting] = []

    prefixes: dict[str, str] = {}  # a folder's path -> how problems name the files in it

    def where(path: Path) -> str | None:
        """How problems name ``path`` (as ``display_path`` does), or None, with a problem, for a
        symbolic link that leads out of the content folder.

        Every path asked about is directly in ``root`` or in a folder already found inside,
        so only a link can lead out. A path that is not a link is named by its folder, resolved
        once for all the files in it, and its own name: one system call a file.
        """
        if not path.is_symlink():
            folder, name = os.path.split(path)
            if folder not in prefixes:
                shown = display_path(Path(folder), root)
                prefixes[folder] = "" if shown == "." else f"{shown}/"
            return prefixes[folder] + name
        try:
            target = str(path.resolve())
            if path.resolve().is_relative_to(root):
                return display_path(path, root)
        except (OSError, RuntimeError):  # a loop of links
            target = "itself (a loop)"
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        msg = (
            f"symbolic link to {target}, outside the content folder; content is read only "
            "from inside it (copy the file in instead)"
        )
        problems.append(Problem(shown, 1, msg, "OT019"))
        return None

    def attempt(fn: Any, path: Path, shown: str) -> Any:
        try:
            return fn(path, shown)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    spec_dir = root / "specimens"
    spec_ok = spec_dir.is_dir() and where(spec_dir) is not None
    # by name: the same order as sorting the paths (one folder), without comparing Path objects
    listing = sorted(spec_dir.glob("*"), key=_name) if spec_ok else []
    for path in listing:
        if (shown := where(path)) is None:
            continue
        if path.suffix == ".yaml" and path.is_file():
            if (s := attempt(load_specimen, path, shown)) is not None:
                specimens.append(s)
        elif not path.name.startswith("."):
            problems.append(_stray(path, root, "specimens are .yaml files"))
    if (why := no_specimens(root)) is not None:
        msg = f"{why}; a content folder needs at least one (flask --app app new TITLE starts one)"
        problems.append(Problem("specimens", 1, msg, "OT022"))
    era_dir = root / "eras"
    era_ok = era_dir.is_dir() and where(era_dir) is not None
    for folder in sorted(era_dir.iterdir(), key=_name) if era_ok else []:
        if folder.name.startswith(".") or where(folder) is None:
            continue
        if not folder.is_dir():
            problems.append(_stray(folder, root, "eras/ holds one folder per era"))
            continue
        era_file = folder / "era.yaml"
        pop_file = folder / POPULATION
        if (shown := where(era_file)) is None:
            pass  # reported by where()
        elif not era_file.is_file():
            known = ", ".join(sorted(f.parent.name for f in era_dir.glob("*/era.yaml")))
            msg = (
                f"era folder '{folder.name}' has no era.yaml; the eras are {known or 'none yet'}: "
                "move its postings into one of them, or add era.yaml and population.yaml to "
                "start one"
            )
            problems.append(Problem(display_path(folder, root), 1, msg, "OT018"))
        elif (e := attempt(load_era, era_file, shown)) is not None:
            eras.append(e)
            if (shown := where(pop_file)) is None:
                pass  # reported by where()
            elif not pop_file.is_file():
                msg = (
                    f"era folder '{folder.name}' has no {POPULATION}: every era declares the "
                    "working-age population of its years (copy otiose/data/population.yaml)"
                )
                problems.append(Problem(display_path(folder, root), 1, msg, "OT018"))
            elif (population := attempt(load_population, pop_file, shown)) is not None:
                e._population = population
        for path in sorted(folder.iterdir(), key=_name):
            skip = path.name in ("era.yaml", POPULATION) or path.name.startswith(".")
            if skip or (shown := where(path)) is None:
                continue
            if path.suffix == ".md" and path.is_file():
                if (p := attempt(load_posting, path, shown)) is not None:
                    postings.append(p)
            else:
                why = f"an era folder holds era.yaml, {POPULATION} and <id>.md"
                problems.append(_stray(path, root, why))

    today = attempt(load_population, TODAY_POPULATION, display_path(TODAY_POPULATION, root))
    stems = {p.stem for p in listing if p.suffix == ".yaml"}
    problems.extend(_cross_check(specimens, postings, stems))
    problems.extend(_dates_in_eras(eras, postings))
    if only is not None:
        wanted = {display_path(Path(p).resolve(), root) for p in only}
        # a folder's problem (an era folder without era.yaml) concerns every file in it
        folders = {w.rsplit("/", 1)[0] for w in wanted if "/" in w}
        problems = [p for p in problems if p.path in wanted or p.path in folders]
    if problems:
        raise ContentError(problems)
    return Library.build(specimens, eras, postings, population=today)


def _name(path: Path) -> str:
    return path.name


def display_path(path: Path, root: Path) -> str:
    """A content path as problems name it: relative to the content root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _stray(path: Path, root: Path, why: str) -> Problem:
    return Problem(display_path(path, root), 1, f"unexpected file here: {why}", "OT019")


def _cross_check(
    specimens: list[Specimen], postings: list[Posting], stems: set[str]
) -> list[Problem]:
    """Ids unique, references resolve. A reference to a file that exists but failed to load is
    not reported again: that file's own problems say what is wrong."""
    problems: list[Problem] = []
    seen: dict[str, Specimen] = {}
    for s in specimens:  # ids equal file names, so duplicates can only come from case folding
        if s.id in seen:
            msg = f"duplicate specimen id '{s.id}' (also in {seen[s.id]._source})"
            problems.append(Problem(s._source, 1, msg, "OT015"))
        seen[s.id] = s
    ids = sorted(seen)
    for s in specimens:
        for i, rel in enumerate(s.related):
            if rel.id not in seen and rel.id not in stems:
                line = s._lines.line(("related", i, "id"))
                problems.append(
                    Problem(s._source, line, _dangling("related", rel.id, ids), "OT016")
                )
    posting_seen: dict[str, Posting] = {}
    for p in postings:
        lines = p._lines
        if (first := posting_seen.setdefault(p.id, p)) is not p:
            # named in both files: either may be the one just added, and a check of only
            # the new file must find it
            for one, other in ((p, first), (first, p)):
                msg = f"duplicate posting id '{p.id}' (also in {other._source})"
                problems.append(Problem(one._source, one._lines.line(("id",)), msg, "OT015"))
        if p.specimen and p.specimen not in seen and p.specimen not in stems:
            line = lines.line(("specimen",))
            problems.append(
                Problem(p._source, line, _dangling("specimen", p.specimen, ids), "OT016")
            )
    return problems


def _dates_in_eras(eras: list[Era], postings: list[Posting]) -> list[Problem]:
    """Each posting is filed under the era its date belongs to: the one whose years hold it,
    else, for a year no era covers, the nearest (an era that failed to load is skipped: its own
    problems say why)."""
    problems: list[Problem] = []
    spans = [(e.id, e.years.start, e.years.end) for e in eras]
    by_id = {e.id: e for e in eras}
    for p in postings:
        era = by_id.get(p.era)
        if era is None or p.posted is None:
            continue
        year = p.posted.year
        belongs = era_of_year(year, spans)
        if era.years.start <= year <= era.years.end or belongs == era.id:
            continue
        other = by_id[belongs]
        msg = (
            f"postedDate '{p.postedDate}' is outside the years of {era.id} "
            f"({era.years.start}-{era.years.end})"
        )
        if not other.years.start <= year <= other.years.end:
            msg += f"; no era covers {year}, and the nearest is {other.id}"
        msg += (
            f"; date it within {era.id}'s years, or move the posting to eras/{other.id}/ "
            f"({other.years.start}-{other.years.end}) and set era: {other.id}"
        )
        problems.append(Problem(p._source, p._lines.line(("postedDate",)), msg, "OT013"))
    return problems


def _dangling(key: str, value: str, ids: list[str]) -> str:
    hint = difflib.get_close_matches(value, ids, n=1, cutoff=0.6)
    msg = f"{key} '{value}' is not a specimen"
    return msg + (f" (did you mean '{hint[0]}'?)" if hint else "")
