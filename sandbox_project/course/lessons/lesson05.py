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
import re

from django.test import override_settings

from course import logs


def keys(secret, *fallbacks):
    """``SECRET_KEY = secret`` and ``SECRET_KEY_FALLBACKS = [*fallbacks]`` inside a ``with`` block."""
    return override_settings(SECRET_KEY=secret, SECRET_KEY_FALLBACKS=list(fallbacks))


def captured_logs(name="django.security"):
    """Collect the records of logger ``name`` (and its children) in a list; print nothing."""
    return logs.captured(name, with_names=True)


def without_signature(error):
    """``"ClassName: message"`` with every quoted part (the signature) replaced by ``"…"``."""
    message = re.sub(r'"[^"]*"', '"…"', str(error))
    return f"{type(error).__name__}: {message}"
