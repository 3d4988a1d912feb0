"""Keep Django's log lines out of the notebook, and show them where a lesson needs them.

Django logs "Not Found", "Method Not Allowed", "Forbidden (CSRF token missing.)"
or "Session data corrupted" to stderr. A notebook's stderr is part of its stored
outputs (and nbval compares it), and a lesson usually wants to show such a line
on purpose, if at all. ``captured()`` collects what the named loggers log inside
a block, as a list of one-line strings, and lets nothing through to stderr.
"""
import logging
from contextlib import contextmanager

__all__ = ["DJANGO_LOGGERS", "captured"]

DJANGO_LOGGERS = ("django.request", "django.security")


class _Collect(logging.Handler):
    def __init__(self, lines, with_names):
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.with_names = with_names

    def emit(self, record):
        message = record.getMessage()
        self.lines.append(f"{record.name} {record.levelname}: {message}" if self.with_names else message)


@contextmanager
def captured(*names, with_names=False):
    """Collect the messages of loggers ``names`` (and their children) inside the block.

    Defaults to ``django.request`` and ``django.security``. With ``with_names``,
    each line starts with the logger's name and the level:
    ``django.security.SuspiciousSession WARNING: Session data corrupted``.
    """
    loggers = [logging.getLogger(name) for name in names or DJANGO_LOGGERS]
    lines = []
    handler = _Collect(lines, with_names)
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield lines
    finally:
        for logger, propagate in zip(loggers, saved):
            logger.removeHandler(handler)
            logger.propagate = propagate
