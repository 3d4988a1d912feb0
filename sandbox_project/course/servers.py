"""A real ASGI server (uvicorn) serving the sandbox on 127.0.0.1.

``with asgi_server() as base_url:`` starts uvicorn in a background thread of
the kernel, on a free loopback port, serving the sandbox's ASGI application
(cell-mounted views included, same in-memory database). It is stopped when the
block ends, also when the block raises.
"""
import socket
import threading
import time
from contextlib import contextmanager

__all__ = ["HOST", "free_port", "port_is_open", "asgi_server"]

HOST = "127.0.0.1"


def free_port(host=HOST):
    """A TCP port nobody listens on right now (picked by the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_open(port, host=HOST):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


@contextmanager
def asgi_server(app=None, *, startup_timeout=10.0):
    """Serve ``app`` (default: the sandbox's Django ASGI app); yield its base URL."""
    import uvicorn
    from django.core.asgi import get_asgi_application

    port = free_port()
    config = uvicorn.Config(
        app or get_asgi_application(),
        host=HOST,
        port=port,
        lifespan="off",  # Django 4.1's ASGIHandler speaks HTTP only
        log_config=None,  # keep uvicorn's logging out of the notebook
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The ASGI server did not start on {HOST}:{port}.")
            time.sleep(0.01)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
