"""Watchdog: ``python -m course.postgres.watchdog KERNEL_PID PGDATA [RUNTIME]``.

Waits for the kernel process to end. If the PostgreSQL server in PGDATA is
still running then (the kernel was killed before it could clean up), it shuts
the server down immediately and deletes PGDATA. Exits as soon as PGDATA is
gone, so a normal clean-up ends it too. RUNTIME (pgserver's lock directory) is
deleted too when the kernel died.
"""
import os
import shutil
import signal
import sys
import time
from pathlib import Path


def alive(pid):
    """True while ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    import psutil  # a pgserver dependency; os.kill(pid, 0) would kill on Windows

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def postmaster_pid(pgdata):
    try:
        return int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main(kernel_pid, pgdata, runtime=None):
    while alive(kernel_pid) and pgdata.exists():
        time.sleep(0.5)
    if not pgdata.exists():
        return
    if runtime is not None:
        shutil.rmtree(runtime, ignore_errors=True)
    pid = postmaster_pid(pgdata)
    if pid and alive(pid):
        # SIGQUIT is PostgreSQL's "immediate shutdown" (Windows has no SIGQUIT).
        os.kill(pid, getattr(signal, "SIGQUIT", signal.SIGTERM))
        for _ in range(50):
            if not alive(pid):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    shutil.rmtree(pgdata, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
