"""End to end in a real browser: the README's JupyterLab command, driven by headless Chromium.

The test copies the repository root to a temporary folder (JupyterLab saves notebooks, and
the checkout must stay untouched) and starts JupyterLab there with exactly the command line
of the README's `bash` block, adding only what a headless run needs: no browser of its own,
a free loopback port, a token, `--allow-root` where it runs as root, and private Jupyter
config, data, runtime, settings and workspace folders (environment variables).

In Debian's Chromium (driven by Playwright; no browser is downloaded) it then

* opens the URL the README's command opens (00_start_here), and sees no news pop-up and no
  nbgrader menu, as a learner would;
* follows, by clicking in the rendered notebook, the lesson's link to its exercises and the
  exercises' link to their solutions, sees each notebook open, runs it, and reads the verdict
  of the checks on the page ("NOT ATTEMPTED" as shipped, "PASSED" solved);
* runs all cells of two lessons through the menu, saves, and asserts from the saved file that
  every code cell ran and that only cells tagged `raises-exception` show an error.

A screenshot of each notebook is kept. JupyterLab, and every kernel it started, is always stopped.

nbgrader: learners install requirements.txt, which has no nbgrader; the test suite runs with
requirements-dev.txt, which has it, and nbgrader adds a menu and a toolbar button to JupyterLab.
The test's private Jupyter config disables nbgrader's JupyterLab and server extensions, so that
the browser shows what a learner's install shows; the menu assertion is then unconditional.
"""
import html
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest

from course.servers import free_port
from tests.notebook_runner import ROOT
from tools import notebook_io

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOKS = ["notebooks/00_start_here.ipynb", "notebooks/06_div_forms_json_script.ipynb"]
START = "notebooks/00_start_here.ipynb"
START_EXERCISES = "exercises/00_start_here_exercises.ipynb"
START_SOLUTIONS = "solutions/00_start_here_solutions.ipynb"
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
NEWS_PROMPT = "official Jupyter news"
# The active notebook of the main area (hidden tabs' panels stay in the page).
ACTIVE = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)"
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.pyc", "db.sqlite3", ".ipynb_checkpoints")

if not CHROMIUM:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test, but Chromium is missing (.ci/run installs it)", pytrace=False)
    pytest.skip(
        "no Chromium: install Debian's package (`apt-get install chromium`) to run the browser test",
        allow_module_level=True,
    )


def readme_command():
    """The README's command that starts JupyterLab: the one line of its ```bash blocks naming jupyterlab."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [
        line
        for block in re.findall(r"^```bash\n(.*?)^```", text, flags=re.M | re.S)
        for line in block.splitlines()
        if "jupyterlab" in line
    ]
    assert len(lines) == 1, f"README.md: expected one `jupyterlab` line in its bash blocks, found {lines}"
    words = shlex.split(lines[0], comments=True)
    assert words[:3] == ["python", "-m", "jupyterlab"], f"README.md: unexpected start command {words}"
    return words


@dataclass
class Lab:
    url: str  # http://127.0.0.1:PORT
    token: str
    course: Path  # the copy of the repository root JupyterLab serves
    open_url: str  # what the README's command opens in a browser


def nbgrader_disabled_config(config_dir):
    """Private Jupyter config with nbgrader's JupyterLab and server extensions turned off (see the docstring)."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text('{"disabledExtensions": {"@jupyter/nbgrader": true}}')
    extensions = [
        "nbgrader.server_extensions.formgrader",
        "nbgrader.server_extensions.validate_assignment",
        "nbgrader.server_extensions.assignment_list",
        "nbgrader.server_extensions.course_list",
    ]
    body = ", ".join(f'"{name}": false' for name in extensions)
    (config_dir / "jupyter_server_config.json").write_text(f'{{"ServerApp": {{"jpserver_extensions": {{{body}}}}}}}')


def stop(server):
    """Stop JupyterLab and every process it started (kernels run in sessions of their own)."""
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.Error:
        children = []
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(children, timeout=10)


@pytest.fixture(scope="module")
def jupyterlab():
    """JupyterLab started with the README's command in a temporary copy of the repository root."""
    base = Path(tempfile.mkdtemp(prefix="django41-course-lab-"))
    course = base / "course"
    shutil.copytree(ROOT, course, ignore=NOT_COPIED)
    nbgrader_disabled_config(base / "config")
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
    }
    headless = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]
    command = [sys.executable, *readme_command()[1:], *headless]
    log = (base / "jupyterlab.log").open("wb")
    server = subprocess.Popen(
        command, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"

    def output():
        return (base / "jupyterlab.log").read_text(errors="replace")[-3000:]

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/api/status", params={"token": token}, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, f"JupyterLab exited at start:\n{output()}"
            assert time.monotonic() < deadline, f"JupyterLab did not start within 90 s:\n{output()}"
            time.sleep(0.25)
        # What a browser would open: the file-to-run page where a file was named, else the server's.
        runtime = base / "runtime"
        pages = [runtime / f"jpserver-file-to-run-{server.pid}-open.html", runtime / f"jpserver-{server.pid}-open.html"]
        opened = next((p for p in pages if p.exists()), None)
        assert opened, f"no jpserver-*-open.html in {sorted(os.listdir(runtime))}"
        found = re.search(r'href="([^"]+)"', opened.read_text(encoding="utf-8"))
        assert found, f"{opened.name} names no URL"
        yield Lab(url, token, course, html.unescape(found.group(1)))
    finally:
        stop(server)
        log.close()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def screenshot(page, relative):
    path = ARTIFACTS / (Path(relative).stem + ".png")
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")


def wait_until_open(page, relative, seconds=60):
    """The notebook's tab is the current one in the main area, and its cells show."""
    from playwright.sync_api import expect

    name = Path(relative).name
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    expect(tab).to_have_text(name, timeout=seconds * 1000)
    expect(page.locator(f"{ACTIVE} .jp-Cell").first).to_be_visible(timeout=seconds * 1000)
    # The page title starts with the current tab's name, cut after 12 characters: "00_start_her… - JupyterLab".
    expect(page).to_have_title(re.compile("^" + re.escape(name[:12])), timeout=seconds * 1000)
    # The status bar says "Python 3 (ipykernel) | Idle" once the kernel is up and connected.
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)


def run_all(page, saved_file, seconds=240):
    """Run All Cells of the current notebook from the menu; save until the file shows every cell ran."""
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
        code = [cell for cell in notebook_io.read(saved_file).cells if cell.cell_type == "code"]
        idle = page.locator(f"{ACTIVE} .jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        if (idle and code and all(cell.execution_count for cell in code)) or time.monotonic() > deadline:
            return code


def assert_all_ran_without_unexpected_errors(relative, code):
    errors = [
        (number, output.get("ename"), output.get("evalue", "")[:200])
        for number, cell in enumerate(code)
        for output in cell.outputs
        if output.output_type == "error" and "raises-exception" not in notebook_io.tags(cell)
    ]
    assert errors == [], f"{relative}: cells show errors in the browser: {errors}"
    missing = [number for number, cell in enumerate(code) if not cell.execution_count]
    assert not missing, f"{relative}: code cells {missing} did not run in the browser"


def assert_verdict_on_the_page(page, relative, word):
    """A check's one-line verdict, e.g. `⏳ NOT ATTEMPTED · Exercise 0.1: …`, shows as text in the notebook."""
    from playwright.sync_api import expect

    line = page.locator(f"{ACTIVE} .jp-OutputArea-output").filter(has_text=re.compile(rf"· Exercise [0-9.]+:"))
    verdict = line.filter(has_text=word).first
    verdict.wait_for(state="attached", timeout=30_000)
    verdict.scroll_into_view_if_needed()
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text(word)
    others = {"PASSED", "FAILED", "NOT ATTEMPTED"} - {word}
    shown = [line.nth(i).inner_text() for i in range(line.count())]
    wrong = [text for text in shown if any(other in text for other in others)]
    assert not wrong, f"{relative}: checks on the page say {wrong}, expected {word}"


def assert_no_news_prompt_and_no_nbgrader_menu(page):
    from playwright.sync_api import expect

    assert page.get_by_text(NEWS_PROMPT).count() == 0, "JupyterLab asks about Jupyter news"
    menus = page.get_by_role("menubar").first.get_by_role("menuitem")
    expect(menus.filter(has_text=re.compile(r"^Help$"))).to_have_count(1)  # the menu bar is complete
    labels = [label.strip() for label in menus.all_inner_texts()]
    assert not [label for label in labels if "nbgrader" in label.lower()], f"an nbgrader menu: {labels}"
    assert page.locator(f"{ACTIVE} .jp-Toolbar").get_by_text("Validate").count() == 0, "an nbgrader Validate button"


def click_link(page, name):
    """Click a link of the rendered notebook, as a learner would."""
    link = page.locator(f"{ACTIVE} .jp-MarkdownOutput").get_by_role("link", name=name, exact=True).first
    link.scroll_into_view_if_needed()
    link.click()


def open_what_the_readme_command_opens(lab, browser):
    assert urlsplit(lab.open_url).path == f"/lab/tree/{START}", f"the README's command opens {lab.open_url}"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(lab.open_url, wait_until="domcontentloaded")
    wait_until_open(page, START)
    return page


def test_the_readme_command_opens_start_here_with_no_news_prompt_and_no_nbgrader_menu(jupyterlab, browser):
    page = open_what_the_readme_command_opens(jupyterlab, browser)
    try:
        page.wait_for_timeout(3000)  # the news prompt, where there is one, comes shortly after the page
        screenshot(page, START)
        assert_no_news_prompt_and_no_nbgrader_menu(page)
    finally:
        page.close()


def test_clicking_start_heres_links_opens_its_exercises_then_their_solutions(jupyterlab, browser):
    lab = jupyterlab
    page = open_what_the_readme_command_opens(lab, browser)
    try:
        # lesson -> exercises, from the lesson's header
        click_link(page, Path(START_EXERCISES).name)
        wait_until_open(page, START_EXERCISES)
        assert_all_ran_without_unexpected_errors(START_EXERCISES, run_all(page, lab.course / START_EXERCISES))
        assert_verdict_on_the_page(page, START_EXERCISES, "NOT ATTEMPTED")
        screenshot(page, START_EXERCISES)

        # exercises -> solutions, from the exercises' header
        click_link(page, Path(START_SOLUTIONS).name)
        wait_until_open(page, START_SOLUTIONS)
        assert_all_ran_without_unexpected_errors(START_SOLUTIONS, run_all(page, lab.course / START_SOLUTIONS))
        assert_verdict_on_the_page(page, START_SOLUTIONS, "PASSED")
        screenshot(page, START_SOLUTIONS)
    finally:
        page.close()


@pytest.mark.parametrize("relative", NOTEBOOKS)
def test_notebook_runs_all_in_jupyterlab_in_chromium(jupyterlab, browser, relative):
    lab = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # A workspace of its own per notebook, so that JupyterLab does not reopen the previous one beside it.
        workspace = Path(relative).stem.replace("_", "-")
        address = f"{lab.url}/lab/workspaces/{workspace}/tree/{relative}?token={lab.token}&reset"
        page.goto(address, wait_until="domcontentloaded")
        wait_until_open(page, relative)
        code = run_all(page, lab.course / relative)
        screenshot(page, relative)
        assert_all_ran_without_unexpected_errors(relative, code)
    finally:
        page.close()
