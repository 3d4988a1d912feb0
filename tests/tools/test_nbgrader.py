"""The solution notebooks work with nbgrader: its own ClearSolutions strips them like our generator.

nbgrader's `ClearSolutions` preprocessor replaces each `### BEGIN SOLUTION` /
`### END SOLUTION` region with `# YOUR CODE HERE` and `raise NotImplementedError()`.
`tools/exercises.py` does the same, with one deliberate difference: where the
region is a class body or module-level code, it writes `...` instead of the `raise`,
because a `raise` there stops the cell before the check can say "not attempted yet".
The cells carry no nbgrader cell metadata, so nbgrader runs with
`enforce_metadata=False` (see docs/TEACHING.md).
"""
import pytest
from nbgrader.preprocessors import ClearSolutions



from tools import exercises
from tools import layout, notebook_io

SOLUTIONS = layout.solution_notebooks()


def nbgrader_exercise(path):
    nb = notebook_io.read(path)
    preprocessor = ClearSolutions(enforce_metadata=False)
    nb, _ = preprocessor.preprocess(nb, {"language": "python"})
    return nb


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_nbgrader_strips_our_solutions_as_our_generator_does(path):
    # Cells tagged `solution-only` are ours to drop; nbgrader keeps every cell.
    theirs = [
        c.source
        for c in nbgrader_exercise(path).cells
        if c.cell_type == "code" and "solution-only" not in notebook_io.tags(c)
    ]
    ours = [
        c.source
        for c in exercises.exercise_notebook(path).cells
        if c.cell_type == "code"
    ]
    assert len(theirs) == len(ours)
    for their, our in zip(theirs, ours):
        assert exercises.BEGIN not in their and exercises.END not in their
        their_lines, our_lines = their.split("\n"), our.split("\n")
        assert len(their_lines) == len(our_lines)
        for a, b in zip(their_lines, our_lines):
            if a != b:
                # the one deliberate difference: `...` where nbgrader raises outside a function
                assert a.strip() == "raise NotImplementedError()" and b.strip() == "...", (a, b)
                assert a[: len(a) - len(a.lstrip())] == b[: len(b) - len(b.lstrip())]
