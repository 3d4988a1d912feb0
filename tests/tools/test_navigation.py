"""Navigation: generated from the catalog, every link resolves, the map misses nothing (deep dives included)."""
import re
from pathlib import Path

import pytest

from tests.notebook_runner import ROOT

from tools import catalog, navigation
from tools import layout, notebook_io

LINK = re.compile(r"\]\(([^)\s]+)\)")
ALL = layout.lesson_notebooks() + layout.solution_notebooks() + layout.exercise_notebooks()


def local_links(text):
    for target in LINK.findall(text):
        if not re.match(r"^[a-z]+:", target) and not target.startswith("#"):
            yield target.split("#", 1)[0]


def test_navigation_is_up_to_date():
    stale = [str(path) for path, text in navigation.planned() if path.read_text(encoding="utf-8") != text]
    assert stale == [], f"run `python -m tools build`: {stale}"


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_link_in_a_notebook_points_at_an_existing_file(path):
    nb = notebook_io.read(path)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for target in local_links(cell.source):
                assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


HEADING = re.compile(r"^#+\s+(.+?)\s*$", re.M)


def heading_anchors(path):
    """The anchors JupyterLab gives a notebook's headings: the heading's text, spaces replaced by ``-``."""
    cells = notebook_io.read(path).cells
    return {h.replace(" ", "-") for c in cells if c.cell_type == "markdown" for h in HEADING.findall(c.source)}


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(ROOT)) for p in ALL])
def test_every_link_to_a_notebook_heading_finds_that_heading(path):
    for cell in notebook_io.read(path).cells:
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(cell.source):
            name, _, anchor = target.partition("#")
            if anchor and name.endswith(".ipynb") and not re.match(r"^[a-z]+:", name):
                assert anchor in heading_anchors(path.parent / name), f"{path.name}: no heading for {target}"


def test_every_link_in_the_docs_points_at_an_existing_file():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in local_links(doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"


def test_every_notebook_has_a_generated_header_and_nav():
    for path in ALL:
        cells = notebook_io.read(path).cells
        assert "course-header" in notebook_io.tags(cells[0]), path.name
        assert "course-nav" in notebook_io.tags(cells[-1]), path.name


def test_the_course_map_lists_every_notebook_and_nothing_else():
    listed = set()
    for lesson in catalog.LESSONS:
        listed.add(lesson.lesson)
        if lesson.exercising:
            listed |= {lesson.exercises, lesson.solutions}
        if lesson.deep_dive is not None:
            listed.add(lesson.deep_dive_notebook)
    on_disk = {str(path.relative_to(ROOT)) for path in ALL}
    assert on_disk == listed, f"not in the map: {sorted(on_disk - listed)}; missing files: {sorted(listed - on_disk)}"
    course_map = next(
        cell.source for cell in notebook_io.read(ROOT / navigation.MAP).cells if "course-map" in notebook_io.tags(cell)
    )
    for path in listed:
        assert Path(path).name in course_map, f"the map in 00_start_here misses {path}"
