"""Re-execute notebooks in place, top to bottom, each in a fresh kernel.

    python tools/refresh_notebooks.py                       # every lesson and solution, then exercises
    python tools/refresh_notebooks.py notebooks/01_*.ipynb  # just these

Run it after editing a lesson or a solution: the stored outputs are then the
ones ``pytest`` (nbval, strict mode) reproduces, and execution counts are 1..n.
A cell that raises stops the refresh with an error unless it is tagged
``raises-exception`` (a deliberate demonstration). Exercise notebooks are
regenerated from the solutions afterwards (they ship unexecuted).
"""
import sys
import time
from pathlib import Path

from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_exercises  # noqa: E402
import notebooks  # noqa: E402

CELL_TIMEOUT = 120


def refresh(path):
    nb = notebooks.read(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    started = time.monotonic()
    notebooks.execute(nb, Path(path).parent, timeout=CELL_TIMEOUT)
    notebooks.write(notebooks.normalize_metadata(nb), path)
    return time.monotonic() - started


def main(argv):
    paths = [Path(arg) for arg in argv] or notebooks.lesson_notebooks() + notebooks.solution_notebooks()
    failed = []
    for path in paths:
        if path.parent.resolve() == notebooks.EXERCISES:
            print(f"skip {path}: exercise notebooks are generated (tools/make_exercises.py)")
            continue
        try:
            seconds = refresh(path)
        except CellExecutionError as error:
            failed.append(path)
            print(f"FAILED {path}:\n{str(error)[-2000:]}")
            continue
        print(f"refreshed {path} ({seconds:.1f} s)")
    make_exercises.main([])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
