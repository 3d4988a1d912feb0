"""Settings for the in-memory sandbox that every notebook boots.

They start from the real project's settings and change only what a Jupyter
kernel needs (see ``course.boot`` for why each change is there):

* one in-memory SQLite database shared by every thread of the process
  (the cell's main thread, the async ORM's worker thread, ASGI request threads);
* a fresh random SECRET_KEY for every kernel, DEBUG on, local hosts only;
* a URLconf that cells can mount views into, and an app for models defined in cells,
  whose migrations go to a temporary directory;
* templates defined in cells (``course.cells.template``), then read from disk on every
  render (no cached loader), so edits show;
* ``django.contrib.postgres``, for the PostgreSQL lessons;
* a fast password hasher, as Django's testing docs recommend, so logins in
  checks take milliseconds.
"""
from django.core.management.utils import get_random_secret_key

from library_site.settings import *  # noqa: F401,F403
from library_site.settings import INSTALLED_APPS, TEMPLATES

from .templates import CELL_TEMPLATES

# The named, shared-cache in-memory database. Django's own test runner uses the
# same form of name; a plain ":memory:" would give every thread its own database.
SANDBOX_DATABASE_URI = "file:library_sandbox?mode=memory&cache=shared"

SECRET_KEY = get_random_secret_key()
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SANDBOX_DATABASE_URI,
    }
}

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres", "course.sandbox.playground"]
ROOT_URLCONF = "course.sandbox.urls"

TEMPLATES = [
    {
        **TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],
            "loaders": [
                ("django.template.loaders.locmem.Loader", CELL_TEMPLATES),  # course.cells.template()
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DATABASE_ROUTERS = ["course.sandbox.routers.CellModelRouter"]

# `makemigrations playground` writes into this package, whose files live in a temporary
# directory of the sandbox's own (never in the course folder).
MIGRATION_MODULES = {"playground": "course.sandbox.playground_migrations"}
