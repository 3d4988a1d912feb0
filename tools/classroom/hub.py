"""A local JupyterHub serving the course, and a client that runs notebooks through it.

    async with Hub(transport="ipc") as hub:          # starts the hub and its proxy
        await hub.create_users(["u1", "u2"])
        seconds = await hub.spawn("u1")              # POST /hub/api/users/u1/server, until ready
        run = await hub.run_notebook("u1", "solutions/00_start_here_solutions.ipynb")
        run.checks                                  # every check line the kernel printed

``Hub`` uses ``jupyterhub_config.py`` next to this file: JupyterHub with
configurable-http-proxy, SimpleLocalProcessSpawner (every user as this Unix user, homes
in a temporary directory), the dummy authenticator, everything on 127.0.0.1 on free
ports. Notebooks run cell by cell over the kernel websocket, through the proxy, as
JupyterLab does.

Clean-up is not optional: leaving the ``async with`` (or ``Hub.stop()``, also run at
interpreter exit) stops the user servers through the API, stops the hub's process group
(the hub stops the proxy), then kills every process still carrying this hub's
``CLASSROOM_RUN`` marker (kernels, PostgreSQL servers, watchdogs) and deletes the
hub's directory.
"""
import asyncio
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

HERE = Path(__file__).resolve().parent
COURSE = HERE.parents[1]
CONFIG = HERE / "jupyterhub_config.py"
COURSE_DIR = "django41-course"
PROXY_VERSION = "5.3.0"  # configurable-http-proxy, as tools/classroom/ci-install.sh installs it
PROXY_PREFIX = Path(os.environ.get("COURSE_CHP_PREFIX", "~/.cache/course-classroom/npm")).expanduser()
VERDICTS = ("✅ PASSED", "❌ FAILED", "⏳ NOT ATTEMPTED")
KERNEL_FAILURE_MARKERS = ("Address already in use", "ZMQError", "Kernel died", "KernelRestarter: restarting")

AsyncHTTPClient.configure(None, max_clients=200)


def find_proxy():
    """The configurable-http-proxy executable, or None: $CONFIGURABLE_HTTP_PROXY, PATH, the npm cache."""
    candidates = [os.environ.get("CONFIGURABLE_HTTP_PROXY"), shutil.which("configurable-http-proxy"),
                  str(PROXY_PREFIX / "bin" / "configurable-http-proxy")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def marked_processes(marker):
    """Every process whose environment carries CLASSROOM_RUN=marker."""
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.pid != os.getpid() and proc.environ().get("CLASSROOM_RUN") == marker:
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


@dataclass
class CellResult:
    index: int
    seconds: float
    error: str = ""  # "Name: value" of an unexpected exception
    text: str = ""


@dataclass
class NotebookRun:
    user: str
    path: str
    cells: list = field(default_factory=list)
    checks: list = field(default_factory=list)  # every line starting with a verdict
    errors: list = field(default_factory=list)  # unexpected exceptions, kernel or protocol failures
    kernel_start_failed: bool = False
    transport: str = ""  # as written in the kernel's connection file: "ipc" or "tcp"
    seconds: float = 0.0


class Hub:
    def __init__(self, *, transport="ipc", proxy=None, log_level="WARN", keep_log=None):
        self.transport = transport
        self.proxy = proxy or find_proxy()
        if self.proxy is None:
            raise RuntimeError("configurable-http-proxy is not installed: run tools/classroom/ci-install.sh")
        self.log_level = log_level
        self.keep_log = keep_log  # a path outside the hub's directory to copy the hub's log to, at stop
        self.marker = uuid.uuid4().hex
        self.token = uuid.uuid4().hex
        self.root = None
        self.process = None
        self.users = []
        self.user_tokens = {}
        self.server_pids = {}
        self.port = None
        self._stopped = False

    # --- life cycle -------------------------------------------------------------------------
    async def __aenter__(self):
        await self.start()
        return self

    async def __aexit__(self, *exc):
        await self.astop()

    async def start(self, timeout=90):
        # Short path: Unix socket paths (kernels over ipc, PostgreSQL) must stay under 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="chub-", dir="/tmp" if os.name == "posix" else None))
        atexit.register(self.stop)
        self.port, api_port, hub_port = free_port(), free_port(), free_port()
        env = dict(os.environ)
        env.update(
            CLASSROOM_ROOT=str(self.root), CLASSROOM_PORT=str(self.port), CLASSROOM_API_PORT=str(api_port),
            CLASSROOM_HUB_PORT=str(hub_port), CLASSROOM_TOKEN=self.token, CLASSROOM_PROXY=self.proxy,
            CLASSROOM_COURSE=str(COURSE), CLASSROOM_TRANSPORT=self.transport, CLASSROOM_RUN=self.marker,
            PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        )
        env.pop("JUPYTER_RUNTIME_DIR", None)
        self.log_path = self.root / "hub.log"
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG), f"--log-level={self.log_level}"],
            cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                await self.api("GET", "/")
                return
            except (OSError, HTTPClientError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the hub did not answer within {timeout} s:\n{self.log_tail()}")
                await asyncio.sleep(0.3)

    async def astop(self):
        if self._stopped or self.process is None:
            self.stop()
            return
        try:
            await asyncio.wait_for(asyncio.gather(*(self.stop_server(u) for u in self.users),
                                                  return_exceptions=True), 60)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - stop() below kills what is left
            pass
        self.stop()

    def stop(self):
        """Stop everything this hub started and delete its directory. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if self.process is not None and self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGTERM)  # the hub stops servers and proxy
                    self.process.wait(timeout=30)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    pass
            self._kill_marked()
        finally:
            if self.process is not None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            if self.root is not None:
                if self.keep_log:
                    try:
                        shutil.copyfile(self.log_path, self.keep_log)
                    except OSError:
                        pass
                shutil.rmtree(self.root, ignore_errors=True)

    def _kill_marked(self):
        """Every process left with this hub's marker: SIGTERM, then SIGKILL (PostgreSQL: SIGQUIT)."""
        for attempt, sig in enumerate((signal.SIGTERM, signal.SIGKILL)):
            procs = marked_processes(self.marker)
            if not procs:
                return
            for proc in procs:
                try:
                    proc.send_signal(signal.SIGQUIT if attempt == 0 and proc.name() == "postgres" else sig)
                except psutil.Error:
                    pass
            psutil.wait_procs(procs, timeout=10)

    def leftovers(self):
        """Processes and the directory still there after stop(): both must be empty."""
        return marked_processes(self.marker), (self.root is not None and self.root.exists())

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_about(self, name, lines=6):
        """The last hub log lines that name ``name`` (warnings and errors first), as one string."""
        about = [line.strip() for line in self.log_text().splitlines() if name in line and "ConfigProxy" not in line]
        worst = [line for line in about if line.startswith(("[W", "[E", "[C"))]
        return " | ".join((worst or about)[-lines:]) or "(nothing)"

    def kernel_failures_in_log(self):
        """From the servers' logs: kernels that died and were restarted, and "Address already in use" lines.

        A kernel that dies at start-up (the TCP port race) is restarted by its server on new ports
        ("KernelRestarter: restarting kernel"), so the notebook may still run: the log is where it shows.
        """
        text = self.log_text()
        return {
            "restarts": sum("KernelRestarter: restarting kernel" in line for line in text.splitlines()),
            "address_in_use": sum("Address already in use" in line for line in text.splitlines()),
            "died": text.count("Kernel died") + text.count("KernelRestarter: restart failed"),
        }

    # --- the hub's REST API ---------------------------------------------------------------------
    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    async def api(self, method, path, body=None, token=None, timeout=60):
        request = HTTPRequest(
            f"{self.url}/hub/api{path}", method=method,
            headers={"Authorization": f"token {token or self.token}", "Content-Type": "application/json"},
            body=None if body is None and method == "GET" else json.dumps(body or {}),
            request_timeout=timeout, allow_nonstandard_methods=True,
        )
        response = await AsyncHTTPClient().fetch(request)
        return json.loads(response.body) if response.body else None

    async def create_users(self, names):
        await self.api("POST", "/users", {"usernames": list(names)})
        self.users.extend(names)
        for name in names:
            token = await self.api("POST", f"/users/{name}/tokens", {"note": "classroom", "expires_in": 7200})
            self.user_tokens[name] = token["token"]

    async def spawn(self, name, timeout=240):
        """Start the user's server through the API; the seconds until the hub reports it ready."""
        started = time.perf_counter()
        await self.api("POST", f"/users/{name}/server", timeout=timeout)
        deadline = time.monotonic() + timeout
        while True:
            model = await self.api("GET", f"/users/{name}")
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                seconds = time.perf_counter() - started
                break
            if server is None and not model.get("pending") and time.perf_counter() - started > 5:
                raise RuntimeError(f"{name}'s server failed to start after {time.perf_counter() - started:.0f} s; "
                                   f"the hub's log about it: {self.log_about(name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}'s server not ready within {timeout} s; "
                                   f"the hub's log about it: {self.log_about(name)}")
            await asyncio.sleep(0.25)
        self.server_pids[name] = (server.get("state") or {}).get("pid")
        if not self.server_pids[name]:
            self.server_pids[name] = self._server_pid(name)
        return seconds

    def _server_pid(self, name):
        for proc in marked_processes(self.marker):
            try:
                if proc.environ().get("JUPYTERHUB_USER") == name and "jupyterhub-singleuser" in " ".join(proc.cmdline()):
                    return proc.pid
            except psutil.Error:
                continue
        return None

    async def stop_server(self, name):
        try:
            await self.api("DELETE", f"/users/{name}/server", timeout=60)
        except HTTPClientError:
            pass

    # --- a user's server --------------------------------------------------------------------------
    async def user_api(self, name, method, path, body=None, timeout=120):
        request = HTTPRequest(
            f"{self.url}/user/{name}/api{path}", method=method,
            headers={"Authorization": f"token {self.user_tokens[name]}", "Content-Type": "application/json"},
            body=None if body is None and method in ("GET", "DELETE") else json.dumps(body or {}),
            request_timeout=timeout, allow_nonstandard_methods=True,
        )
        response = await AsyncHTTPClient().fetch(request)
        return json.loads(response.body) if response.body else None

    def memory(self, name):
        """Summed RSS in bytes of the user's server, its kernels and their PostgreSQL servers."""
        total, seen = 0, set()
        pid = self.server_pids.get(name)
        procs = []
        if pid:
            try:
                root = psutil.Process(pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
        # PostgreSQL detaches (pg_ctl) from the kernel: find it by the user's temporary directory.
        tmp = str(self.root / "tmp" / name) + os.sep
        for proc in psutil.process_iter(["name", "cmdline"]):
            try:
                if proc.info["name"] == "postgres" and any(tmp in part for part in proc.info["cmdline"] or ()):
                    procs.append(proc)
            except psutil.Error:
                continue
        for proc in procs:
            if proc.pid in seen:
                continue
            seen.add(proc.pid)
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total

    def hub_memory(self):
        """Summed RSS of the hub and its proxy."""
        total = 0
        try:
            hub = psutil.Process(self.process.pid)
            for proc in [hub, *hub.children()]:
                if "jupyterhub-singleuser" not in " ".join(proc.cmdline()):
                    total += proc.memory_info().rss
        except psutil.Error:
            pass
        return total

    def kernel_transport(self, name, kernel_id):
        """The transport in the kernel's connection file (in the user's runtime dir)."""
        try:
            info = json.loads((self.root / "rt" / name / f"kernel-{kernel_id}.json").read_text())
        except (OSError, ValueError):
            return "unknown"
        return f"{info.get('transport')} ({info.get('ip')}-*)" if info.get("transport") == "ipc" else \
            f"{info.get('transport')} ({info.get('ip')} ports {info.get('shell_port')}...)"

    async def run_notebook(self, name, path, *, cell_timeout=300, sampler=None):
        """Open ``path`` (relative to the course) in a new session, run every code cell in order."""
        import nbformat

        nb = nbformat.read(str(COURSE / path), as_version=4)
        run = NotebookRun(user=name, path=path)
        started = time.perf_counter()
        try:
            session = await self.user_api(name, "POST", "/sessions", {
                "path": f"{COURSE_DIR}/{path}", "type": "notebook", "name": Path(path).name,
                "kernel": {"name": "python3"},
            })
        except Exception as error:  # noqa: BLE001
            run.kernel_start_failed = True
            run.errors.append(f"kernel start: {type(error).__name__}: {error}")
            return run
        kernel_id = session["kernel"]["id"]
        run.transport = self.kernel_transport(name, kernel_id)
        try:
            await self._run_cells(name, kernel_id, nb, run, cell_timeout)
        finally:
            try:
                await self.user_api(name, "DELETE", f"/sessions/{session['id']}")
            except Exception as error:  # noqa: BLE001
                run.errors.append(f"session shutdown: {type(error).__name__}: {error}")
            run.seconds = time.perf_counter() - started
        return run

    async def _run_cells(self, name, kernel_id, nb, run, cell_timeout):
        ws_url = f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
        request = HTTPRequest(ws_url, headers={"Authorization": f"token {self.user_tokens[name]}"},
                              request_timeout=120)
        try:
            conn = await websocket_connect(request, max_message_size=100 * 1024 * 1024)
        except Exception as error:  # noqa: BLE001
            run.kernel_start_failed = True
            run.errors.append(f"kernel websocket: {type(error).__name__}: {error}")
            return
        session_id = uuid.uuid4().hex

        def message(msg_type, content, channel="shell"):
            msg_id = uuid.uuid4().hex
            return msg_id, json.dumps({
                "header": {"msg_id": msg_id, "msg_type": msg_type, "session": session_id, "username": name,
                           "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
            })

        async def request_reply(msg_type, content, timeout, collect=None):
            """Send one request; wait for its reply and the kernel's idle; return (reply, texts)."""
            msg_id, text = message(msg_type, content)
            await conn.write_message(text)
            reply, idle, texts = None, False, []
            deadline = time.monotonic() + timeout
            while reply is None or not idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise asyncio.TimeoutError(f"{msg_type}: no reply within {timeout} s")
                raw = await asyncio.wait_for(conn.read_message(), remaining)
                if raw is None:
                    raise ConnectionError("the kernel websocket closed")
                if isinstance(raw, bytes):
                    continue
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    if msg.get("msg_type") == "status" and msg["content"].get("execution_state") in ("dead", "restarting"):
                        raise ConnectionError(f"kernel {msg['content']['execution_state']}")
                    continue
                kind, content_ = msg.get("msg_type"), msg.get("content", {})
                if msg.get("channel") == "shell" and kind.endswith("_reply"):
                    reply = content_
                elif kind == "status" and content_.get("execution_state") == "idle":
                    idle = True
                elif kind == "status" and content_.get("execution_state") in ("dead", "restarting"):
                    raise ConnectionError(f"kernel {content_['execution_state']}")
                elif kind == "stream":
                    texts.append(content_.get("text", ""))
                elif kind in ("execute_result", "display_data"):
                    texts.append(content_.get("data", {}).get("text/plain", ""))
                elif kind == "error":
                    texts.append(f"{content_.get('ename')}: {content_.get('evalue')}")
            return reply, "".join(texts)

        try:
            # Wait until the kernel answers, as nbclient and JupyterLab do.
            for attempt in range(60):
                try:
                    await request_reply("kernel_info_request", {}, 10)
                    break
                except asyncio.TimeoutError:
                    if attempt == 59:
                        raise
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                started = time.perf_counter()
                reply, text = await request_reply("execute_request", {
                    "code": cell.source, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
                }, cell_timeout)
                result = CellResult(index, time.perf_counter() - started, text=text)
                run.cells.append(result)
                run.checks.extend(line.strip() for line in text.splitlines() if line.strip().startswith(VERDICTS))
                if reply.get("status") == "error" and "raises-exception" not in cell.metadata.get("tags", []):
                    result.error = f"{reply.get('ename')}: {reply.get('evalue')}"
                    run.errors.append(f"cell {index}: {result.error}")
                    if any(marker in result.error for marker in KERNEL_FAILURE_MARKERS):
                        run.kernel_start_failed = True
                    break  # Run All stops at the first error
        except Exception as error:  # noqa: BLE001 - a dead kernel, a timeout, a closed socket
            run.errors.append(f"{type(error).__name__}: {error}")
            if not run.cells:
                run.kernel_start_failed = True
        finally:
            conn.close()
