"""A learner validates a finished exercise notebook: `python -m pytest --nbval-lax exercises/NN_…_exercises.ipynb`.

Each check cell is one test: a passed exercise passes; a failed or untouched one fails with the
check's one line as the message. The run happens in a copy of the checkout's pytest set-up
(pytest.ini, conftest.py), as a learner's would, on lesson 00's exercises.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import exercises, layout

ROOT = layout.ROOT
EXERCISE = "00_start_here_exercises.ipynb"
SOLUTION = ROOT / "solutions" / "00_start_here_solutions.ipynb"


@pytest.fixture
def checkout(tmp_path):
    """A learner's checkout, as far as pytest sees it."""
    for name in ("pytest.ini", "conftest.py", "tests/nbval_sanitize.cfg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / EXERCISE, tmp_path / "exercises" / EXERCISE)
    return tmp_path


def solve(path, wrong=None):
    """Put the solutions' code into the exercise cells; ``wrong`` replaces the code of function ``name``."""
    solved = [c.source for c in nbformat.read(str(SOLUTION), as_version=4).cells if "### BEGIN SOLUTION" in c.source]
    nb = nbformat.read(str(path), as_version=4)
    stubs = [c for c in nb.cells if c.cell_type == "code" and "# YOUR CODE HERE" in c.source]
    assert len(stubs) == len(solved) == 2
    for cell, source in zip(stubs, solved):
        cell.source = exercises.solution_code(source)
        if wrong and cell.source.lstrip().startswith(wrong[0]):
            cell.source = wrong[1]
    nbformat.write(nb, str(path))


def validate(checkout):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "--nbval-lax", f"exercises/{EXERCISE}"],
        cwd=checkout, capture_output=True, text=True, timeout=300, check=False,
    )
    failed = re.findall(r"^FAILED \S+::Cell (\d+)", result.stdout, re.M)
    return result, [int(n) for n in failed]


def test_the_exercises_as_shipped_fail_every_check_as_not_attempted(checkout):
    result, failed = validate(checkout)
    assert len(failed) == 2, result.stdout[-3000:]
    # each line stands in the failure's report, and again in the summary where the terminal is wide enough
    lines = set(re.findall(r"^(⏳ NOT ATTEMPTED · Exercise 0\.\d: .*)$", result.stdout, re.M))
    assert len(lines) == 2, result.stdout[-3000:]
    assert "checking.py" not in result.stdout and "site-packages" not in result.stdout


def test_the_solutions_code_passes_every_check(checkout):
    solve(checkout / "exercises" / EXERCISE)
    result, failed = validate(checkout)
    assert result.returncode == 0 and failed == [], result.stdout[-3000:]


def test_one_wrong_answer_fails_exactly_that_exercise_with_its_line(checkout):
    solve(checkout / "exercises" / EXERCISE, wrong=("def count_books_by", "def count_books_by(name):\n    return 0"))
    result, failed = validate(checkout)
    assert len(failed) == 1, result.stdout[-3000:]
    assert re.search(r"^❌ FAILED · Exercise 0\.1: .* Hint: ", result.stdout, re.M), result.stdout[-3000:]
    assert "Exercise 0.2" not in result.stdout.split("short test summary")[0].split("FAILURES")[-1]
