"""Execute notebooks in a fresh kernel from the tests (nbclient, this interpreter)."""
import copy
from pathlib import Path

import nbformat

from tools import layout, notebook_io

ROOT = layout.ROOT


def execute(path, *, cwd=None, times=1, env=None):
    """Run every cell ``times`` times in one fresh kernel; return the executed notebook.

    ``raises-exception`` cells may raise; any other error raises CellExecutionError.
    The outputs kept are those of the last run.
    """
    original = nbformat.read(str(path), as_version=4)
    nb = nbformat.v4.new_notebook(metadata=original.metadata)
    nb.cells = [copy.deepcopy(cell) for _ in range(times) for cell in original.cells]
    notebook_io.execute(nb, cwd or Path(path).parent, env=env)
    nb.cells = nb.cells[-len(original.cells):] if original.cells else []
    return nb


def output_lines(cell):
    text = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            text.append(output.get("text", ""))
        elif output.get("output_type") in {"execute_result", "display_data"}:
            text.append(output.get("data", {}).get("text/plain", ""))
    return "".join(text).splitlines()
