"""The Django and Python versions the course is written for, what to say otherwise, and other Djangos side by side.

``run_under(version, code, setup="")`` runs ``code`` in a child Python with another
Django (``"4.0"``, ``"4.1"``, ``"4.2"``, ``"5.0"``, ``"5.1"``, ``"5.2"``, ``"6.0"``, ``"6.1"``,
each its last patch, see ``PINS``, or an exact ``"4.1.7"``), booted like the sandbox:
the ``library_site`` settings on an in-memory SQLite database, the library's models
migrated and seeded as by ``course.data.seed()``. It returns what ``code`` printed
(stripped), then, if it raised, the exception as one line ``Name: message``
(``course.errors``' names: ``ValueError``, ``django.db.utils.IntegrityError``).
Every Django deprecation warning shows as a line ``RemovedInDjango50Warning: message``
where it happened. ``setup`` runs first, quietly, in the same namespace. A snippet with
a top-level ``await`` runs as one coroutine (``asyncio.run``), under Django's real
async-safety rule. Code and setup are dedented first. A snippet's own views go in a
module object: ``urls = types.ModuleType("urls"); urls.urlpatterns = [...]`` then
``with override_settings(ROOT_URLCONF=urls): Client().get(...)``.
``side_by_side(code)`` prints one row per version (several lines joined by `` · ``)::

    Django 4.0.10  False
    Django 4.1.13  True

Releases install on first use into a per-user cache (never the checkout; see
``course.other_djangos.cache``), silently. What cannot run says so in the row, in
one sentence: no network (``python -m course.versions install 4.2`` fetches it), no
Python the release supports (6.x needs 3.12+, looked for on PATH and in pyenv).

    python -m course.versions list               # the pins, the cache and what it holds
    python -m course.versions install [4.0 ...]   # fetch now (default: 4.0 4.1 4.2 5.2, and 6.0 if a Python 3.12+ is here)
    python -m course.versions clear              # delete the cache
"""
import sys
import warnings

if sys.argv[:1] == ["-m"]:  # `python -m course.versions`: course/__init__ imported this module already, harmlessly
    warnings.filterwarnings("ignore", message=r"'course\.versions' found in sys\.modules", category=RuntimeWarning)

__all__ = [
    "DJANGO_SERIES", "DJANGO_PIN", "PYTHONS", "PINS", "CourseSetupError", "UnsupportedPythonWarning",
    "require_django", "warn_if_python_unsupported", "run_under", "side_by_side", "main",
]

DJANGO_SERIES = (4, 1)
DJANGO_PIN = "4.1.13"
PYTHONS = ((3, 8), (3, 11))  # Django 4.1's supported range (3.11 from 4.1.3)

_python_warned = False


class CourseSetupError(RuntimeError):
    """A problem with the learner's environment, shown as one sentence.

    IPython shows ``_render_traceback_()`` instead of a traceback, so the
    learner reads what is wrong and what to run, nothing else.
    """

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


class UnsupportedPythonWarning(UserWarning):
    pass


def require_django(version=None):
    """Stop unless the installed Django is 4.1.x."""
    if version is None:
        try:
            import django
        except ModuleNotFoundError:
            raise CourseSetupError(
                "Django is not installed in this kernel's environment: run "
                "`python -m pip install -r requirements.txt` in the course's environment (or pick its kernel) "
                "and restart the kernel."
            ) from None
        version = django.VERSION
    if tuple(version[:2]) != DJANGO_SERIES:
        found = ".".join(str(part) for part in version[:3])
        raise CourseSetupError(
            f"This course needs Django {DJANGO_PIN} but this kernel has Django {found}: "
            f'run `python -m pip install -r requirements.txt` (or `pip install "Django=={DJANGO_PIN}"`) '
            "in the course's environment and restart the kernel."
        )


def warn_if_python_unsupported(version_info=None):
    """Warn once when the kernel's Python is outside what Django 4.1 supports."""
    global _python_warned
    version = tuple((version_info or sys.version_info)[:2])
    if _python_warned or PYTHONS[0] <= version <= PYTHONS[1]:
        return False
    _python_warned = True
    shown = ".".join(map(str, version))
    warnings.warn(
        f"Python {shown} is outside Django 4.1's supported 3.8-3.11; most lessons still run, "
        "but known breakage exists (EmailMessage.as_string() fails on non-ASCII mail, as on 3.11.9+): "
        "make the course's environment with Python 3.11 (3.11.8 or earlier for as_string()).",
        UnsupportedPythonWarning,
        stacklevel=3,
    )
    return True


def __getattr__(name):
    if name == "PINS":
        from .other_djangos.runner import PINS

        return PINS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_under(version, code, setup=""):
    """Run ``code`` under Django ``version`` in a child process; return its output or its exception as one line."""
    from .other_djangos import runner

    return runner.run_under(version, code, setup)


def side_by_side(code, versions=("4.0", "4.1", "4.2", "5.2"), setup=""):
    """Print one row per Django version of what ``code`` printed there (the versions run in parallel)."""
    from .other_djangos import runner

    print(runner.table(code, versions, setup))


def main(argv=None):
    """``python -m course.versions list | install [VERSION ...] | clear``."""
    from .other_djangos import cache, pythons, runner

    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "list"
    if command == "list":
        print(f"cache: {cache.root()}")
        for series, exact in runner.PINS.items():
            python = pythons.interpreter(exact)
            if python is None:
                state = "needs Python {}.{}+, none found".format(*pythons.required_python(exact))
            elif cache.kernel_has(exact, python):
                state = "the kernel's own Django"
            else:
                state = "installed" if cache.installed(exact, python) else "not installed"
            print(f"{series:<4} {exact:<8} {state}")
        return 0
    if command == "install":
        wanted = args or [*runner.DEFAULT_VERSIONS, *(["6.0"] if pythons.interpreter(runner.PINS["6.0"]) else [])]
        failed = 0
        for version in wanted:
            try:
                exact, python, directory = runner.prepare(version)
            except cache.InstallError as error:
                print(error)
                failed += 1
            else:
                print(f"Django {exact} ready for Python {'.'.join(map(str, python.version))}: {directory or 'the kernel environment'}")
        return 1 if failed else 0
    if command == "clear":
        print(f"removed {cache.clear()} Django release(s) from {cache.root()}")
        return 0
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
