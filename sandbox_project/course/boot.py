"""Boot the sandbox: one call gives a kernel a complete Django 4.1.

Django breaks inside a Jupyter kernel in three ways, and ``boot()`` removes each:

1. Every cell runs inside the kernel's running event loop, so Django's
   async-safety check makes every sync ORM call raise
   ``SynchronousOnlyOperation``. The sandbox keeps the production rule for
   async code and lets only a cell's own synchronous code through, as
   ``manage.py shell`` would (``course.sandbox.async_rules``); the sync test
   ``Client`` works on async views from a cell, as in a ``TestCase``.
   ``course.loops.async_safety()`` applies the production rule to the cell too.
2. The async ORM runs queries on a worker thread, and a plain ``":memory:"``
   SQLite database is private to one connection, so each thread would see its
   own empty database ("no such table"). The sandbox uses one *named,
   shared-cache* in-memory database, and keeps a plain ``sqlite3`` connection
   to it open for the kernel's lifetime, because SQLite drops a shared-cache
   in-memory database when its last connection closes.
3. Re-running cells raises "Settings already configured", "already registered"
   or "table already exists". ``boot()`` does its work once per kernel and only
   prints its banner again; ``course.cells`` re-creates cell models and views.
"""
import os
import sqlite3

import django

from . import deprecations, errors, versions

__all__ = ["SETTINGS_MODULE", "boot", "banner"]

SETTINGS_MODULE = "course.sandbox.settings"

_state = {"booted": False, "anchor": None}


def boot():
    """Configure Django 4.1 in memory (once per kernel) and print a one-line banner."""
    versions.require_django()
    versions.warn_if_python_unsupported()
    if not _state["booted"]:
        _configure()
        _state["booted"] = True
    errors.install()
    print(banner())


def banner():
    from django.apps import apps

    models = len(list(apps.get_app_config("library").get_models()))
    return (
        f"Django {django.get_version()} sandbox ready: {models} library models migrated "
        "into an in-memory SQLite database shared by every thread."
    )


def _configure():
    from django.conf import settings

    if settings.configured and os.environ.get("DJANGO_SETTINGS_MODULE") != SETTINGS_MODULE:
        raise versions.CourseSetupError(
            "Django was already configured in this kernel by other code: "
            "restart the kernel and run the notebook from the top."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    from .sandbox import async_rules

    async_rules.install()

    from django.conf import settings as lazy_settings

    _state["anchor"] = sqlite3.connect(
        lazy_settings.SANDBOX_DATABASE_URI, uri=True, check_same_thread=False
    )
    django.setup()
    deprecations.show_django_deprecations()

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
