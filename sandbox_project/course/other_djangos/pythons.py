"""Pick a Python interpreter that a Django release supports: the kernel's, or another one found on this machine."""
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

__all__ = ["REQUIRES_PYTHON", "CANDIDATES", "required_python", "interpreter", "Interpreter"]

# The lowest Python of each series, from its releases' Requires-Python
# (4.0-4.2: >=3.8; 5.0-5.2: >=3.10; 6.x: >=3.12). tests/unit/test_other_djangos.py
# reads the installed METADATA to keep this table honest.
REQUIRES_PYTHON = {
    "4.0": (3, 8), "4.1": (3, 8), "4.2": (3, 8),
    "5.0": (3, 10), "5.1": (3, 10), "5.2": (3, 10),
    "6.0": (3, 12), "6.1": (3, 12),
}
CANDIDATES = ("python3.12", "python3.13", "python3.14")  # looked up on PATH, then in pyenv's versions


class Interpreter(NamedTuple):
    """A Python interpreter: its path and its ``(major, minor)``."""

    path: str
    version: tuple

    @property
    def tag(self):
        return "py{}{}".format(*self.version)

    @property
    def kernel(self):
        return self.path == sys.executable


def required_python(version):
    """The lowest ``(major, minor)`` Python that Django ``version`` (exact) declares."""
    series = ".".join(version.split(".")[:2])
    return REQUIRES_PYTHON.get(series, (3, 8))


@functools.lru_cache(maxsize=None)
def _probe(path):
    try:
        out = subprocess.run(
            [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.fullmatch(r"(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else None


def _others():
    """Other interpreters of this machine: ``python3.1x`` on PATH (working ones only), then pyenv's."""
    seen = []
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            seen.append(found)
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    for name in CANDIDATES:
        seen.extend(str(path) for path in sorted(root.glob(f"*/bin/{name}")))
    for path in dict.fromkeys(seen):
        version = _probe(path)
        if version:  # a pyenv shim for a version that is not selected fails: skipped
            yield Interpreter(path, version)


def interpreter(version):
    """The interpreter to run Django ``version`` with: the kernel's if it qualifies, else the lowest that does, else None."""
    needed = required_python(version)
    if sys.version_info[:2] >= needed:
        return Interpreter(sys.executable, sys.version_info[:2])
    fitting = sorted((found for found in _others() if found.version >= needed), key=lambda found: found.version)
    return fitting[0] if fitting else None
