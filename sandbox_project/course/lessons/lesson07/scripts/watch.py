"""Run a test script while watching its pool: report a hang as soon as there is evidence of one, then stop it.

Usage: python watch.py --kill|--interrupt SCRIPT ARGS...
"""
import _thread
import glob
import multiprocessing
import os
import runpy
import signal
import sys
import threading
import time


def watch_the_pool(action, places=2):
    """Wait for evidence of a hang (the pool replacing a dead worker), report it, then act on it."""
    seen = set()  # the worker processes the pool has started, for its `places`
    while len(seen) <= places:
        seen.update(p.pid for p in multiprocessing.active_children() if "PoolWorker" in p.name)
        time.sleep(0.02)
    print("[watcher] the pool replaced a dead worker; clone files:", sorted(glob.glob("*.sqlite3")), flush=True)
    if action == "--interrupt":  # what a person does at a hung run (Jupyter's Interrupt sends the same)
        _thread.interrupt_main()
    else:  # what a time limit does: kill the run and its workers at once (run_python made them a group)
        os.killpg(os.getpgrp(), signal.SIGKILL) if hasattr(os, "killpg") else os._exit(1)


if __name__ == "__main__":
    action, sys.argv = sys.argv[1], sys.argv[2:]  # the script, then its arguments
    threading.Thread(target=watch_the_pool, args=(action,), daemon=True).start()
    runpy.run_path(sys.argv[0], run_name="__main__")
