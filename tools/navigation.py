"""The course's navigation, from the catalog (tools/catalog.py).

It owns three kinds of Markdown cells, recognised by their tags:

* ``course-header``: the first cell of every notebook: title, previous / map / next
  links, objectives, minutes and prerequisites;
* ``course-nav``: the last cell: previous / map / next links again;
* ``course-map``: in ``notebooks/00_start_here.ipynb``, the table of every lesson,
  exercise and solution notebook.

and the lesson table of the README, between ``<!-- course-map -->`` markers. Exercise
notebooks get theirs when ``tools/exercises.py`` generates them. Only Markdown
cells change, so stored outputs stay valid. ``python -m tools build`` writes it all.
"""
import re
from pathlib import Path

import nbformat

from . import catalog, layout, notebook_io

__all__ = ["decorate", "planned", "header_text", "map_text", "readme_text"]

MAP = catalog.LESSONS[0].lesson  # notebooks/00_start_here.ipynb
OWNED = ("course-header", "course-nav")
README_START, README_END = "<!-- course-map -->", "<!-- /course-map -->"
KINDS = ("lesson", "exercises", "solutions")


def lessons_with(kind):
    return [lesson for lesson in catalog.LESSONS if kind == "lesson" or lesson.exercising]


def path_of(lesson, kind):
    return getattr(lesson, kind)


def link(from_path, to_path):
    """A relative link from one repository file to another (both repo-relative)."""
    here = Path(from_path).parent
    target = Path(to_path)
    if target.parent == here:
        return target.name
    return "../" + str(target) if here != Path(".") else str(target)


def label(lesson, kind):
    suffix = {"lesson": "", "exercises": " (exercises)", "solutions": " (solutions)"}[kind]
    return f"{lesson.number} · {short_title(lesson)}{suffix}"


def short_title(lesson):
    return lesson.title.split(":")[0]


def nav_line(lesson, kind):
    """← previous · course map · next →, within the same kind of notebook."""
    sequence = lessons_with(kind)
    index = sequence.index(lesson)
    here = path_of(lesson, kind)
    parts = []
    if index > 0:
        before = sequence[index - 1]
        parts.append(f"[← {label(before, kind)}]({link(here, path_of(before, kind))})")
    parts.append(f"[Course map]({link(here, MAP)}#Course-map)")
    if index + 1 < len(sequence):
        after = sequence[index + 1]
        parts.append(f"[{label(after, kind)} →]({link(here, path_of(after, kind))})")
    return " · ".join(parts)


def companions(lesson, kind):
    here = path_of(lesson, kind)
    names = {"lesson": "Lesson", "exercises": "Exercises", "solutions": "Solutions"}
    return " · ".join(
        f"**{names[other]}:** [{Path(path_of(lesson, other)).name}]({link(here, path_of(lesson, other))})"
        for other in KINDS
        if other != kind and lesson.exercising
    )


def header_text(lesson, kind):
    title = {
        "lesson": lesson.title,
        "exercises": f"{short_title(lesson)}: exercises",
        "solutions": f"{short_title(lesson)}: solutions",
    }
    lines = [f"# {lesson.number} · {title[kind]}", "", nav_line(lesson, kind), ""]
    if kind == "lesson":
        lines += ["**You will learn to**", ""]
        lines += [f"- {objective}" for objective in lesson.objectives]
        time = f"{lesson.minutes} minutes" + (
            f" ({lesson.reading} reading and running, {lesson.exercising} for the exercises)" if lesson.exercising else ""
        )
        lines += ["", f"**Time:** {time}. **Prerequisites:** {lesson.prerequisites}"]
    else:
        lines += [
            f"**Time:** {lesson.exercising} minutes. Replace `# YOUR CODE HERE` and the line below it with your code, "
            "run the cell, then run the check below it, `check.exN()`: it prints ✅ PASSED, ❌ FAILED with what went "
            "wrong and a hint, or ⏳ NOT ATTEMPTED. "
            "Open a **Hint** before you reach for the solutions."
        ]
        if kind == "solutions":
            lines += ["", "*This is the solutions notebook; the exercise notebook is generated from it.*"]
    if lesson.exercising:
        lines += ["", companions(lesson, kind)]
    return "\n".join(lines)


def nav_text(lesson, kind):
    return "---\n\n" + nav_line(lesson, kind)


def map_text(from_path=MAP):
    rows = [
        "## Course map",
        "",
        "| # | Lesson | Minutes | Exercises | Solutions |",
        "|---|---|---|---|---|",
    ]
    for lesson in catalog.LESSONS:
        exercises = f"[exercises]({link(from_path, lesson.exercises)})" if lesson.exercising else "–"
        solutions = f"[solutions]({link(from_path, lesson.solutions)})" if lesson.exercising else "–"
        rows.append(
            f"| {lesson.number} | [{lesson.title}]({link(from_path, lesson.lesson)}) | {lesson.minutes} | {exercises} | {solutions} |"
        )
    return "\n".join(rows)


def markdown_cell(text, tag):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [tag]
    cell["id"] = tag  # stable, so regenerating gives the same file
    return cell


def decorate(nb, lesson, kind):
    """Put the generated header first and the nav last (replacing earlier ones)."""
    if lesson is None:  # not in the catalog (yet): leave the notebook as it is
        return nb
    cells = [cell for cell in nb.cells if not notebook_io.tags(cell) & set(OWNED)]
    for cell in cells:
        if "course-map" in notebook_io.tags(cell):
            cell.source = map_text(path_of(lesson, kind))
    header = markdown_cell(header_text(lesson, kind), "course-header")
    nav = markdown_cell(nav_text(lesson, kind), "course-nav")
    nb.cells = [header, *cells, nav]
    return nb


def readme_text(current):
    rows = ["| # | Lesson | Minutes |", "|---|---|---|"]
    rows += [f"| {lesson.number} | [{lesson.title}]({lesson.lesson}) | {lesson.minutes} |" for lesson in catalog.LESSONS]
    table = "\n".join(rows)
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    return pattern.sub(lambda _: f"{README_START}\n{table}\n{README_END}", current)


def planned():
    """(path, expected text) for every file this tool maintains, exercises excluded."""
    for lesson in catalog.LESSONS:
        for kind in ("lesson", "solutions"):
            if kind == "solutions" and not lesson.exercising:
                continue
            path = layout.ROOT / path_of(lesson, kind)
            if path.exists():
                yield path, notebook_io.dumps(decorate(notebook_io.read(path), lesson, kind))
    yield layout.README, readme_text(layout.README.read_text(encoding="utf-8"))
