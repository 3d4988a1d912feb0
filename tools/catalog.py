"""The course catalog: every lesson's number, title, objectives, minutes and prerequisites.

The single source of the navigation: `tools/navigation.py` writes from it the header
cell of every notebook, the previous / map / next links, the course map in
`notebooks/00_start_here.ipynb` and the lesson table in the README.
"""
from dataclasses import dataclass

RELEASE_NOTES = "https://docs.djangoproject.com/en/4.1/releases/4.1/"


@dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    reading: int  # minutes of reading and running the lesson
    exercising: int  # minutes for the exercises
    objectives: tuple
    prerequisites: str
    change: str = ""  # anchor of the change in the 4.1 release notes

    @property
    def minutes(self):
        return self.reading + self.exercising

    @property
    def lesson(self):
        return f"notebooks/{self.number}_{self.slug}.ipynb"

    @property
    def exercises(self):
        return f"exercises/{self.number}_{self.slug}_exercises.ipynb"

    @property
    def solutions(self):
        return f"solutions/{self.number}_{self.slug}_solutions.ipynb"


LESSONS = (
    Lesson(
        "00",
        "start_here",
        "Start here: a Django 4.1 sandbox in your notebook",
        12,
        8,
        (
            "boot a complete Django 4.1.13 in one line, with no project to create and no database to install;",
            "find your way through the course: lessons, exercises, solutions, checks;",
            "recognise the three ways Django breaks inside a Jupyter kernel, and what the sandbox does about each.",
        ),
        "Python, and Django models, views and the test client at the level of the Django tutorial.",
    ),
    Lesson(
        "99",
        "cheat_sheet",
        "Cheat sheet: Django 4.1 on one page",
        15,
        0,
        (
            "recall each change of Django 4.1 as code before and since 4.1, with one example run;",
            "remember the one trap of each change, and what Django 5.0 did next.",
        ),
        "none; each section links to the lesson that explains it.",
    ),
)

