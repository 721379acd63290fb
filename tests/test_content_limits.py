"""Content the loader must refuse before it can hurt the process: deep YAML, symlinks out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from otiose.content import ContentError, load_library
from otiose.content.yamlsafe import MAX_BYTES, MAX_DEPTH, _maybe_deep, parse

ROOT = Path(__file__).resolve().parents[1]
RECORD = "junior-machine-learning-engineer"

DEEP = {
    # name: (YAML text, the line the problem names)
    "flow-lists": ("id: " + "[" * 50_000 + "]" * 50_000 + "\n", 1),
    "flow-maps": ("id: " + "{a: " * 30_000 + "1" + "}" * 30_000 + "\n", 1),
    "block-lists": ("id: x\nitems:\n" + "- " * 40_000 + "x\n", 3),
    "explicit-values": ("id: x\n? k\n" + ": " + "- " * 40_000 + "x\n", 3),
    "nested-maps": (
        "id: x\n" + "".join(" " * i + "k:\n" for i in range(40)) + " " * 40 + "v: 1\n",
        34,
    ),
}


def test_the_deep_files_fit_under_the_size_limit():
    for text, _ in DEEP.values():
        assert len(text.encode()) <= MAX_BYTES


def test_flask_check_reports_deep_nesting_instead_of_crashing(content: Path):
    """Run in a subprocess: on the bug, libyaml's composer overflows the C stack (SIGSEGV),
    which would kill pytest itself."""
    for name, (text, _) in DEEP.items():
        (content / "specimens" / f"{name}.yaml").write_text(text)
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "check"],
        cwd=ROOT,
        env={**os.environ, "OTIOSE_CONTENT": str(content)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    for name, (_, line) in DEEP.items():
        expected = (
            f"specimens/{name}.yaml:{line}: nested more than {MAX_DEPTH} levels deep; "
            "flatten this structure [OT013]"
        )
        assert expected in run.stdout, run.stdout


def test_nesting_up_to_the_limit_is_read():
    """MAX_DEPTH collections, the top-level mapping included."""
    n = MAX_DEPTH - 1
    text = "a: " + "[" * n + "1" + "]" * n + "\n"
    data = parse(text, "x.yaml").data["a"]
    for _ in range(n - 1):
        data = data[0]
    assert data == [1]
    with pytest.raises(ContentError, match=r"x\.yaml:1: nested more than"):
        parse("a: " + "[" * (n + 1) + "1" + "]" * (n + 1) + "\n", "x.yaml")


def test_the_real_content_never_needs_the_slow_depth_check():
    """The pre-check is what keeps start-up cheap: no real file may fall through to it."""
    files = [*ROOT.glob("specimens/*.yaml"), *ROOT.glob("eras/*/*.yaml"), *ROOT.glob("eras/*/*.md")]
    assert files
    assert [f.name for f in files if _maybe_deep(f.read_text(encoding="utf-8"))] == []


def test_the_pre_check_counts_brackets_and_indentation_together():
    # 20 levels of block nesting holding 20 levels of flow nesting: 40 in all
    text = "".join(" " * i + "k:\n" for i in range(20)) + " " * 20 + "v: " + "[" * 20 + "]" * 20
    assert _maybe_deep(text)
    with pytest.raises(ContentError, match="nested more than"):
        parse(text + "\n", "x.yaml")


# ---------------------------------------------------------------- symlinks


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as exc:
        load_library(root)
    return [f"{p}" + f" [{p.code}]" for p in exc.value.problems]


def test_a_symlinked_specimen_outside_the_content_folder_is_refused(
    content: Path, tmp_path_factory
):
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.yaml"
    outside.write_text((content / "specimens" / f"{RECORD}.yaml").read_text())
    link = content / "specimens" / f"{RECORD}.yaml"
    link.unlink()
    link.symlink_to(outside)
    problems = _problems(content)
    assert problems == [
        f"specimens/{RECORD}.yaml:1: symbolic link to {outside}, outside the content folder; "
        "content is read only from inside it (copy the file in instead) [OT019]"
    ]


def test_symlinked_folders_and_postings_outside_are_refused(content: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    era = sorted(p for p in (content / "eras").iterdir() if p.is_dir())[0]
    posting = sorted(era.glob("*.md"))[0]
    (elsewhere / posting.name).write_text(posting.read_text())
    posting.unlink()
    posting.symlink_to(elsewhere / posting.name)
    (elsewhere / "era").mkdir()
    (content / "eras" / "zz-linked").symlink_to(elsewhere / "era", target_is_directory=True)
    (content / "eras" / "zz-loop.md").symlink_to(content / "eras" / "zz-loop.md")
    problems = _problems(content)
    linked = f"eras/{era.name}/{posting.name}:1: symbolic link to {elsewhere / posting.name},"
    assert any(p.startswith(linked) for p in problems), problems
    assert any(p.startswith("eras/zz-linked:1: symbolic link to") for p in problems), problems
    assert any(p.startswith("eras/zz-loop.md:1: symbolic link to itself") for p in problems)
    assert all(p.endswith("[OT019]") for p in problems if "symbolic link" in p)


def test_a_symlink_that_stays_inside_the_content_folder_is_followed(content: Path):
    spare = content / "spare"
    spare.mkdir()
    source = content / "specimens" / f"{RECORD}.yaml"
    (spare / source.name).write_text(source.read_text())
    source.unlink()
    source.symlink_to(spare / source.name)
    assert RECORD in load_library(content).specimens


def test_problems_name_the_file_where_a_linked_folder_inside_leads(content: Path):
    """A file in a linked folder is named by its real place, as a linked file is."""
    real = content / "library" / "specimens"
    real.parent.mkdir()
    (content / "specimens").rename(real)
    (content / "specimens").symlink_to(real, target_is_directory=True)
    path = real / f"{RECORD}.yaml"
    path.write_text(path.read_text().replace("\nfamily:", "\nfamly:", 1))
    problems = _problems(content)
    assert problems and all(p.startswith(f"library/specimens/{RECORD}.yaml:") for p in problems)
