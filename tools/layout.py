"""Where the course's files live, and the constants the tools and tests share."""
from pathlib import Path

__all__ = [
    "ROOT",
    "LESSONS",
    "SOLUTIONS",
    "EXERCISES",
    "README",
    "CELL_TIMEOUT",
    "lesson_notebooks",
    "solution_notebooks",
    "exercise_notebooks",
    "exercise_path_for",
]

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
README = ROOT / "README.md"
CELL_TIMEOUT = 120  # seconds a notebook cell may take, here and in pytest.ini's --nbval-cell-timeout


def lesson_notebooks():
    return sorted(LESSONS.glob("[0-9][0-9]_*.ipynb"))


def solution_notebooks():
    return sorted(SOLUTIONS.glob("[0-9][0-9]_*_solutions.ipynb"))


def exercise_notebooks():
    return sorted(EXERCISES.glob("[0-9][0-9]_*_exercises.ipynb"))


def exercise_path_for(solution_path):
    """solutions/01_x_solutions.ipynb -> exercises/01_x_exercises.ipynb"""
    name = Path(solution_path).name
    if not name.endswith("_solutions.ipynb"):
        raise ValueError(f"{name}: solution notebooks are named NN_topic_solutions.ipynb")
    return EXERCISES / (name[: -len("_solutions.ipynb")] + "_exercises.ipynb")
