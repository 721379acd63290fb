"""requirements.lock against pyproject.toml: every package make installs is pinned, and every pin
is one the project's own ranges allow (so a range edited without `make lock` fails here, not on
a fresh machine that resolves something else)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins(text: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and " " not in line, f"requirements.lock:{n}: not name==version"
        key = canonicalize_name(name)
        assert key not in pins, f"requirements.lock:{n}: {name} is pinned twice"
        pins[key] = version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        declared += [Requirement(r) for r in extra]
    return [r for r in declared if canonicalize_name(r.name) != canonicalize_name(project["name"])]


def test_every_declared_requirement_is_pinned_within_its_range() -> None:
    pins = _pins((ROOT / "requirements.lock").read_text())
    problems = []
    for req in _declared():
        version = pins.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name} is not in requirements.lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} is outside pyproject.toml's {req.specifier}")
    assert not problems, "; ".join(problems) + " (run `make lock`)"


def test_pins_are_read_strictly() -> None:
    assert _pins("# note\nFlask==3.1.3\n\nPyYAML==6.0.4\n") == {"flask": "3.1.3", "pyyaml": "6.0.4"}
    for bad in ("Flask>=3", "Flask", "Flask==3.1.3 ; python_version>'3'", "a==1\nA==2"):
        try:
            _pins(bad)
        except AssertionError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
