"""Notebook hygiene: what nbval cannot see on its own.

nbval (strict, run by `pytest` on notebooks/ and solutions/) compares stored outputs
with fresh ones. These tests make sure those stored outputs came from a clean
top-to-bottom run, that the three folders agree, and that exercises match solutions.
"""
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

from tests.notebook_runner import ROOT

from tools import exercises
from tools import catalog, layout, notebook_io

EXECUTED = layout.lesson_notebooks() + layout.solution_notebooks()
ALL = EXECUTED + layout.exercise_notebooks()
BOOT_LINE = "from course import boot; boot()"


def ids(paths):
    return [str(path.relative_to(ROOT)) for path in paths]


def code_cells(path):
    return [cell for cell in notebook_io.read(path).cells if cell.cell_type == "code"]


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_stored_outputs_come_from_one_top_to_bottom_run(path):
    counts = [cell.execution_count for cell in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; run `python -m tools refresh {path.relative_to(ROOT)}`"
    )


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_stored_outputs_are_clean(path):
    address = re.compile(r"0x[0-9a-f]{6,}")
    for number, cell in enumerate(code_cells(path)):
        tags = notebook_io.tags(cell)
        for output in cell.outputs:
            where = f"{path.name} code cell {number}"
            if output.output_type == "error":
                assert "raises-exception" in tags, f"{where} stores an error but is not tagged raises-exception"
            assert output.get("name") != "stderr", f"{where} writes to stderr: {output.get('text', '')[:120]!r}"
            assert not address.search(output_text(output)), f"{where} shows a memory address"
        if "raises-exception" in tags:
            assert any(o.output_type == "error" for o in cell.outputs), f"{path.name} code cell {number} is tagged raises-exception but raised nothing"


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
MAX_TRACEBACK_LINES = 8


def machine_paths():
    """What a stored output must never show: paths of the machine that ran it."""
    fixed = ["site-packages", "/tmp/", "/root/", "/home/", "/Users/", "ipykernel_"]
    here = [ROOT, Path.home(), Path(tempfile.gettempdir()), Path(sys.prefix), Path(sys.base_prefix)]
    # A folder shows as itself followed by a separator (`/root` must not match `/rooted`).
    found = fixed + [str(folder).rstrip(os.sep) + os.sep for folder in here if str(folder).strip(os.sep)]
    return re.compile("|".join(re.escape(text) for text in sorted(set(found), key=len, reverse=True)))


MACHINE = machine_paths()


def output_text(output):
    """Everything an output shows as text, ANSI colour codes stripped: stream text, text data
    (not base64 images), an error's name, value and traceback."""
    parts = [output.get("text", ""), output.get("ename", ""), output.get("evalue", "")]
    parts += output.get("traceback", [])
    for mime, value in output.get("data", {}).items():
        if mime.startswith("image/") and not mime.endswith("+xml"):
            continue  # base64: its "/" are no paths
        parts.append(value if isinstance(value, str) else json.dumps(value))
    return ANSI.sub("", "\n".join(part if isinstance(part, str) else "".join(part) for part in parts))


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_stored_outputs_show_no_machine_paths(path):
    found = []
    for number, cell in enumerate(code_cells(path)):
        for output in cell.outputs:
            shown = [line.strip() for line in output_text(output).splitlines() if MACHINE.search(line)]
            if shown:
                more = f" (and {len(shown) - 1} more lines)" if len(shown) > 1 else ""
                found.append(f"code cell {number} ({output.output_type}): {shown[0][:160]!r}{more}")
    assert not found, (
        f"{path.relative_to(ROOT)} stores machine paths (re-run it with `python -m tools refresh` once fixed):\n  "
        + "\n  ".join(found)
    )


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_stored_tracebacks_are_short(path):
    long = []
    for number, cell in enumerate(code_cells(path)):
        for output in cell.outputs:
            if output.output_type == "error":
                lines = ANSI.sub("", "\n".join(output.get("traceback", []))).strip("\n").splitlines()
                if len(lines) > MAX_TRACEBACK_LINES:
                    long.append(f"code cell {number}: {output.ename}, {len(lines)} lines")
    assert not long, f"{path.relative_to(ROOT)} stores tracebacks longer than {MAX_TRACEBACK_LINES} lines: {long}"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_notebook_boots_in_its_first_code_cell_and_uses_the_python3_kernel(path):
    nb = notebook_io.read(path)
    assert nb.metadata.kernelspec.name == "python3"
    first = code_cells(path)[0].source.strip()
    assert first == BOOT_LINE, f"{path.name}: the first code cell must be `{BOOT_LINE}`"


@pytest.mark.parametrize("path", layout.exercise_notebooks(), ids=ids(layout.exercise_notebooks()))
def test_exercise_notebooks_ship_unexecuted_with_stubs(path):
    cells = code_cells(path)
    assert all(cell.execution_count is None and not cell.outputs for cell in cells)
    assert any("# YOUR CODE HERE" in cell.source for cell in cells)
    assert not any(exercises.BEGIN in cell.source for cell in cells)


def test_lessons_exercises_and_solutions_share_numbers():
    def numbers(paths):
        return {path.name[:2] for path in paths}

    lessons = numbers(layout.lesson_notebooks()) - {lesson.number for lesson in catalog.LESSONS if not lesson.exercising}
    assert numbers(layout.solution_notebooks()) == lessons
    assert numbers(layout.exercise_notebooks()) == lessons
    for solution in layout.solution_notebooks():
        topic = solution.name[: -len("_solutions.ipynb")]
        assert (layout.LESSONS / f"{topic}.ipynb").exists(), f"{solution.name} has no lesson {topic}.ipynb"


def test_exercise_notebooks_are_generated_from_the_solutions():
    stale = [str(path) for path, text in exercises.planned() if path.read_text(encoding="utf-8") != text]
    assert stale == [] and exercises.orphans() == [], f"run `python -m tools build`: {stale}"


def test_the_generator_stubs_functions_with_raise_and_classes_with_ellipsis():
    source = (
        "def f():\n"
        "    ### BEGIN SOLUTION\n"
        "    return 1\n"
        "    ### END SOLUTION\n"
        "class C:\n"
        "    ### BEGIN SOLUTION\n"
        "    async def get(self): ...\n"
        "    ### END SOLUTION\n"
    )
    assert exercises.strip_solutions(source) == (
        "def f():\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n"
        "class C:\n"
        "    # YOUR CODE HERE\n"
        "    ...\n"
    )
    with pytest.raises(exercises.RegionError):
        exercises.strip_solutions("### BEGIN SOLUTION\nx = 1\n")
