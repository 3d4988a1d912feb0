"""Install Django releases on first use into a per-user cache, once, however many processes ask at the same time.

Each release lives in ``<cache>/<version>-py<XY>/`` (pip's ``--target`` layout:
Django and its dependencies for that Python), where ``<cache>`` is
``$COURSE_DJANGO_CACHE`` or ``platformdirs.user_cache_dir("django41-course")/djangos``;
never the checkout. pip installs into a temporary directory beside it, renamed
into place when complete, under a file lock per release.
"""
import contextlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["CACHE_ENV", "InstallError", "root", "location", "installed", "kernel_has", "install", "entries", "clear"]

CACHE_ENV = "COURSE_DJANGO_CACHE"
APP_NAME = "django41-course"
ENTRY = re.compile(r"\d+\.\d+(\.\d+)?-py\d+")  # what `clear` may delete
OFFLINE_SIGNS = (
    "from versions: none", "NewConnectionError", "Failed to establish", "Temporary failure in name resolution",
    "Name or service not known", "Network is unreachable", "Connection refused", "ProxyError", "Max retries exceeded",
    "ConnectTimeout", "ReadTimeout", "getaddrinfo failed",
)


class InstallError(Exception):
    """pip could not install a release; the message is the one sentence a row shows."""


def root():
    """The cache directory (not created)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # platformdirs comes with Jupyter; without it, the XDG default
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME
    else:
        base = Path(user_cache_dir(APP_NAME, appauthor=False))
    return base / "djangos"


def location(version, python):
    """The directory of Django ``version`` for interpreter ``python``."""
    return root() / f"{version}-{python.tag}"


def installed(version, python):
    """Tell whether the release is in the cache (a directory there is always complete)."""
    return (location(version, python) / "django" / "__init__.py").is_file()


def kernel_has(version, python):
    """Tell whether the kernel's own environment already has exactly this Django for this Python."""
    if not python.kernel:
        return False
    try:
        return importlib.metadata.version("django") == version
    except importlib.metadata.PackageNotFoundError:
        return False


@contextlib.contextmanager
def _locked(path):
    """Hold an exclusive lock on ``path`` (created) for the block, across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if os.name == "nt":  # pragma: no cover - Windows learners
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _pip_command(version, python, target):
    command = [
        sys.executable, "-m", "pip", "install", f"Django=={version}", "--target", str(target),
        "--no-input", "--disable-pip-version-check", "--no-warn-script-location", "--retries", "1", "--timeout", "15",
    ]
    if not python.kernel:  # the kernel's pip fetches wheels for the other Python (Django's are pure Python)
        command += ["--python-version", "{}.{}".format(*python.version), "--only-binary=:all:", "--no-compile"]
    return command


def _failure(version, series, output):
    fetch = f"`python -m course.versions install {series}`"
    if any(sign in output for sign in OFFLINE_SIGNS):
        return f"Django {version} is not in the course's cache and pip could not reach a package index: run {fetch} when online."
    last = next((line.strip() for line in reversed(output.splitlines()) if line.strip().startswith("ERROR")), "")
    return f"Django {version} is not in the course's cache and pip could not install it ({last or 'see pip'}): run {fetch} to retry."


def install(version, python, series=None):
    """Install Django ``version`` for ``python`` unless there; return True if this call installed it."""
    if installed(version, python):
        return False
    try:
        return _install(version, python, series)
    except OSError as error:
        raise InstallError(
            f"Django {version} is not in the course's cache and the cache cannot be written ({error.strerror}): "
            f"set {CACHE_ENV} to a writable directory."
        ) from None


def _install(version, python, series):
    final = location(version, python)
    with _locked(root() / ".locks" / f"{final.name}.lock"):
        if installed(version, python):  # another process finished it while this one waited
            return False
        final.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name}-", dir=final.parent))
        try:
            result = subprocess.run(
                _pip_command(version, python, scratch / "site"), capture_output=True, text=True,
                stdin=subprocess.DEVNULL, timeout=900, check=False,
            )
            if result.returncode or not (scratch / "site" / "django" / "__init__.py").is_file():
                raise InstallError(_failure(version, series or version, result.stdout + result.stderr))
            if not python.kernel:  # its bytecode now: children never write any (PYTHONDONTWRITEBYTECODE)
                subprocess.run([python.path, "-m", "compileall", "-q", str(scratch / "site")],
                               capture_output=True, stdin=subprocess.DEVNULL, timeout=900, check=False)
            if final.exists():  # a half-deleted leftover: replace it
                shutil.rmtree(final)
            os.replace(scratch / "site", final)
        except subprocess.TimeoutExpired:
            raise InstallError(
                f"Django {version} is not in the course's cache and pip took too long to install it: "
                f"run `python -m course.versions install {series or version}` to retry."
            ) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return True


def entries():
    """The releases in the cache, as directory names like ``4.2.30-py311``, sorted."""
    base = root()
    if not base.is_dir():
        return []
    return sorted(path.name for path in base.iterdir() if ENTRY.fullmatch(path.name) and (path / "django").is_dir())


def clear():
    """Delete the cache's releases, locks and leftovers (nothing else); return how many releases went."""
    base = root()
    if not base.is_dir():
        return 0
    removed = 0
    for path in base.iterdir():
        if ENTRY.fullmatch(path.name) or path.name.startswith(".tmp-"):
            removed += ENTRY.fullmatch(path.name) is not None
            shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(base / ".locks", ignore_errors=True)
    with contextlib.suppress(OSError):
        base.rmdir()
    return removed
