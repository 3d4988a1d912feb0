"""Generate exercises/NN_*_exercises.ipynb from solutions/NN_*_solutions.ipynb.

    python tools/make_exercises.py           # (re)write every exercise notebook
    python tools/make_exercises.py --check   # exit 1 if any exercise notebook drifted

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
dropped: exercise notebooks ship unexecuted.
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import notebooks  # noqa: E402

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


def has_solution(source):
    return any(line.strip() == BEGIN for line in source.split("\n"))


def exercise_notebook(solution_path):
    """The exercise notebook generated from one solution notebook."""
    import navigation

    nb = notebooks.read(solution_path)
    cells = []
    for number, cell in enumerate(nb.cells):
        if "solution-only" in notebooks.tags(cell):
            continue
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{Path(solution_path).name} cell {number}")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    navigation.decorate(nb, navigation.lesson_for(solution_path), "exercises")
    return notebooks.normalize_metadata(nb)


def main(argv):
    check = "--check" in argv
    drifted = []
    expected = set()
    for solution in notebooks.solution_notebooks():
        target = notebooks.exercise_path_for(solution)
        expected.add(target)
        text = notebooks.dumps(exercise_notebook(solution))
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            drifted.append(f"{target.relative_to(notebooks.ROOT)} differs from what {solution.name} generates")
        else:
            target.parent.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(notebooks.ROOT)}")
    for orphan in set(notebooks.exercise_notebooks()) - expected:
        drifted.append(f"{orphan.relative_to(notebooks.ROOT)} has no solution notebook")
    if drifted:
        print("Exercise notebooks are out of date; run `python tools/make_exercises.py`:")
        print("\n".join(f"  {line}" for line in drifted))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
