"""The Django 4.1 course sandbox.

The first code cell of every notebook is::

    from course import boot; boot()

which gives the kernel a complete Django 4.1.13 (ORM, auth, sessions, admin,
templates, test clients) on an in-memory database. The notebook-facing modules:

``course.boot``         configures Django, the shared in-memory database, migrations
``course.versions``     the Django and Python versions, one-sentence setup errors, run_under()/side_by_side() other Djangos
``course.deprecations`` shows Django's deprecation warnings as one stable line
``course.errors``       short tracebacks in cells: the learner's lines and the exception
``course.loops``        async helpers: ``run()`` a coroutine from plain code, ``async_safety()``
``course.limits``       time limits for the learner's code inside a check
``course.cells``        models, views and templates defined in cells: ``table()``, ``mount()``, ``template()``
``course.data``         the sample library (authors, books, members, loans)
``course.databases``    add a database to the running sandbox
``course.servers``      a real ASGI server on 127.0.0.1, always shut down
``course.processes``    ``manage.py`` and Python in a child process, with a time limit
``course.html``         parse and display rendered HTML
``course.logs``         keep Django's log lines out of a notebook
``course.preflight``    ``python -m course.preflight``: is this machine ready for the course?

and the packages:

``course.checks``       the check framework (``checks.framework``) and one module of checks per lesson
``course.lessons``      lesson-specific helpers, ``lessons.lessonNN``
``course.postgres``     an embedded PostgreSQL server, started on demand, and its watchdog
``course.other_djangos`` other Django releases for ``course.versions``: the user cache, child processes
``course.sandbox``      the Django plumbing no notebook imports: settings, URLconf, router, the
                        async-safety rule, cell templates, the playground app and its migrations
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
