"""The course's navigation, from the catalog (tools/catalog.py).

It owns three kinds of Markdown cells, recognised by their tags:

* ``course-header``: the first cell of every notebook: title, an "Open in Binder" badge
  (lessons and deep dives, once ``catalog.REPOSITORY`` is set), previous / map / next
  links, objectives, minutes and prerequisites;
* ``course-nav``: the last cell: previous / map / next links again;
* ``course-map``: in ``notebooks/00_start_here.ipynb``, the table of every lesson,
  deep dive, exercise and solution notebook.

and the README's lesson table and Binder badge, between ``<!-- course-map -->`` and
``<!-- binder -->`` markers. A deep dive (``notebooks/NNb_<slug>_deep_dive.ipynb``, declared
by ``deep_dive=DeepDive(title, minutes)`` in the catalog) gets a header naming it optional and
linking back to its core lesson; the core's header links to it. Exercise notebooks get
theirs when ``tools/exercises.py`` generates them. Only Markdown cells change, so stored
outputs stay valid. ``python -m tools build`` writes it all.
"""
from pathlib import Path

import nbformat

from . import catalog, launch, layout, markers, notebook_io

__all__ = ["OWNED", "decorate", "planned", "header_text", "map_text", "readme_text", "deep_dive_problems"]

MAP = catalog.LESSONS[0].lesson  # notebooks/00_start_here.ipynb
OWNED = ("course-header", "course-nav")
KINDS = ("lesson", "exercises", "solutions")
PATHS = {"lesson": "lesson", "exercises": "exercises", "solutions": "solutions", "deep_dive": "deep_dive_notebook"}


def lessons_with(kind):
    return [lesson for lesson in catalog.LESSONS if kind == "lesson" or lesson.exercising]


def path_of(lesson, kind):
    return getattr(lesson, PATHS[kind])


def link(from_path, to_path):
    """A relative link from one repository file to another (both repo-relative)."""
    here = Path(from_path).parent
    target = Path(to_path)
    if target.parent == here:
        return target.name
    return "../" + str(target) if here != Path(".") else str(target)


def label(lesson, kind):
    if kind == "deep_dive":
        return f"{lesson.number}b · {lesson.deep_dive.title}"
    suffix = {"lesson": "", "exercises": " (exercises)", "solutions": " (solutions)"}[kind]
    return f"{lesson.number} · {short_title(lesson)}{suffix}"


def short_title(lesson):
    return lesson.title.split(":")[0]


def nav_line(lesson, kind):
    """← previous · course map · next →, within one kind of notebook; a deep dive sits between its core and the next lesson."""
    along = "lesson" if kind == "deep_dive" else kind
    sequence = lessons_with(along)
    index = sequence.index(lesson)
    here = path_of(lesson, kind)
    before = lesson if kind == "deep_dive" else (sequence[index - 1] if index > 0 else None)
    after = sequence[index + 1] if index + 1 < len(sequence) else None
    parts = []
    if before is not None:
        parts.append(f"[← {label(before, along)}]({link(here, path_of(before, along))})")
    parts.append(f"[Course map]({link(here, MAP)}#Course-map)")
    if after is not None:
        parts.append(f"[{label(after, along)} →]({link(here, path_of(after, along))})")
    return " · ".join(parts)


def companions(lesson, kind):
    here = path_of(lesson, kind)
    names = {"lesson": "Lesson", "exercises": "Exercises", "solutions": "Solutions"}
    return " · ".join(
        f"**{names[other]}:** [{Path(path_of(lesson, other)).name}]({link(here, path_of(lesson, other))})"
        for other in KINDS
        if other != kind and lesson.exercising
    )


def title_lines(lesson, kind, title):
    """Return the title line, then this notebook's Binder badge (lessons and deep dives, once an address is set)."""
    lines = [f"# {title}", ""]
    badge = launch.binder_badge(path_of(lesson, kind)) if kind in ("lesson", "deep_dive") else ""
    return lines + ([badge, ""] if badge else [])


def deep_dive_header(lesson):
    here = lesson.deep_dive_notebook
    lines = title_lines(lesson, "deep_dive", label(lesson, "deep_dive")) + [nav_line(lesson, "deep_dive"), ""]
    lines.append(
        f"**Optional, {lesson.deep_dive.minutes} minutes.** A deep dive of lesson "
        f"[{label(lesson, 'lesson')}]({link(here, lesson.lesson)}): what goes beyond its core. "
        "The lesson and its exercises stand without it; read it after the lesson."
    )
    return "\n".join(lines)


def header_text(lesson, kind):
    if kind == "deep_dive":
        return deep_dive_header(lesson)
    title = {
        "lesson": lesson.title,
        "exercises": f"{short_title(lesson)}: exercises",
        "solutions": f"{short_title(lesson)}: solutions",
    }
    lines = title_lines(lesson, kind, f"{lesson.number} · {title[kind]}") + [nav_line(lesson, kind), ""]
    if kind == "lesson":
        lines += ["**You will learn to**", ""]
        lines += [f"- {objective}" for objective in lesson.objectives]
        time = f"{lesson.minutes} minutes" + (
            f" ({lesson.reading} reading and running, {lesson.exercising} for the exercises)" if lesson.exercising else ""
        )
        lines += ["", f"**Time:** {time}. **Prerequisites:** {lesson.prerequisites}"]
        if lesson.deep_dive is not None:
            dive = lesson.deep_dive_notebook
            lines += [
                "",
                f"**Deep dive (optional, {lesson.deep_dive.minutes} minutes):** "
                f"[{lesson.deep_dive.title}]({link(lesson.lesson, dive)}), after the lesson.",
            ]
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
        if lesson.deep_dive is not None:
            dive = lesson.deep_dive
            rows.append(
                f"| ↳ {lesson.number}b | [{dive.title}]({link(from_path, lesson.deep_dive_notebook)}) | "
                f"{dive.minutes}, optional | – | – |"
            )
    return "\n".join(rows)


def markdown_cell(text, tag):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [tag]
    cell["id"] = tag  # stable, so regenerating gives the same file
    return cell


def decorate(nb, lesson, kind):
    """Put the generated header first and the nav last (replacing earlier ones)."""
    if lesson is None or (kind in ("exercises", "solutions") and not lesson.exercising):
        return nb  # not in the catalog (yet), or a kind the catalog does not give it: leave the notebook as it is
    cells = [cell for cell in nb.cells if not notebook_io.tags(cell) & set(OWNED)]
    for cell in cells:
        if "course-map" in notebook_io.tags(cell):
            cell.source = map_text(path_of(lesson, kind))
    header = markdown_cell(header_text(lesson, kind), "course-header")
    nav = markdown_cell(nav_text(lesson, kind), "course-nav")
    nb.cells = [header, *cells, nav]
    return nb


def readme_table():
    rows = ["| # | Lesson | Minutes |", "|---|---|---|"]
    for lesson in catalog.LESSONS:
        rows.append(f"| {lesson.number} | [{lesson.title}]({lesson.lesson}) | {lesson.minutes} |")
        if lesson.deep_dive is not None:
            dive = lesson.deep_dive
            rows.append(f"| ↳ {lesson.number}b | [{dive.title}]({lesson.deep_dive_notebook}) | {dive.minutes}, optional |")
    return "\n".join(rows)


def readme_text(current):
    """Return the README text ``current`` with its lesson table and Binder badge (empty while unset) regenerated."""
    text = markers.replace_between(current, "course-map", readme_table(), "README.md")
    return markers.replace_between(text, "binder", launch.binder_badge(launch.START), "README.md")


def deep_dive_problems():
    """List what only a person can fix: a declared deep dive without its notebook, an NNb_ notebook the catalog lacks."""
    declared = {layout.ROOT / lesson.deep_dive_notebook: lesson for lesson in catalog.LESSONS if lesson.deep_dive}
    found = []
    for path, lesson in declared.items():
        if not path.exists():
            found.append(
                f"{path.relative_to(layout.ROOT)} is missing: lesson {lesson.number} declares a deep dive in "
                "tools/catalog.py (create the notebook, or drop its deep_dive=)"
            )
    for path in layout.deep_dive_notebooks():
        if path not in declared:
            lesson = catalog.lesson_for(path)
            if lesson is None:
                fix = f"the catalog has no lesson {path.name[:2]}"
            elif path == layout.ROOT / lesson.deep_dive_notebook:
                fix = f"give lesson {lesson.number} deep_dive=DeepDive(title, minutes) in tools/catalog.py"
            else:
                fix = f"lesson {lesson.number}'s deep dive must be named {lesson.deep_dive_notebook}"
            found.append(f"{path.relative_to(layout.ROOT)} is not in the catalog: {fix}")
    return found


def planned():
    """(path, expected text) for every file this tool maintains, exercises excluded."""
    for lesson in catalog.LESSONS:
        kinds = ["lesson"] + (["solutions"] if lesson.exercising else []) + (["deep_dive"] if lesson.deep_dive else [])
        for kind in kinds:
            path = layout.ROOT / path_of(lesson, kind)
            if path.exists():
                yield path, notebook_io.dumps(decorate(notebook_io.read(path), lesson, kind))
    yield layout.README, readme_text(layout.README.read_text(encoding="utf-8"))
