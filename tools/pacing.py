"""Estimate each lesson's minutes from its notebook and compare them with the catalog's.

    python -m tools pacing            # one row per lesson 00-07: core, exercises, deep dive, OVER/ok
    python -m tools pacing --check    # the same; exit 1 if a core or a deep dive is over its minutes

The estimate, one formula for every notebook (a learner reading and running it once):

    minutes = Markdown words / 150  +  0.5 per code cell  +  code lines / 20, rounded up

over the notebook's Markdown and code cells, without the cells tools/navigation.py generates
(tagged ``course-header``, ``course-nav`` and ``course-map``). Words are the whitespace-separated
words of the Markdown source; code lines are the non-blank lines of the code cells' source.
A core (``NN_slug``) is compared with the catalog's ``reading`` minutes, a deep dive
(``NNb_slug_deep_dive``) with its ``DeepDive.minutes``; the exercises keep their declared
``exercising`` minutes. References (98, 99) are not paced.
"""
import math
from dataclasses import dataclass

from . import catalog, layout, navigation, notebook_io

__all__ = ["FORMULA", "WORDS_PER_MINUTE", "MINUTES_PER_CELL", "LINES_PER_MINUTE", "Estimate", "estimate", "rows", "report"]

WORDS_PER_MINUTE = 150
MINUTES_PER_CELL = 0.5
LINES_PER_MINUTE = 20
FORMULA = (
    f"Markdown words / {WORDS_PER_MINUTE} per minute + {MINUTES_PER_CELL} min per code cell + "
    f"code lines / {LINES_PER_MINUTE} per minute, rounded up (generated header, navigation and map cells excluded)"
)
GENERATED = {*navigation.OWNED, "course-map"}


@dataclass(frozen=True)
class Estimate:
    words: int
    code_cells: int
    code_lines: int

    @property
    def minutes(self):
        exact = self.words / WORDS_PER_MINUTE + MINUTES_PER_CELL * self.code_cells + self.code_lines / LINES_PER_MINUTE
        return math.ceil(round(exact, 6))  # 12.0000001 from float sums is 12, not 13


def estimate(nb):
    """Return the Estimate of a notebook (a path or a read notebook)."""
    if not hasattr(nb, "cells"):
        nb = notebook_io.read(nb)
    words = cells = lines = 0
    for cell in nb.cells:
        if notebook_io.tags(cell) & GENERATED:
            continue
        if cell.cell_type == "markdown":
            words += len(cell.source.split())
        elif cell.cell_type == "code":
            cells += 1
            lines += sum(1 for line in cell.source.splitlines() if line.strip())
    return Estimate(words, cells, lines)


def paced_lessons():
    return [lesson for lesson in catalog.LESSONS if int(lesson.number) < 90]


def rows():
    """Yield (lesson, core minutes, deep-dive minutes or None, over) for every paced lesson."""
    for lesson in paced_lessons():
        core = estimate(layout.ROOT / lesson.lesson).minutes
        deep = None
        over = core > lesson.reading
        if lesson.deep_dive is not None:
            path = layout.ROOT / lesson.deep_dive_notebook
            deep = estimate(path).minutes if path.exists() else None
            over = over or deep is None or deep > lesson.deep_dive.minutes
        yield lesson, core, deep, over


def report(out=print):
    """Print the pacing table; return True if no core and no deep dive is over its minutes."""
    out(f"Pacing estimate: {FORMULA}.")
    out(f"{'#':<3} {'core est / reading':>18}  {'exercises':>9}  {'deep dive est / declared':>24}  verdict")
    fine = True
    for lesson, core, deep, over in rows():
        if lesson.deep_dive is None:
            dive = "–"
        else:
            dive = f"{'missing' if deep is None else deep} / {lesson.deep_dive.minutes}"
        out(f"{lesson.number:<3} {f'{core} / {lesson.reading}':>18}  {lesson.exercising:>9}  {dive:>24}  {'OVER' if over else 'ok'}")
        fine = fine and not over
    return fine
