"""Where the course's files live, and the constants the tools and tests share."""
from pathlib import Path

__all__ = [
    "ROOT",
    "LESSONS",
    "SOLUTIONS",
    "EXERCISES",
    "README",
    "TEACHING",
    "CELL_TIMEOUT",
    "LESSON_GLOB",
    "DEEP_DIVE_GLOB",
    "lesson_notebooks",
    "core_notebooks",
    "deep_dive_notebooks",
    "solution_notebooks",
    "exercise_notebooks",
    "exercise_path_for",
]

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
README = ROOT / "README.md"
TEACHING = ROOT / "docs" / "TEACHING.md"
CELL_TIMEOUT = 120  # seconds a notebook cell may take, here and in pytest.ini's --nbval-cell-timeout


LESSON_GLOB = "[0-9][0-9]_*.ipynb"  # notebooks/01_async_views.ipynb
DEEP_DIVE_GLOB = "[0-9][0-9]b_*.ipynb"  # notebooks/01b_async_views_deep_dive.ipynb: optional, no exercises


def lesson_notebooks():
    """Return every notebook of notebooks/, deep dives included: each is executed, validated and checked alike."""
    return sorted(core_notebooks() + deep_dive_notebooks())


def core_notebooks():
    """Return the lessons and references (NN_*), without deep dives."""
    return sorted(LESSONS.glob(LESSON_GLOB))


def deep_dive_notebooks():
    """Return the optional companion notebooks (NNb_*)."""
    return sorted(LESSONS.glob(DEEP_DIVE_GLOB))


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
