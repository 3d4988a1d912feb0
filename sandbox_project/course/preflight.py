"""Check a learner's machine before class: ``python -m course.preflight``.

One line per item, ``OK`` or ``FIX`` with what to do, and exit status 1 if
anything needs fixing:

* Python: a version Django 4.1 supports (3.8-3.11; the course is made on 3.11);
* Django: exactly the course's pin;
* the notebook stack: JupyterLab and a Python kernel of this environment that
  starts and boots the sandbox;
* PostgreSQL: the embedded server of lessons 03 and 07 (optional: the other
  lessons run without it);
* a free loopback port, for the lessons' real ASGI server.

Nothing is written into the course folder; the kernel and PostgreSQL it starts
are stopped before it ends.
"""
import importlib.util
import socket
import subprocess
import sys

from . import versions

__all__ = ["main", "checks"]

OK, FIX, NOTE = "OK  ", "FIX ", "NOTE"
INSTALL = "run `python -m pip install -r requirements.txt` in the course's environment"


def check_python(version_info=None):
    version = tuple((version_info or sys.version_info)[:3])
    shown = ".".join(map(str, version))
    low, high = versions.PYTHONS
    if low <= version[:2] <= high:
        return OK, f"Python {shown} (Django 4.1 supports 3.8 to 3.11)"
    return FIX, f"Python {shown} is outside Django 4.1's supported 3.8 to 3.11: make the environment with Python 3.11"


def check_django():
    try:
        import django
    except ModuleNotFoundError:
        return FIX, f"Django is not installed here: {INSTALL}"
    if django.get_version() != versions.DJANGO_PIN:
        return FIX, f"Django {django.get_version()} is installed, the course needs {versions.DJANGO_PIN}: {INSTALL}"
    return OK, f"Django {django.get_version()}"


def check_notebooks():
    missing = [name for name in ("jupyterlab", "ipykernel", "nest_asyncio") if importlib.util.find_spec(name) is None]
    if missing:
        return FIX, f"{', '.join(missing)} not installed: {INSTALL}"
    return OK, "JupyterLab, ipykernel and nest-asyncio are installed"


def check_kernel(timeout=60):
    """Start a kernel of this interpreter, boot the sandbox in it, stop it."""
    code = "from course import boot; boot()"
    try:
        from jupyter_client.manager import start_new_kernel
    except ModuleNotFoundError:
        return FIX, f"jupyter_client is not installed: {INSTALL}"
    try:
        manager, client = start_new_kernel(
            kernel_name="python3", startup_timeout=timeout, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
    except Exception as error:  # noqa: BLE001 - whatever stops a kernel from starting
        return FIX, f"a Python kernel does not start ({type(error).__name__}: {error}): {INSTALL}"
    try:
        reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda message: None)
        if reply["content"]["status"] != "ok":
            return FIX, f"the kernel cannot boot the sandbox ({reply['content'].get('evalue', '')}): {INSTALL}"
        return OK, "a kernel starts and boots the Django 4.1 sandbox"
    except Exception as error:  # noqa: BLE001
        return FIX, f"the kernel did not answer ({type(error).__name__}): restart and try again"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def check_postgres():
    if importlib.util.find_spec("django") is None:
        return NOTE, "PostgreSQL not checked (Django is missing)"
    code = (
        "import contextlib, io\n"
        "from course import boot, postgres\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    boot()\n"
        "    alias = postgres.start()\n"
        "print('ready' if alias else postgres.unavailable_reason())\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        return NOTE, "the embedded PostgreSQL did not start within 120 s: lessons 03 and 07 will skip their PostgreSQL cells"
    last = (result.stdout.strip().splitlines() or ["no answer"])[-1]
    if result.returncode == 0 and last == "ready":
        return OK, "the embedded PostgreSQL starts (lessons 03 and 07)"
    return NOTE, f"PostgreSQL cannot run here ({last}): lessons 03 and 07 will skip their PostgreSQL cells"


def check_port():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
    except OSError as error:
        return FIX, f"no free port on 127.0.0.1 ({error}): allow local connections for Python"
    return OK, f"a free port on 127.0.0.1 (e.g. {port}) for the lessons' ASGI server"


def checks():
    """The items in order, as (name, function)."""
    return [
        ("python", check_python),
        ("django", check_django),
        ("notebooks", check_notebooks),
        ("kernel", check_kernel),
        ("postgres", check_postgres),
        ("port", check_port),
    ]


def main(argv=None):
    fixes = 0
    for _name, function in checks():
        status, text = function()
        print(f"{status} {text}", flush=True)
        fixes += status == FIX
    print("Ready for the course." if not fixes else f"{fixes} item(s) to fix before class (see FIX above).")
    return 1 if fixes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
