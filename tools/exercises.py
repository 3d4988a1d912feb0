"""Generate exercises/NN_*_exercises.ipynb from solutions/NN_*_solutions.ipynb.

The solution notebooks are the single source. In them, solution code sits
between nbgrader's markers::

    ### BEGIN SOLUTION
    ...
    ### END SOLUTION

and each region becomes a stub in the exercise notebook, at the region's
indentation: ``# YOUR CODE HERE`` followed by ``raise NotImplementedError()``
(nbgrader's own stub) inside a function body, or by ``...`` in a class body or
at module level, where raising would stop the cell before the check runs.
Cells tagged ``solution-only`` are left out; the header and navigation cells are
the exercise notebook's own (tools/navigation.py). Outputs and execution counts are
dropped: exercise notebooks ship unexecuted. ``python -m tools build`` writes them.
"""
import re
from pathlib import Path

from . import catalog, layout, navigation, notebook_io

__all__ = ["BEGIN", "END", "RegionError", "strip_solutions", "solution_code", "exercise_notebook", "planned", "orphans"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
FUNCTION = re.compile(r"^\s*(async\s+)?def\s")


class RegionError(ValueError):
    pass


def stub_for(lines, begin_index, indent):
    """The stub's last line: raise inside a def, ``...`` elsewhere."""
    for line in reversed(lines[:begin_index]):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        line_indent = len(line) - len(line.lstrip())
        if line_indent < len(indent):
            return "raise NotImplementedError()" if FUNCTION.match(line) else "..."
    return "..."


def strip_solutions(source, where="cell"):
    """Replace every solution region of ``source`` with its stub."""
    lines = source.split("\n")
    out, index = [], 0
    while index < len(lines):
        line = lines[index]
        if line.strip() == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == END), None)
            if end is None:
                raise RegionError(f"{where}: {BEGIN} without {END}")
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}{stub_for(lines, index, indent)}")
            index = end + 1
            continue
        if line.strip() == END:
            raise RegionError(f"{where}: {END} without {BEGIN}")
        out.append(line)
        index += 1
    return "\n".join(out)


def solution_code(source):
    """Return ``source`` with its solution markers removed: the code a learner who solved it would have."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in (BEGIN, END))


def exercise_notebook(solution_path):
    """The exercise notebook generated from one solution notebook."""
    nb = notebook_io.read(solution_path)
    cells = []
    for number, cell in enumerate(nb.cells):
        if "solution-only" in notebook_io.tags(cell):
            continue
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{Path(solution_path).name} cell {number}")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    navigation.decorate(nb, catalog.lesson_for(solution_path), "exercises")
    return notebook_io.normalize_metadata(nb)


def planned():
    """(path, expected text) of every exercise notebook."""
    for solution in layout.solution_notebooks():
        yield layout.exercise_path_for(solution), notebook_io.dumps(exercise_notebook(solution))


def orphans():
    """Exercise notebooks that no solution notebook generates."""
    expected = {layout.exercise_path_for(solution) for solution in layout.solution_notebooks()}
    return sorted(set(layout.exercise_notebooks()) - expected)
