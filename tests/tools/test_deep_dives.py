"""Deep dives: `tools build` gives them a header, navigation, a map row and a README row; `--check` flags strays.

Every test builds a copy of a tiny fixture course (tests/tools/fixtures/course/) in a temporary folder,
with a fixture catalog: the real notebooks are never touched.
"""
import dataclasses
import shutil
from pathlib import Path

import pytest

from tools import build, catalog, layout, notebook_io

COURSE = Path(__file__).parent / "fixtures" / "course"
DIVE = catalog.DeepDive("Deep dive: the demo's internals", 20)


def lesson(number, slug, title, exercising=0, deep_dive=None):
    return catalog.Lesson(number, slug, title, 10, exercising, ("do one thing;",), "none.", deep_dive)


def fixture_catalog(deep_dive=None):
    return (
        lesson("00", "start_here", "Start here"),
        lesson("01", "demo", "Demo lesson", exercising=5, deep_dive=deep_dive),
        lesson("02", "more", "More"),
    )


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A copy of the fixture course, with layout and catalog pointing at it; returns a function to set the catalog."""
    root = tmp_path / "course"
    shutil.copytree(COURSE, root)
    for name, sub in {"ROOT": "", "LESSONS": "notebooks", "SOLUTIONS": "solutions", "EXERCISES": "exercises"}.items():
        monkeypatch.setattr(layout, name, root / sub if sub else root)
    monkeypatch.setattr(layout, "README", root / "README.md")
    monkeypatch.setattr(layout, "TEACHING", root / "docs" / "TEACHING.md")
    monkeypatch.setattr(catalog, "REPOSITORY", None)

    def use(deep_dive=None):
        monkeypatch.setattr(catalog, "LESSONS", fixture_catalog(deep_dive))
        return root

    use()
    return use


def add_deep_dive_notebook(root, name="01b_demo_deep_dive.ipynb"):
    shutil.copy(root / "notebooks" / "02_more.ipynb", root / "notebooks" / name)
    return root / "notebooks" / name


def run(check=False):
    lines = []
    return build.build(check=check, out=lines.append), "\n".join(lines)


def cells(path):
    return notebook_io.read(path).cells


def test_the_fixture_course_builds_and_then_checks_clean(course):
    root = course()
    assert run()[0]
    assert run(check=True) == (True, "")
    assert notebook_io.tags(cells(root / "notebooks" / "01_demo.ipynb")[0]) == {"course-header"}
    assert (root / "exercises" / "01_demo_exercises.ipynb").exists()


def test_without_deep_dives_the_layout_finds_none(course):
    root = course()
    assert [p.name for p in layout.lesson_notebooks()] == ["00_start_here.ipynb", "01_demo.ipynb", "02_more.ipynb"]
    assert layout.deep_dive_notebooks() == []
    assert run()[0]
    assert "↳" not in (root / "README.md").read_text()
    assert "Deep dive" not in cells(root / "notebooks" / "01_demo.ipynb")[0].source


def test_a_declared_deep_dive_gets_its_header_navigation_and_rows(course):
    root = course(DIVE)
    dive = add_deep_dive_notebook(root)
    ok, output = run()
    assert ok, output
    assert run(check=True) == (True, "")

    header, *_, nav = cells(dive)
    assert header.source.splitlines()[0] == "# 01b · Deep dive: the demo's internals"
    assert "**Optional, 20 minutes.**" in header.source and "[01 · Demo lesson](01_demo.ipynb)" in header.source
    assert nav.source == (
        "---\n\n[← 01 · Demo lesson](01_demo.ipynb) · [Course map](00_start_here.ipynb#Course-map) · [02 · More →](02_more.ipynb)"
    )
    core_header = cells(root / "notebooks" / "01_demo.ipynb")[0].source
    assert "**Deep dive (optional, 20 minutes):** [Deep dive: the demo's internals](01b_demo_deep_dive.ipynb)" in core_header

    course_map = next(c.source for c in cells(root / "notebooks" / "00_start_here.ipynb") if "course-map" in notebook_io.tags(c))
    assert "| ↳ 01b | [Deep dive: the demo's internals](01b_demo_deep_dive.ipynb) | 20, optional | – | – |" in course_map
    readme = (root / "README.md").read_text()
    assert "| ↳ 01b | [Deep dive: the demo's internals](notebooks/01b_demo_deep_dive.ipynb) | 20, optional |" in readme

    # a lesson's companion, not a lesson of its own: no exercises, no solutions
    assert sorted(p.name for p in (root / "exercises").iterdir()) == ["01_demo_exercises.ipynb"]
    assert layout.lesson_notebooks() == sorted(layout.core_notebooks() + [dive])
    assert layout.deep_dive_notebooks() == [dive]


def test_check_flags_a_declared_deep_dive_whose_notebook_is_missing(course):
    course()
    assert run()[0]
    course(DIVE)
    ok, output = run(check=True)
    assert not ok
    assert "notebooks/01b_demo_deep_dive.ipynb is missing: lesson 01 declares a deep dive" in output


def test_check_flags_a_deep_dive_notebook_the_catalog_does_not_declare(course):
    root = course()
    assert run()[0]
    add_deep_dive_notebook(root)
    ok, output = run(check=True)
    assert not ok
    assert "notebooks/01b_demo_deep_dive.ipynb is not in the catalog: give lesson 01 deep_dive=DeepDive(" in output
    assert not run()[0]  # a plain build says the same, and fails


def test_check_flags_a_deep_dive_with_the_wrong_name(course):
    root = course(DIVE)
    add_deep_dive_notebook(root)
    add_deep_dive_notebook(root, "01b_demo_internals.ipynb")
    assert run()[0] is False
    ok, output = run(check=True)
    assert not ok
    assert "01b_demo_internals.ipynb is not in the catalog: lesson 01's deep dive must be named notebooks/01b_demo_deep_dive.ipynb" in output
    assert "01b_demo_deep_dive.ipynb" not in output.replace("must be named notebooks/01b_demo_deep_dive.ipynb", "")


def test_a_deep_dive_of_a_lesson_the_catalog_lacks_is_flagged(course):
    root = course()
    add_deep_dive_notebook(root, "05b_nothing_deep_dive.ipynb")
    assert "the catalog has no lesson 05" in run(check=True)[1]


def test_lessons_declare_no_deep_dive_by_default():
    assert dataclasses.fields(catalog.Lesson)[-1].name == "deep_dive"
    assert lesson("01", "x", "X").deep_dive is None
