"""Run a snippet under whichever Django this Python imports, booted like the course's sandbox.

The child program of ``course.versions.run_under``: run by path, with
``PYTHONPATH=<a Django from the cache>:<sandbox_project>``, never importing the
``course`` package (which insists on Django 4.1). It reads ``{"code", "setup"}`` as
JSON on stdin and writes one JSON line ``{"django", "output"}`` last on stdout.

The boot: the plain ``library_site`` settings with an in-memory, shared-cache
SQLite database (every thread sees it, as in the sandbox), a fast password
hasher, the migrations run and the library seeded (``library.seed.fill``).
The library's models and migration use two 4.1 spellings that other versions
refuse, adapted while they load and only then: ``violation_error_message``
(new in 4.1) is dropped on 4.0, and ``CheckConstraint(check=)`` is passed as
``condition=`` from 5.1 (renamed in 5.1, removed in 6.0). A snippet's own
constraints meet the version's real signatures.
"""
import asyncio
import builtins
import contextlib
import inspect
import io
import json
import sqlite3
import sys
import warnings

DATABASE_URI = "file:library_other_django?mode=memory&cache=shared"


def is_django_deprecation(category):
    """Tell whether ``category`` is one of Django's ``RemovedInDjangoNNWarning`` classes."""
    return (
        isinstance(category, type)
        and category.__module__ == "django.utils.deprecation"
        and category.__name__.startswith("RemovedIn")
    )


def one_line(error):
    """Show an exception as ``Name: message`` on one line, as ``course.errors`` names it."""
    kind = type(error)
    name = kind.__name__ if getattr(builtins, kind.__name__, None) is kind else f"{kind.__module__}.{kind.__qualname__}"
    message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return f"{name}: {message}" if message else name


@contextlib.contextmanager
def adapted_constraints():
    """Let the library's 4.1-style constraints load on this version, for the block only."""
    from django.db.models import CheckConstraint, UniqueConstraint

    saved = {cls: cls.__dict__["__init__"] for cls in (CheckConstraint, UniqueConstraint)}

    def adapt(cls, original):
        params = inspect.signature(original).parameters

        def __init__(self, *args, **kwargs):
            if "violation_error_message" not in params:
                kwargs.pop("violation_error_message", None)
            if cls is CheckConstraint and "check" in kwargs and "condition" in params:
                kwargs["condition"] = kwargs.pop("check")
            original(self, *args, **kwargs)

        return __init__

    for cls, original in saved.items():
        cls.__init__ = adapt(cls, original)
    try:
        yield
    finally:
        for cls, original in saved.items():
            cls.__init__ = original


def boot():
    """Configure Django from ``library_site.settings`` in memory, migrate, seed; return the anchor connection."""
    import django
    from django.conf import settings
    from django.core.management.utils import get_random_secret_key

    import library_site.settings as site

    values = {name: getattr(site, name) for name in dir(site) if name.isupper()}
    values.update(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATABASE_URI}},
        SECRET_KEY=get_random_secret_key(),
        DEBUG=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    # SQLite drops a shared-cache in-memory database when its last connection closes.
    anchor = sqlite3.connect(DATABASE_URI, uri=True, check_same_thread=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        settings.configure(**values)
        with adapted_constraints():
            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
        from library.seed import fill

        fill()
    return anchor


def show_django_deprecations():
    """Print every Django deprecation warning as one ``Category: message`` line on stdout."""
    original = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if is_django_deprecation(category):
            print(f"{category.__name__}: {message}", file=sys.stdout)
        else:
            original(message, category, filename, lineno, file, line)

    from django.utils import deprecation

    for name in dir(deprecation):
        category = getattr(deprecation, name)
        if is_django_deprecation(category):
            warnings.filterwarnings("always", category=category)
    warnings.showwarning = showwarning


def execute(source, namespace):
    """Run ``source`` in ``namespace``; top-level ``await`` runs it in a fresh event loop."""
    flags = getattr(__import__("ast"), "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0)
    code = compile(source, "<snippet>", "exec", flags=flags)
    if code.co_flags & inspect.CO_COROUTINE:
        asyncio.run(eval(code, namespace))
    else:
        exec(code, namespace)


def run(code, setup=""):
    """Boot, run ``setup`` quietly, then ``code``; return what ``code`` printed, and its exception as one line."""
    import django

    try:
        anchor = boot()
    except Exception as error:  # noqa: BLE001 - the row says what failed, in one line
        return django.get_version(), f"{one_line(error)} (while booting Django {django.get_version()})"
    show_django_deprecations()
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    if setup.strip():
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                execute(setup, namespace)
            except BaseException as error:  # noqa: BLE001
                return django.get_version(), f"{one_line(error)} (in the setup)"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            execute(code, namespace)
        except BaseException as error:  # noqa: BLE001 - SystemExit too: the row shows it
            print(one_line(error))
    anchor.close()
    return django.get_version(), printed.getvalue().strip()


def main():
    """Read the request from stdin, write the answer as the last line of stdout."""
    request = json.loads(sys.stdin.read())
    stdout = sys.stdout
    version, output = run(request["code"], request.get("setup", ""))
    stdout.write("\n" + json.dumps({"django": version, "output": output}) + "\n")
    stdout.flush()


if __name__ == "__main__":
    main()
