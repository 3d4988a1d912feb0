"""Small helpers for lesson 05 (rotating SECRET_KEY) and its checks.

* ``keys(secret, *fallbacks)`` sets ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``
  for a block (``django.test.override_settings``), and restores both afterwards.
* ``captured_logs(name)`` collects what a logger writes inside a block, as
  stable one-line strings, instead of letting it reach Django's console
  handler (stderr). When a signed session no longer validates, Django logs
  ``Session data corrupted`` on ``django.security.SuspiciousSession``.
* ``without_signature(error)`` is a ``BadSignature`` as ``"BadSignature:
  Signature "…" does not match"``: Django puts the rejected signature itself in
  the message, and a lesson never prints signatures.
"""
import logging
import re
from contextlib import contextmanager

from django.test import override_settings


def keys(secret, *fallbacks):
    """``SECRET_KEY = secret`` and ``SECRET_KEY_FALLBACKS = [*fallbacks]`` inside a ``with`` block."""
    return override_settings(SECRET_KEY=secret, SECRET_KEY_FALLBACKS=list(fallbacks))


class _Collect(logging.Handler):
    def __init__(self, lines):
        super().__init__(level=logging.DEBUG)
        self.lines = lines

    def emit(self, record):
        self.lines.append(f"{record.name} {record.levelname}: {record.getMessage()}")


@contextmanager
def captured_logs(name="django.security"):
    """Collect the records of logger ``name`` (and its children) in a list; print nothing."""
    lines = []
    logger = logging.getLogger(name)
    handler = _Collect(lines)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def without_signature(error):
    """``"ClassName: message"`` with every quoted part (the signature) replaced by ``"…"``."""
    message = re.sub(r'"[^"]*"', '"…"', str(error))
    return f"{type(error).__name__}: {message}"
