"""JupyterHub configuration for serving the course to a class on one machine.

Used by ``tools/classroom/hub.py`` (the load script and ``tests/notebooks/test_hub.py``), and a
starting point for a real class hub. Everything it needs comes from environment
variables, so one file serves every run:

    CLASSROOM_ROOT       a fresh directory for this hub: its database, cookie secret,
                         log, the users' homes (home/<user>), runtime dirs (rt/<user>)
                         and temporary dirs (tmp/<user>); deleting it removes everything
    CLASSROOM_PORT       the proxy's public port (the URL learners open), on 127.0.0.1
    CLASSROOM_API_PORT   the proxy's REST API port
    CLASSROOM_HUB_PORT   the hub's own port
    CLASSROOM_TOKEN      the API token of the "classroom" service (admin of users and servers)
    CLASSROOM_PROXY      the configurable-http-proxy executable
    CLASSROOM_COURSE     the course checkout to copy into each home (notebooks, exercises, solutions, docs)
    CLASSROOM_TRANSPORT  the kernels' ZeroMQ transport: "ipc" (default) or "tcp" (to reproduce the race)

THE KERNEL PORT RACE. With TCP transport each kernel start picks five free TCP ports
(bind to port 0, note the number, close), writes them into the connection file and
only then starts the kernel, which binds them again. Between the two, any other process
on the host (another user's server picking its own kernel ports, a lesson's uvicorn, a
PostgreSQL) can take one of them, and the kernel dies with ``ZMQError: Address already
in use``. Seen once in about 130 kernel starts with several user servers on one host.
With ``KernelManager.transport=ipc`` kernels talk over Unix domain sockets named after
their connection file, in the user's own runtime directory: no TCP port is chosen, so
there is nothing to race for, and no other user can connect to them either.
"""
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - injected by JupyterHub

ROOT = Path(os.environ["CLASSROOM_ROOT"])
COURSE = Path(os.environ.get("CLASSROOM_COURSE", Path(__file__).resolve().parents[2]))
TRANSPORT = os.environ.get("CLASSROOM_TRANSPORT", "ipc")
# What a learner needs, including what `python -m pytest --nbval-lax exercises/NN_topic_exercises.ipynb`
# reads (pytest.ini, conftest.py, the sanitizer config); the sandbox itself is installed in the environment.
COPIED = ("notebooks", "exercises", "solutions", "docs", "README.md", "pytest.ini", "conftest.py",
          "tests/nbval_sanitize.cfg")
COURSE_DIR = "django41-course"  # the folder each learner gets, as nbgitpuller would name it

# --- the hub and its proxy: 127.0.0.1 only, ports chosen by the caller --------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["CLASSROOM_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["CLASSROOM_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['CLASSROOM_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ.get("CLASSROOM_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{ROOT / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(ROOT / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(ROOT / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server
c.JupyterHub.cleanup_proxy = True

# --- users: the dummy authenticator (TEST ONLY: any password works) -----------------------------
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True

# An API token for the load script and the tests: creates users, starts and stops their
# servers, issues each user's token.
c.JupyterHub.services = [{"name": "classroom", "api_token": os.environ["CLASSROOM_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "classroom-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users", "read:users"],
        "services": ["classroom"],
    }
]

# --- spawning: one process per user, all as the hub's Unix user (TEST ONLY: no isolation) -------
c.JupyterHub.spawner_class = "simple"  # jupyterhub.spawner.SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(ROOT / "home" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.args = [
    f"--KernelManager.transport={TRANSPORT}",  # see THE KERNEL PORT RACE above
    "--ServerApp.ip=127.0.0.1",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # a CI container runs as root; a real hub never should
c.Spawner.default_url = f"/lab/tree/{COURSE_DIR}/notebooks/00_start_here.ipynb"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    # The connection files, and with ipc the kernels' sockets, live here: one directory per
    # user, short enough for the 107-byte limit of a Unix socket path.
    "JUPYTER_RUNTIME_DIR": lambda spawner: str(ROOT / "rt" / spawner.user.name),
    # Each kernel's PostgreSQL (lessons 03 and 07) goes under the user's own temporary dir.
    "TMPDIR": lambda spawner: str(ROOT / "tmp" / spawner.user.name),
    # Marks every process of this hub (inherited down to each PostgreSQL) for the final sweep.
    "CLASSROOM_RUN": os.environ.get("CLASSROOM_RUN", ""),
    # The other Django versions of the side-by-side cells, installed once for the class (docs/TEACHING.md).
    "COURSE_DJANGO_CACHE": os.environ.get("COURSE_DJANGO_CACHE", ""),
    "PYTHONUNBUFFERED": "1",
}


def copy_course(spawner):
    """Put the course into the user's home before the server starts (what nbgitpuller does).

    Only what is missing is copied, so a learner's edited notebooks survive a restart.
    """
    name = spawner.user.name
    for directory in (ROOT / "home" / name, ROOT / "rt" / name, ROOT / "tmp" / name):
        directory.mkdir(parents=True, exist_ok=True)
    (ROOT / "rt" / name).chmod(0o700)
    target = ROOT / "home" / name / COURSE_DIR
    for item in COPIED:
        source, destination = COURSE / item, target / item
        if destination.exists() or not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


c.Spawner.pre_spawn_hook = copy_course
