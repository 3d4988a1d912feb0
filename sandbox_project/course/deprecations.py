"""Make Django's deprecation warnings visible, as one stable line each.

In 4.1, ``RemovedInDjango50Warning`` subclasses ``PendingDeprecationWarning``,
which Python hides by default: logging out with GET, rendering ``{{ form }}``
through ``default.html`` and setting ``CSRF_COOKIE_MASKED`` all warn silently.
The sandbox shows every occurrence (not just the first) on stdout as::

    RemovedInDjango50Warning: Log out via GET requests is deprecated ...

without the file path and line number of Django's source, which differ from
machine to machine. Other warnings keep Python's usual display.
"""
import re
import sys
import warnings
from contextlib import contextmanager

from django.utils.deprecation import RemovedInDjango50Warning, RemovedInNextVersionWarning

__all__ = ["DJANGO_DEPRECATIONS", "format_warning", "show_django_deprecations", "recorded"]

DJANGO_DEPRECATIONS = (RemovedInDjango50Warning, RemovedInNextVersionWarning)

_installed = False


def _is_django_deprecation(category):
    return isinstance(category, type) and issubclass(category, DJANGO_DEPRECATIONS)


def format_warning(category, message):
    return f"{category.__name__}: {message}"


def show_django_deprecations():
    """Install the filters and the display; safe to call again."""
    global _installed
    if _installed:
        return
    _installed = True
    for category in DJANGO_DEPRECATIONS:
        warnings.filterwarnings("always", category=category)
    # Re-defining a model in a notebook cell re-registers it in the playground
    # app; course.cells.table() handles that cleanly, so the warning is noise.
    warnings.filterwarnings(
        "ignore", message=r"Model 'playground\.\w+' was already registered", category=RuntimeWarning
    )
    original = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if _is_django_deprecation(category):
            print(format_warning(category, message), file=sys.stdout)
        else:
            original(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


@contextmanager
def recorded():
    """Record the warnings raised inside the block, as stable one-line strings.

    >>> with recorded() as lines:
    ...     client.get("/accounts/logout/")
    >>> lines
    ['RemovedInDjango50Warning: Log out via GET requests is deprecated ...']
    """
    lines = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield lines
    for item in caught:
        # Drop asyncio's and the kernel's own chatter; keep what the code raised.
        if item.category is ResourceWarning:
            continue
        lines.append(format_warning(item.category, re.sub(r" at 0x[0-9a-f]+", "", str(item.message))))
