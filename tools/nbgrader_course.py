"""Build an nbgrader course directory from the solution notebooks.

    python -m tools nbgrader DIR [NN ...]     # e.g. python -m tools nbgrader ~/grading 00 05

For each lesson, ``DIR/source/NN_topic/NN_topic.ipynb`` is the solution notebook
as nbgrader expects an instructor's version:

* every cell holding ``### BEGIN SOLUTION`` is a *solution* cell (what students write);
* every check cell, ``check.exN()``, is an *autograded test* cell worth one point, locked;
* every other code cell is locked, so students cannot break the set-up by accident;
* cells tagged ``solution-only`` are left out, and the header is the exercise notebook's.

``DIR/nbgrader_config.py`` names the course and its exchange directory, and sets
``COURSE_CHECKS_RAISE=1`` for the kernels nbgrader starts, so that a check that did
not pass fails its cell (0 points) with the check's one line as the feedback.
Then ``nbgrader generate_assignment``, ``release_assignment``, students'
``fetch_assignment``/``submit``, ``collect``, ``autograde`` and ``generate_feedback``
work as nbgrader documents (docs/TEACHING.md walks through them).
"""
import re
from pathlib import Path

import nbformat

from course.checks.framework import RAISE_ENV

from . import catalog, exercises, layout, navigation

__all__ = ["build", "instructor_notebook"]
SOLUTIONS = layout.SOLUTIONS
CHECK_CELL = re.compile(r"^check\.ex(\d+)\(\)\s*$")
SCHEMA = 3
CONFIG = '''\
"""nbgrader configuration of the Django 4.1 course (written by tools/nbgrader_course.py)."""
import os

# A check that did not pass raises, so nbgrader scores its cell 0 and shows the check's line.
os.environ[{raise_env!r}] = "1"

c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
c.ExecutePreprocessor.timeout = 300
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
'''


def assignment_name(solution_path):
    return Path(solution_path).name[: -len("_solutions.ipynb")]


def _grading(cell, lesson_number, index):
    """nbgrader's cell metadata for one cell, or None to leave the cell as it is."""
    if cell.cell_type != "code":
        return None
    check = CHECK_CELL.match(cell.source.strip())
    if check:
        exercise = f"{int(lesson_number)}.{check.group(1)}"
        return {"grade": True, "solution": False, "locked": True, "points": 1,
                "grade_id": f"check-{exercise.replace('.', '-')}", "schema_version": SCHEMA}
    if exercises.BEGIN in cell.source:
        return {"grade": False, "solution": True, "locked": False, "task": False,
                "grade_id": f"answer-{index}", "schema_version": SCHEMA}
    return {"grade": False, "solution": False, "locked": True, "grade_id": f"setup-{index}",
            "schema_version": SCHEMA}


def instructor_notebook(solution_path):
    """The solution notebook with nbgrader's metadata, as the assignment's source."""
    nb = nbformat.read(str(solution_path), as_version=4)
    number = Path(solution_path).name[:2]
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = set(cell.metadata.get("tags", []))
        if "solution-only" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        grading = _grading(cell, number, index)
        if grading:
            cell.metadata["nbgrader"] = grading
        cells.append(cell)
    nb.cells = cells
    return navigation.decorate(nb, catalog.lesson_for(solution_path), "exercises")


def build(directory, numbers=None, course_id="django41"):
    """Write the nbgrader course directory; return its path."""
    directory = Path(directory).resolve()
    exchange = directory / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    (directory / "nbgrader_config.py").write_text(
        CONFIG.format(raise_env=RAISE_ENV, course_id=course_id, root=str(directory), exchange=str(exchange)), encoding="utf-8"
    )
    for solution in sorted(SOLUTIONS.glob("[0-9][0-9]_*_solutions.ipynb")):
        if numbers and solution.name[:2] not in numbers:
            continue
        name = assignment_name(solution)
        target = directory / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(instructor_notebook(solution), str(target))
    return directory
