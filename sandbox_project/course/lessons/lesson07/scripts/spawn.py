"""Run manage.py with the "spawn" start method, the default on macOS and Windows."""
import multiprocessing
import runpy
import sys

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn", force=True)
    sys.argv = sys.argv[1:]  # the path of manage.py, then its arguments
    runpy.run_path(sys.argv[0], run_name="__main__")
