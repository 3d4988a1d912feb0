"""The two installs: requirements.txt for learners, requirements-dev.txt for the test suite and teachers.

A learner installs only requirements.txt: everything the notebooks need, and pytest with nbval to
validate an exercise notebook, but no test-suite or teacher tool. requirements-dev.txt adds those
on top of it. Every line of both is an exact pin, an include or the editable sandbox, so that
every stored output stays reproducible. CI (.ci/run) installs requirements-dev.txt and then runs
exactly the README's test command.
"""
import re
import shlex

import pytest

from tests.notebook_runner import ROOT

LEARNER = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
CI = ROOT / ".ci" / "run"
EDITABLE_SANDBOX = "./sandbox_project"

# The test suite's and the teachers' tools, and JupyterHub: none belongs in a learner's install.
NOT_FOR_LEARNERS = {
    "nbgrader",
    "pytest-xdist",
    "playwright",
    "pytest-playwright",
    "selenium",
    "psutil",
    "jupyterhub",
    "nbgitpuller",
    "pytest-cov",
    "coverage",
    "pytest-timeout",
    "tox",
    "nox",
    "ruff",
    "flake8",
    "black",
    "mypy",
    "pre-commit",
}
LEARNER_NEEDS = {"jupyterlab", "django", "nest-asyncio", "nbval", "pytest"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9._,-]+\])?==(?P<version>[0-9][A-Za-z0-9.+!-]*)$")


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lines(path):
    """(line number, text) of every requirement line, comments and blank lines left out."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = re.sub(r"(^|\s)#.*$", "", line).strip()
        if text:
            yield number, text


def parse(path, seen=()):
    """{normalized name: version} of ``path`` and of the files it includes (``-r``), recursively;
    fails on any line that is not an exact pin, an include or the editable sandbox."""
    assert path not in seen, f"{path.name} includes itself"
    pins = {}
    for number, text in lines(path):
        where = f"{path.relative_to(ROOT)}:{number}: {text!r}"
        words = text.split()
        if words[0] in {"-r", "--requirement"} and len(words) == 2:
            included = path.parent / words[1]
            assert included.is_file(), f"{where} includes a missing file"
            pins.update(parse(included, (*seen, path)))
        elif words[0] in {"-e", "--editable"} and len(words) == 2:
            assert words[1] == EDITABLE_SANDBOX, f"{where}: the only editable install is {EDITABLE_SANDBOX}"
            pins["course-sandbox (editable)"] = EDITABLE_SANDBOX
        else:
            match = PIN.match(text)
            assert match, f"{where} is not an exact pin (name==version), an include (-r) or the editable sandbox"
            name = normalized(match["name"])
            assert name not in pins or pins[name] == match["version"], f"{where} pins {name} twice, differently"
            pins[name] = match["version"]
    return pins


def readme_test_command():
    """The README's command that runs every test: the `python -m pytest` line (comment stripped) of the
    ```bash block that installs requirements-dev.txt (the maintainers' "install, then run every test")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [
        [shlex.split(line, comments=True) for line in block.splitlines()]
        for block in re.findall(r"^```bash\n(.*?)^```", text, flags=re.M | re.S)
    ]
    found = [
        words
        for block in blocks
        if any(words[:4] == ["python", "-m", "pip", "install"] and "requirements-dev.txt" in words for words in block)
        for words in block
        if words[:3] == ["python", "-m", "pytest"]
    ]
    assert len(found) == 1, (
        f"README.md: expected one `python -m pytest` in the block installing requirements-dev.txt, found {found}"
    )
    return found[0]


def ci_commands():
    """The shell commands of .ci/run, comments stripped, one per line (continuation lines joined)."""
    text = CI.read_text(encoding="utf-8").replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if words:
            commands.append(words)
    return commands


@pytest.mark.parametrize("path", [LEARNER, DEV], ids=["requirements.txt", "requirements-dev.txt"])
def test_every_line_is_an_exact_pin_an_include_or_the_editable_sandbox(path):
    assert parse(path)


def test_the_learners_install_has_what_the_course_needs_and_no_test_or_teacher_tool():
    pins = parse(LEARNER)
    missing = LEARNER_NEEDS - set(pins)
    assert not missing, f"requirements.txt lacks {sorted(missing)}"
    assert re.fullmatch(r"4\.1\.[0-9]+", pins["django"]), f"requirements.txt pins Django=={pins['django']}, not 4.1.*"
    unwanted = sorted(name for name in pins if name in NOT_FOR_LEARNERS or name.startswith("jupyterhub"))
    assert not unwanted, f"requirements.txt (the learner's install) has {unwanted}: they go in requirements-dev.txt"


def test_the_dev_install_includes_the_learners_and_adds_the_test_tools():
    includes = [text.split() for _, text in lines(DEV) if text.split()[0] in {"-r", "--requirement"}]
    assert ["-r", "requirements.txt"] in includes, "requirements-dev.txt must include `-r requirements.txt`"
    learner, dev = parse(LEARNER), parse(DEV)
    assert {name: dev[name] for name in learner} == learner, "requirements-dev.txt pins a learner package differently"
    for tool in ("nbgrader", "pytest-xdist", "playwright", "psutil"):
        assert tool in dev, f"requirements-dev.txt lacks {tool}"


def test_ci_installs_the_dev_requirements_and_runs_exactly_the_readmes_test_command():
    commands = ci_commands()
    installs = [
        words
        for words in commands
        if words[:4] == ["python", "-m", "pip", "install"] and "requirements-dev.txt" in words
    ]
    assert any(words[words.index("requirements-dev.txt") - 1] in {"-r", "--requirement"} for words in installs), (
        ".ci/run must `python -m pip install -r requirements-dev.txt`"
    )
    test_command = readme_test_command()
    assert test_command in commands, f".ci/run must run exactly the README's test command {shlex.join(test_command)!r}"
    ran = commands.index(test_command)
    assert ran > commands.index(installs[0]), ".ci/run runs the tests before it installs"
