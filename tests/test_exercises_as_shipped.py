"""Exercise notebooks, as shipped, run top to bottom and every check says 'not attempted yet'."""
import pytest

from notebook_runner import ROOT, execute, notebooks, output_lines

EXERCISES = notebooks.exercise_notebooks()


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_untouched_exercises_report_not_attempted(path):
    nb = execute(path)
    verdicts = [
        line
        for cell in nb.cells
        if cell.cell_type == "code"
        for line in output_lines(cell)
        if line[:1] in {"✅", "❌", "⏳"}
    ]
    assert verdicts, f"{path.name} ran no check"
    wrong = [line for line in verdicts if "not attempted yet" not in line]
    assert not wrong, f"{path.relative_to(ROOT)}: {wrong}"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} raised {errors[0].get('ename')}: {errors[0].get('evalue')}"
