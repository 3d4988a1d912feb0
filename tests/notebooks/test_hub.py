"""A real JupyterHub serves the course: two learners run a notebook through the hub at once.

tools/classroom/hub.py starts JupyterHub (tools/classroom/jupyterhub_config.py) with
configurable-http-proxy, SimpleLocalProcessSpawner and the dummy authenticator on
127.0.0.1, spawns both servers through the REST API, and runs the solved warm-ups
cell by cell over the kernel websocket through the proxy. Skipped, in one line, where
configurable-http-proxy or JupyterHub is not installed (tools/classroom/ci-install.sh,
requirements-dev.txt); on CI (``CI`` set) that is a failure instead.
The load test with more users is a script: tools/classroom/hub_load.py.
"""
import asyncio
import os

import pytest


pytestmark = pytest.mark.hub

NOTEBOOK = "solutions/00_start_here_solutions.ipynb"
USERS = ("ada", "grace")


def _missing_or_skip():
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        reason = "JupyterHub is not installed (python -m pip install -r requirements-dev.txt)"
    else:
        from tools.classroom.hub import find_proxy

        if find_proxy() is not None:
            return
        reason = "configurable-http-proxy is not installed (bash tools/classroom/ci-install.sh)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the hub test: {reason}")
    pytest.skip(reason)


def test_learners_run_a_notebook_through_the_hub():
    _missing_or_skip()
    from tools.classroom.hub import Hub
    from tools.classroom.hub_load import expected_checks

    async def lesson():
        hub = Hub(transport="ipc")
        try:
            await hub.start()
            await hub.create_users(USERS)
            await asyncio.gather(*(hub.spawn(name) for name in USERS))
            runs = await asyncio.gather(*(hub.run_notebook(name, NOTEBOOK, cell_timeout=120) for name in USERS))
        finally:
            await hub.astop()
        return hub, runs

    hub, runs = asyncio.run(lesson())
    for run in runs:
        assert not run.errors, (run.user, run.errors)
        assert not run.kernel_start_failed, run.user
        assert run.transport.startswith("ipc"), run.transport
        assert len(run.checks) == expected_checks(NOTEBOOK) > 0, (run.user, run.checks)
        for line in run.checks:
            assert line.startswith("✅ PASSED"), (run.user, line)
    processes, directory_left = hub.leftovers()
    assert not processes, [f"{p.pid} {p.name()}" for p in processes]
    assert not directory_left, hub.root
