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
* ``unsigned(load, *args, **kwargs)`` is what ``load(*args, **kwargs)`` returns,
  or the ``BadSignature`` it raises, without the signature.
* ``Timeline(A=KEY_A, B=KEY_B)`` records, day by day, which keys the settings
  sign and verify with, who is still logged in and which tokens and links
  validate; ``print()`` writes it as stable lines and ``mermaid()`` draws it.
"""
import re

from django.core import signing
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


def unsigned(load, *args, **kwargs):
    """The value ``load`` returns, or the BadSignature it raises, without the signature."""
    try:
        return load(*args, **kwargs)
    except signing.BadSignature as error:
        return without_signature(error)


class Timeline:
    """What a rotation did, day by day: keys that sign, keys that verify, what was accepted.

    ``record(day, logged_in={...}, valid={...})`` reads ``SECRET_KEY`` and
    ``SECRET_KEY_FALLBACKS`` as they are at that moment (call it inside the
    ``keys(...)`` block of that day). ``logged_in`` maps a user to ``True``
    (still logged in), ``False`` (logged out) or ``None`` (did not visit that
    day); ``valid`` maps a token or link to ``True`` (accepted) or ``False``.
    """

    WORDS = {
        "logged_in": {True: "logged in", False: "logged out", None: "did not visit"},
        "valid": {True: "valid", False: "rejected", None: "not tried"},
    }
    STYLE = {True: "ok", False: "lost", None: "idle"}

    def __init__(self, **named_keys):
        self.names = {key: name for name, key in named_keys.items()}
        self.days = []

    def name(self, key):
        return self.names.get(key, "?")

    def record(self, day, logged_in=(), valid=()):
        from django.conf import settings

        outcomes = [(label, "logged_in", value) for label, value in dict(logged_in).items()]
        outcomes += [(label, "valid", value) for label, value in dict(valid).items()]
        self.days.append(
            {
                "day": day,
                "signs": self.name(settings.SECRET_KEY),
                "verifies": [self.name(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]],
                "outcomes": outcomes,
            }
        )

    def print(self):
        """One stable line per day."""
        for entry in self.days:
            outcomes = ", ".join(f"{label} {self.WORDS[kind][value]}" for label, kind, value in entry["outcomes"])
            print(f"{entry['day']}: signs with {entry['signs']}, verifies with {'+'.join(entry['verifies'])} | {outcomes}")

    def mermaid_text(self):
        lines = ["```mermaid", "flowchart LR"]
        for number, entry in enumerate(self.days):
            title = f"{entry['day']}: signs with {entry['signs']}, verifies with {' and '.join(entry['verifies'])}"
            lines.append(f'    subgraph D{number}["{title}"]')
            lines.append("        direction TB")
            for index, (label, kind, value) in enumerate(entry["outcomes"]):
                lines.append(f'        D{number}_{index}["{label}: {self.WORDS[kind][value]}"]:::{self.STYLE[value]}')
            lines.append("    end")
        lines.append("    " + " --> ".join(f"D{number}" for number in range(len(self.days))))
        lines += [
            "    classDef ok fill:#d8f3dc,stroke:#2d6a4f",
            "    classDef lost fill:#ffd6d6,stroke:#9d0208",
            "    classDef idle fill:#eeeeee,stroke:#888888",
            "```",
        ]
        return "\n".join(lines)

    def mermaid(self):
        """The timeline as a Mermaid flowchart (JupyterLab 4 draws it), one box per day."""
        from IPython.display import Markdown

        return Markdown(self.mermaid_text())
