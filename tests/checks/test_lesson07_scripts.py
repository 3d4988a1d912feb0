"""Lesson 07's child-process programs are real files of the course package, and its picture reads their reports."""
import ast
from importlib import resources

import pytest

from course.checks import lesson07 as check
from course.lessons import lesson07 as lesson
from course.processes import Finished

PACKAGES = ["course.lessons.lesson07", "course.checks.lesson07"]
SCRIPTS = [(package, path.name) for package in PACKAGES for path in (resources.files(package) / "scripts").iterdir()
           if path.name.endswith(".py")]


def test_each_package_has_its_scripts():
    names = {package: {name for p, name in SCRIPTS if p == package} for package in PACKAGES}
    assert names["course.lessons.lesson07"] == {
        "spawn.py", "reporting.py", "watch.py", "shelf_tests.py",
        "runtests_parent_only.py", "runtests_settings_fixed.py", "runtests_spawn_safe.py",
    }
    assert names["course.checks.lesson07"] == {"check_runner.py", "check_settings.py", "staff_tests.py"}


@pytest.mark.parametrize("package, name", SCRIPTS)
def test_every_script_is_python_with_a_docstring(package, name):
    source = (resources.files(package) / "scripts" / name).read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(source, name)), name


def test_the_check_and_the_exercise_start_from_the_same_file():
    assert check.STAFF_TESTS == check.script("staff_tests.py")
    assert "class StaffAuthorTests(TestCase)" in check.STAFF_TESTS


def test_the_fixes_change_only_what_the_lesson_says():
    before, fix1, fix2 = (
        {line.strip() for line in lesson.script(f"runtests_{name}.py").splitlines()}
        for name in ("parent_only", "settings_fixed", "spawn_safe")
    )
    # Fix 1 moves settings.configure() to module level (only its comment changes); fix 2 moves the receiver.
    assert before - fix1 == {"settings.configure(  # only the parent process runs this"}
    assert fix1 - before == {"settings.configure(  # every process runs this, the parent and each spawned worker"}
    assert fix1 - fix2 == {'pre_save.connect(title_case, sender="library.Author")  # only the parent process runs this'}
    assert fix2 - fix1 == {'pre_save.connect(title_case, sender="library.Author")  # every process runs this'}


REPORTED = """Found 12 test(s).
[parent: database file:memorydb_default?mode=memory&cache=shared]
..[worker 2: spawn, database file:memorydb_default_2?mode=memory&cache=shared]
[worker 1: spawn, database file:memorydb_default_1?mode=memory&cache=shared]
Ran 12 tests in 0.5s
workers: 2; clone files before teardown: ['default_1.sqlite3', 'default_2.sqlite3']
"""


def test_the_picture_is_drawn_from_what_the_processes_reported(monkeypatch):
    run = Finished(0, REPORTED)
    assert lesson.clones(run) == {
        "parent": "file:memorydb_default?mode=memory&cache=shared",
        "workers": [
            (1, "spawn", "file:memorydb_default_1?mode=memory&cache=shared"),
            (2, "spawn", "file:memorydb_default_2?mode=memory&cache=shared"),
        ],
        "files": ["default_1.sqlite3", "default_2.sqlite3"],
    }
    shown = []
    monkeypatch.setattr(lesson, "display", lambda markdown: shown.append(markdown.data))
    lesson.workers_graph(run)
    (mermaid,) = shown
    assert mermaid.startswith("```mermaid\nflowchart LR\n") and mermaid.endswith("\n```")
    assert 'P -- "backs up" --> F2[("default_2.sqlite3")]' in mermaid
    assert 'W1["worker 1 (spawn)<br/>memorydb_default_1 (in memory)"]' in mermaid
    assert "0.5s" not in mermaid


def test_show_and_diff_print_no_path(monkeypatch):
    shown = []
    monkeypatch.setattr(lesson, "display", lambda markdown: shown.append(markdown.data))
    lesson.show("spawn.py")
    lesson.diff("runtests_settings_fixed.py", "runtests_spawn_safe.py", ("runtests.py (fix 1)", "runtests.py (fix 2)"))
    assert shown[0].startswith("`spawn.py`\n\n```python\n")
    assert shown[1].startswith("```diff\n--- runtests.py (fix 1)\n+++ runtests.py (fix 2)\n")
    assert not any("/" + "work" in text or "site-packages" in text for text in shown)
