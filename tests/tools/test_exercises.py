"""tools.exercises: solution regions become stubs; solution-only cells and outputs go (tiny fixture notebooks)."""
from pathlib import Path

import pytest

from tools import exercises, notebook_io

FIXTURE = Path(__file__).parent / "fixtures" / "98_fixture_solutions.ipynb"


def test_a_solution_notebook_becomes_an_exercise_notebook():
    nb = exercises.exercise_notebook(FIXTURE)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.source for cell in code] == [
        "def answer():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
        "class Shape:\n    # YOUR CODE HERE\n    ...",
        "check.ex1()",
    ]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_regions_must_be_closed_and_opened():
    with pytest.raises(exercises.RegionError, match="without ### END SOLUTION"):
        exercises.strip_solutions("x = 1\n### BEGIN SOLUTION\ny = 2", "here")
    with pytest.raises(exercises.RegionError, match="without ### BEGIN SOLUTION"):
        exercises.strip_solutions("### END SOLUTION", "here")


def test_module_level_regions_get_an_ellipsis_not_a_raise():
    assert exercises.strip_solutions("### BEGIN SOLUTION\nx = 1\n### END SOLUTION") == "# YOUR CODE HERE\n..."


def test_the_written_format_is_stable():
    nb = notebook_io.read(FIXTURE)
    assert notebook_io.dumps(nb) == notebook_io.dumps(notebook_io.read(FIXTURE))
    assert notebook_io.dumps(nb).endswith("}\n")
