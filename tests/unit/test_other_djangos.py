"""Other Django versions: the cache, the Python check, the offline sentence, and real runs on 4.0-5.2.

Tests marked ``subprocess`` start pip or child Pythons (``slow``: not in the fast loop).
Those that need real releases use the per-user cache the notebooks use (installed
once); the installation tests use an empty temporary cache (``COURSE_DJANGO_CACHE``).
"""
import os
import subprocess
import sys
from email.parser import Parser

import pytest

from course import versions
from course.other_djangos import cache, pythons, runner
from library.models import Author, Book

ACOUNT = 'from library.models import Book; print(hasattr(Book.objects, "acount"))'


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "djangos"))
    return tmp_path / "djangos"


@pytest.fixture
def offline(monkeypatch):
    """pip with no configuration and a dead index: nothing can be downloaded."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")


def test_series_resolve_to_their_pins_and_exact_versions_stand():
    assert [runner.resolve(v) for v in ("4.0", "4.1", "4.2", "5.2")] == ["4.0.10", "4.1.13", "4.2.30", "5.2.19"]
    assert runner.resolve("4.1.7") == "4.1.7"
    assert versions.PINS["6.0"].startswith("6.0.")
    with pytest.raises(ValueError, match="unknown Django version"):
        runner.resolve("4.3")


def test_the_cache_is_per_user_and_never_the_checkout(monkeypatch):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert not str(cache.root()).startswith(checkout)
    assert cache.root().name == "djangos" and "django41-course" in str(cache.root())


def test_a_version_this_python_cannot_run_says_so_in_one_line(monkeypatch, empty_cache):
    monkeypatch.setitem(pythons.REQUIRES_PYTHON, "4.2", (3, 99))
    monkeypatch.setattr(pythons, "_others", lambda: iter([pythons.Interpreter("/x/python3.12", (3, 12))]))
    out = versions.run_under("4.2", ACOUNT)
    assert out == (
        "Django 4.2.30 needs Python 3.99+ and none was found "
        "(looked for python3.12, python3.13, python3.14 on PATH and in pyenv)."
    )
    assert not empty_cache.exists()  # nothing was installed for it


def test_an_interpreter_is_chosen_by_the_lowest_python_that_fits(monkeypatch):
    found = [pythons.Interpreter("/b/python3.13", (3, 13)), pythons.Interpreter("/a/python3.12", (3, 12))]
    monkeypatch.setattr(pythons, "_others", lambda: iter(found))
    assert pythons.interpreter("6.0.10").path == "/a/python3.12"
    assert pythons.interpreter("4.0.10").kernel


def test_clear_removes_only_what_the_cache_made(empty_cache, capsys):
    (empty_cache / "4.2.30-py311" / "django").mkdir(parents=True)
    (empty_cache / ".tmp-4.0.10-py311-abc").mkdir()
    (empty_cache / "notes.txt").write_text("mine")
    assert cache.entries() == ["4.2.30-py311"]
    assert versions.main(["clear"]) == 0
    assert "removed 1 Django release(s)" in capsys.readouterr().out
    assert [p.name for p in empty_cache.iterdir()] == ["notes.txt"]


@pytest.mark.subprocess
def test_offline_first_use_gives_one_sentence_and_the_command(empty_cache, offline):
    out = versions.run_under("4.2", ACOUNT)
    assert out == (
        "Django 4.2.30 is not in the course's cache and pip could not reach a package index: "
        "run `python -m course.versions install 4.2` when online."
    )
    assert cache.entries() == []


@pytest.mark.subprocess
def test_offline_side_by_side_still_runs_the_kernel_django(empty_cache, offline, capsys):
    assert versions.side_by_side(ACOUNT, versions=("4.1.8", "4.1")) is None
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("Django 4.1.8   Django 4.1.8 is not in the course's cache")
    assert rows[0].endswith("run `python -m course.versions install 4.1.8` when online.")
    assert rows[1] == "Django 4.1.13  True"


@pytest.mark.subprocess
def test_first_use_installs_once_across_processes_then_reuses(empty_cache):
    script = "from course.other_djangos import cache, pythons; import sys; print(cache.install('4.0.10', pythons.interpreter('4.0.10')))"
    children = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    answers = sorted(child.communicate(timeout=600)[0].strip() for child in children)
    assert answers == ["False", "True"]  # one installed, the other waited on the lock and found it done
    python = pythons.interpreter("4.0.10")
    assert cache.entries() == [f"4.0.10-{python.tag}"]
    assert not [p for p in empty_cache.iterdir() if p.name.startswith(".tmp-")]
    assert cache.install("4.0.10", python) is False  # reuse: nothing to do
    assert versions.run_under("4.0", ACOUNT) == "False"


@pytest.mark.subprocess
def test_real_outputs_on_four_versions(capsys):
    versions.side_by_side(ACOUNT + "\nprint(Book.objects.count())")
    assert capsys.readouterr().out.splitlines() == [
        "Django 4.0.10  False · 6",
        "Django 4.1.13  True · 6",
        "Django 4.2.30  True · 6",
        "Django 5.2.19  True · 6",
    ]


@pytest.mark.subprocess
def test_an_exception_is_one_line_after_what_was_printed():
    code = "from library.models import Author\nprint('before')\nAuthor(name='x').books.count()"
    assert versions.run_under("4.0", code) == "before"  # 4.0 counted 0 on an unsaved instance
    assert versions.run_under("4.1", code) == (
        "before\nValueError: 'Author' instance needs to have a primary key value before this relationship can be used."
    )
    assert versions.run_under("5.2", "import json; json.loads('{')") == (
        "json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )


@pytest.mark.subprocess
def test_django_deprecations_show_as_lines_and_setup_is_quiet():
    setup = "print('setup says nothing')\nfrom django.test import Client\nclient = Client()"
    code = "print(client.get('/accounts/logout/').status_code)"
    assert versions.run_under("4.1", code, setup=setup) == (
        "RemovedInDjango50Warning: Log out via GET requests is deprecated and will be removed in Django 5.0. "
        "Use POST requests for logging out.\n302"
    )
    assert versions.run_under("5.2", code, setup=setup) == "405"


@pytest.mark.subprocess
def test_top_level_await_runs_under_the_real_async_rules():
    code = "from library.models import Book\nprint(await Book.objects.acount())"
    assert versions.run_under("4.2", code) == "6"
    assert versions.run_under("4.0", code) == "AttributeError: 'Manager' object has no attribute 'acount'"


@pytest.mark.subprocess
def test_the_child_is_seeded_like_the_sandbox(library):
    code = (
        "from library.models import Author, Book, Loan, Member\n"
        "print(list(Author.objects.values_list('id', 'name', 'born')))\n"
        "print(list(Book.objects.values_list('id', 'title', 'author_id', 'isbn', 'published')))\n"
        "print(list(Member.objects.values_list('id', 'name', 'email')))\n"
        "print(list(Loan.objects.values_list('id', 'book_id', 'member_id', 'borrowed_on', 'due_on', 'returned_on')))"
    )
    from library.models import Loan, Member

    here = "\n".join(
        str(list(qs))
        for qs in (
            Author.objects.values_list("id", "name", "born"),
            Book.objects.values_list("id", "title", "author_id", "isbn", "published"),
            Member.objects.values_list("id", "name", "email"),
            Loan.objects.values_list("id", "book_id", "member_id", "borrowed_on", "due_on", "returned_on"),
        )
    )
    assert versions.run_under("4.1", code) == here
    assert versions.run_under("4.0", code) == here


@pytest.mark.subprocess
def test_requires_python_table_matches_the_installed_metadata():
    checked = 0
    for name in cache.entries():
        version = name.split("-")[0]
        dist = next((cache.root() / name).glob("[Dd]jango-*.dist-info"))
        declared = Parser().parsestr((dist / "METADATA").read_text(encoding="utf-8"))["Requires-Python"]
        assert declared == ">={}.{}".format(*pythons.required_python(version)), (name, declared)
        checked += 1
    assert checked, "no release in the cache to check"


@pytest.mark.subprocess
def test_the_cli_lists_and_the_child_never_imports_course():
    out = subprocess.run([sys.executable, "-m", "course.versions", "list"], capture_output=True, text=True, check=True)
    assert "4.1  4.1.13   the kernel's own Django" in out.stdout and out.stderr == ""
    assert versions.run_under("4.1", "import sys; print('course' in sys.modules, 'course.versions' in sys.modules)") == "False False"


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "code, line",
    [
        ("import sys; sys.exit(3)", "SystemExit: 3"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt"),
        ("def f(:\n    pass", "SyntaxError: invalid syntax (<snippet>, line 1)"),
        ("input()", "EOFError: EOF when reading a line"),
        ("import os; os._exit(1)", "The child process for Django 4.1.13 failed: exit code 1"),
    ],
)
def test_a_careless_snippet_gives_one_line(code, line):
    assert runner.run_under("4.1", code) == line


@pytest.mark.subprocess
def test_a_snippet_that_never_ends_is_stopped_at_the_time_limit(monkeypatch):
    monkeypatch.setattr(runner, "TIMEOUT", 2)
    assert runner.run_under("4.1", "while True:\n    pass") == (
        "TimeoutError: the snippet did not finish within 2 s on Django 4.1.13"
    )
    assert runner._running == set()


@pytest.mark.subprocess
def test_an_interrupt_stops_every_child_at_once():
    """Kernel → Interrupt during a side-by-side: SIGINT, as the kernel gets it; no child is left to finish."""
    import signal
    import threading
    import time

    import psutil

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGINT"):
        pytest.skip("needs the main thread and POSIX signals")
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        runner.outputs("import time; time.sleep(600)")
    assert runner._running == set()
    deadline = time.monotonic() + 10
    while any(p.status() != psutil.STATUS_ZOMBIE for p in psutil.Process().children()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p.cmdline() for p in psutil.Process().children() if "child.py" in " ".join(p.cmdline())] == []
