"""A teacher grades a class with nbgrader: generate, release, fetch, submit, collect, autograde, feedback.

The course directory comes from `tools/nbgrader_course.py` (solutions → nbgrader's instructor
notebooks). Three students fetch lesson 00's assignment from a private exchange: one answers
both exercises correctly, one gets exercise 0.1 wrong, one submits it untouched. Autograding
runs their notebooks for real; the scores and the per-cell feedback are asserted.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import exercises, nbgrader_course

pytest.importorskip("nbgrader")
ASSIGNMENT = "00_start_here"
WRONG_0_1 = "def count_books_by(name):\n    return 0  # forgets to ask the database"


def nbgrader(*args, cwd, user="instructor", course=None):
    """Run one nbgrader command as ``user``; its output on failure."""
    env = {**os.environ, "USER": user, "LOGNAME": user}
    command = [sys.executable, "-m", "nbgrader", *args]
    if course is not None:
        command += ["--course", "django41", f"--Exchange.root={course / 'exchange'}",
                    "--Exchange.path_includes_course=True"]
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def answer(notebook_path, source_notebook, overrides=()):
    """Put the instructor's solution into every solution cell, or the given wrong code into cell k."""
    nb = nbformat.read(str(notebook_path), as_version=4)
    solutions = [c for c in source_notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(cells) == len(solutions) == 2
    for k, (cell, solution) in enumerate(zip(cells, solutions)):
        code = exercises.solution_code(solution.source)
        cell.source = dict(overrides).get(k, code)
    nbformat.write(nb, str(notebook_path))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = nbgrader_course.build(tmp_path_factory.mktemp("course"), {ASSIGNMENT[:2]})
    students = tmp_path_factory.mktemp("students")
    try:
        nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course)
        nbgrader("release_assignment", ASSIGNMENT, cwd=course)
        source = nbformat.read(str(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
        plans = {"ada": (), "ben": ((0, WRONG_0_1),), "cy": None}  # all right, one wrong, untouched
        for student, overrides in plans.items():
            home = students / student
            home.mkdir()
            nbgrader("fetch_assignment", ASSIGNMENT, cwd=home, user=student, course=course)
            fetched = home / "django41" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            if overrides is not None:
                answer(fetched, source, overrides)
            # one Unix account runs every "student" here: nbgrader's --student names the submitter
            nbgrader("submit", str(home / "django41" / ASSIGNMENT), f"--student={student}", cwd=home, user=student,
                     course=course)
        nbgrader("collect", ASSIGNMENT, cwd=course)
        nbgrader("autograde", ASSIGNMENT, "--create", cwd=course)
        nbgrader("generate_feedback", ASSIGNMENT, cwd=course)
        yield course
    finally:
        shutil.rmtree(students, ignore_errors=True)


def scores(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            submission.student_id: (submission.score, submission.max_score)
            for submission in gradebook.assignment_submissions(ASSIGNMENT)
        }


def test_the_scores_are_right_for_right_wrong_and_untouched_work(graded):
    assert scores(graded) == {"ada": (2.0, 2.0), "ben": (1.0, 2.0), "cy": (0.0, 2.0)}


def check_lines(course, student):
    path = course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("name") == "stdout")
            lines.append(text.strip())
    return lines


def test_each_check_cell_carries_its_one_line_as_feedback(graded):
    assert [line.split(" · ")[0] for line in check_lines(graded, "ada")] == ["✅ PASSED", "✅ PASSED"]
    wrong, right = check_lines(graded, "ben")
    assert wrong.startswith("❌ FAILED · Exercise 0.1:") and "Hint:" in wrong and right.startswith("✅ PASSED")
    assert all(line.startswith("⏳ NOT ATTEMPTED") for line in check_lines(graded, "cy"))


def test_students_receive_html_feedback(graded):
    for student in ("ada", "ben", "cy"):
        html = graded / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert html.exists(), student
    text = (graded / "feedback" / "ben" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert "FAILED · Exercise 0.1" in text and "Traceback (most recent call last)" not in text


def test_the_instructor_notebook_marks_answers_and_checks():
    nb = nbgrader_course.instructor_notebook(next(Path(nbgrader_course.SOLUTIONS).glob(f"{ASSIGNMENT}_solutions.ipynb")))
    grading = [c.metadata.get("nbgrader", {}) for c in nb.cells if c.cell_type == "code"]
    assert sum(1 for g in grading if g.get("solution")) == 2
    assert sum(g.get("points", 0) for g in grading if g.get("grade")) == 2
