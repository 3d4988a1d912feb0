"""End to end in a real browser: JupyterLab on 127.0.0.1, driven by headless Chromium.

The test copies the course to a temporary folder (JupyterLab saves notebooks, and the
checkout must stay untouched), starts JupyterLab on a free loopback port with a token
and no browser of its own, opens 00_start_here and one lesson in Debian's Chromium
(driven by Playwright; no browser is downloaded), runs all cells through the menu,
saves, and asserts from the saved file that every code cell ran and that only cells
tagged `raises-exception` show an error. A screenshot of each notebook is kept.
JupyterLab is always shut down.
"""
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from course.servers import free_port
from notebook_runner import ROOT, notebooks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOKS = ["notebooks/00_start_here.ipynb", "notebooks/06_div_forms_json_script.ipynb"]
ARTIFACTS = Path(os.environ.get("COURSE_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "django41-course-artifacts")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test, but Chromium is missing (.ci/run installs it)", pytrace=False)
    pytest.skip(
        "no Chromium: install Debian's package (`apt-get install chromium`) to run the browser test",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def jupyterlab():
    """JupyterLab serving a temporary copy of the course; yields (base URL, token, course copy)."""
    base = Path(tempfile.mkdtemp(prefix="django41-course-lab-"))
    course = base / "course"
    for name in ("notebooks", "exercises", "solutions"):
        shutil.copytree(ROOT / name, course / name)
    # No "Would you like to get notified about official Jupyter news?" pop-up over the page.
    notification = base / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--port-retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={course}",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/status", params={"token": token}, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "JupyterLab exited at start"
            assert time.monotonic() < deadline, "JupyterLab did not start within 60 s"
            time.sleep(0.25)
        yield url, token, course
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(base, ignore_errors=True)


def run_all_in_the_browser(page, url, token, relative, saved_file, seconds=240):
    """Open a notebook, Run All Cells from the menu, save until the file shows every cell ran."""
    # A workspace of its own per notebook, so that JupyterLab does not reopen the previous one beside it.
    workspace = Path(relative).stem.replace("_", "-")
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{relative}?token={token}&reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # The status bar says "Python 3 (ipykernel) | Idle" once the kernel is up and connected.
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)
    deadline = time.monotonic() + seconds
    asked, code = None, []
    while True:
        if asked is None or (time.monotonic() - asked > 20 and not any(c.execution_count for c in code)):
            # (again) if nothing has started 20 s after asking: a busy machine can swallow the first click
            page.keyboard.press("Escape")
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.click("li[data-command='runmenu:run-all']", timeout=10_000)
            asked = time.monotonic()
        page.wait_for_timeout(1000)
        page.keyboard.press("Control+s")
        page.wait_for_timeout(500)
        code = [cell for cell in notebooks.read(saved_file).cells if cell.cell_type == "code"]
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        if (idle and code and all(cell.execution_count for cell in code)) or time.monotonic() > deadline:
            return code


def test_notebooks_run_all_in_jupyterlab_in_chromium(jupyterlab):
    from playwright.sync_api import sync_playwright

    url, token, course = jupyterlab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            for relative in NOTEBOOKS:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                code = run_all_in_the_browser(page, url, token, relative, course / relative)
                screenshot = ARTIFACTS / (Path(relative).stem + ".png")
                page.screenshot(path=str(screenshot), full_page=False)
                page.close()
                errors = [
                    (number, output.get("ename"), output.get("evalue", "")[:200])
                    for number, cell in enumerate(code)
                    for output in cell.outputs
                    if output.output_type == "error" and "raises-exception" not in notebooks.tags(cell)
                ]
                assert errors == [], f"{relative}: cells show errors in the browser: {errors}"
                missing = [number for number, cell in enumerate(code) if not cell.execution_count]
                assert not missing, f"{relative}: code cells {missing} did not run in the browser"
                print(f"screenshot: {screenshot}")
        finally:
            browser.close()
