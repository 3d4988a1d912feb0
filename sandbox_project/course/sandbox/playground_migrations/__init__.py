"""Migrations of the models defined in cells (``MIGRATION_MODULES["playground"]``).

The package's files live in a temporary directory of the sandbox's, removed when
the kernel exits: ``makemigrations playground`` writes there, ``migrate`` reads
from there, and nothing is ever written into the course folder.
"""
import atexit
import shutil
import tempfile

_HOME = globals().get("_HOME") or tempfile.mkdtemp(prefix="django41-course-migrations-")  # kept on reload
atexit.register(shutil.rmtree, _HOME, True)
__path__ = [_HOME]  # noqa: F811 - this package's modules are the files there
