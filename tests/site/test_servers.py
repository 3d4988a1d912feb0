"""Real servers the lessons start: uvicorn on loopback, the embedded PostgreSQL."""
import os

import httpx
import pytest

from course import data, postgres, processes
from course.servers import asgi_server, port_is_open
from tests.helpers import postgres_or_skip


def test_asgi_server_serves_the_sandbox_on_loopback_and_stops():
    data.seed()
    with asgi_server() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        port = int(base_url.rsplit(":", 1)[1])
        assert port_is_open(port)
        response = httpx.get(f"{base_url}/stats/")
        assert response.json() == {"books": 6, "open_loans": 1}
    assert not port_is_open(port)


def test_asgi_server_stops_when_the_block_raises():
    with pytest.raises(ZeroDivisionError):
        with asgi_server() as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            1 / 0
    assert not port_is_open(port)


def test_postgres_starts_registers_an_alias_and_leaves_nothing_behind():
    postgres_or_skip()
    from django.db import connections

    alias = postgres.start()
    assert postgres.start() == alias == "postgres"  # once per kernel
    directory = postgres._state["directory"]
    with connections[alias].cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)
    assert connections[alias].pg_version >= 110000  # Django 4.1 needs PostgreSQL 11+
    postgres.stop()
    assert not os.path.exists(directory)


def test_child_processes_are_killed_at_the_time_limit_and_clean_up():
    finished = processes.run_python(["-c", "import time; print('started', flush=True); time.sleep(30)"], timeout=1)
    assert finished.timed_out and not finished.ok
    assert "started" in finished.output


def test_manage_py_runs_the_library_sites_checks():
    finished = processes.manage("check", timeout=60)
    assert finished.ok, finished.output
    assert "System check identified no issues" in finished.output
    assert finished.leftovers == []
