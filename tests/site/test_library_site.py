"""The library site runs as an ordinary Django project: its test suite, runserver, uvicorn."""
import time

import httpx

from course import processes
from course.servers import free_port

MIGRATED = "migrate --no-input -v 0"


def wait_for(url, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


def serve(command, tmp_path, port):
    """Start a server for the library site in the background; return (process, first response)."""
    import subprocess
    import sys

    env = processes.child_environment(
        DJANGO_SETTINGS_MODULE="library_site.settings", LIBRARY_DB=str(tmp_path / "library.sqlite3")
    )
    subprocess.run([sys.executable, str(processes.MANAGE_PY), *MIGRATED.split()], env=env, check=True, cwd=tmp_path)
    process = subprocess.Popen(
        [sys.executable, *command],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return wait_for(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_its_own_test_suite_passes_with_manage_py_test():
    finished = processes.manage("test", "--no-input", timeout=120)
    assert finished.ok, finished.output
    assert "OK" in finished.output.splitlines()
    assert finished.leftovers == []


def test_it_runs_under_runserver(tmp_path):
    port = free_port()
    response = serve([str(processes.MANAGE_PY), "runserver", "--noreload", f"127.0.0.1:{port}"], tmp_path, port)
    assert response.status_code == 200 and "<h1>Books</h1>" in response.text


def test_it_runs_under_an_asgi_server(tmp_path):
    port = free_port()
    response = serve(
        ["-m", "uvicorn", "library_site.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        tmp_path,
        port,
    )
    assert response.status_code == 200 and "<h1>Books</h1>" in response.text
