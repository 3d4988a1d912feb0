"""Re-execute notebooks in place, top to bottom, each in a fresh kernel; then rebuild what is generated.

Run it after editing a lesson or a solution: the stored outputs are then the
ones ``pytest`` (nbval, strict mode) reproduces, and execution counts are 1..n.
A cell that raises stops the notebook's refresh with an error unless it is
tagged ``raises-exception`` (a deliberate demonstration).
"""
import time
from pathlib import Path

from nbclient.exceptions import CellExecutionError

from . import build, layout, notebook_io

__all__ = ["refresh", "refresh_all"]


def refresh(path):
    """Re-execute one notebook in place; return the seconds it took."""
    nb = notebook_io.clear_outputs(notebook_io.read(path))
    started = time.monotonic()
    notebook_io.execute(nb, Path(path).parent)
    notebook_io.write(notebook_io.normalize_metadata(nb), path)
    return time.monotonic() - started


def refresh_all(paths=(), out=print):
    """Refresh ``paths`` (default: every lesson and solution), then rebuild; True if every notebook ran."""
    paths = [Path(p) for p in paths] or layout.lesson_notebooks() + layout.solution_notebooks()
    failed = []
    for path in paths:
        if path.resolve().parent == layout.EXERCISES:
            out(f"skip {path}: exercise notebooks are generated from the solutions")
            continue
        try:
            out(f"refreshed {path} in {refresh(path):.1f} s")
        except CellExecutionError as error:
            failed.append(path)
            out(f"FAILED {path}:\n{str(error)[-2000:]}")
    build.build(out=out)
    return not failed
