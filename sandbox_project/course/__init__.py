"""The Django 4.1 course sandbox.

The first code cell of every notebook is::

    from course import boot; boot()

which gives the kernel a complete Django 4.1.13 (ORM, auth, sessions, admin,
templates, test clients) on an in-memory database. The modules:

``course.boot``         configures Django, the shared in-memory database, migrations
``course.versions``     the Django and Python versions the course supports
``course.deprecations`` shows Django's deprecation warnings as one stable line
``course.loops``        async helpers: ``run()`` a coroutine from plain code, ``async_safety()``
``course.cells``        models and views defined in cells: ``table()``, ``mount()``
``course.data``         the sample library (authors, books, members, loans)
``course.checking``     the exercise checks' machinery
``course.checks``       one module of checks per lesson
``course.servers``      a real ASGI server on 127.0.0.1, always shut down
``course.postgres``     an embedded PostgreSQL server, started on demand
``course.processes``    ``manage.py`` commands in a subprocess, with a time limit
``course.html``         parse and display rendered HTML
"""
import sys

# Notebooks must not write into the checkout (it may be read-only, or shared by
# a class): no bytecode caches for anything imported after this point.
sys.dont_write_bytecode = True

try:
    import django  # noqa: F401
except ModuleNotFoundError:  # the kernel is not the course's environment: say so in one sentence

    def boot():
        """Stop with one sentence: Django is not installed here."""
        from .versions import require_django

        require_django()

else:
    from .boot import boot  # noqa: E402

__all__ = ["boot"]
