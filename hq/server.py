"""Running HQ with uvicorn: in the foreground (``hq serve``) or in a background thread.

The thread form is what the demo and the tests use: a real server on a real socket, so
the counter's HTTP client is exercised exactly as in a store. We bind the socket ourselves
so that port 0 gives a free port we know before uvicorn starts, and a busy port is a clear
error rather than a log line from inside the server.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI

from hq.app import create_app
from hq.db import EngineOrURL

STARTUP_TIMEOUT_S = 15.0
SHUTDOWN_TIMEOUT_S = 10.0
BACKLOG = 2048  # uvicorn's default


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port).

    Listening at once means a client that connects while uvicorn is still starting waits
    in the backlog instead of being refused.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family = infos[0][0] if infos else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio turns Nagle off only for sockets that say so, and
    # uvicorn writes head and body apart; with Nagle on, every kept-alive answer waits ~40 ms
    # for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def make_server(app: FastAPI, *, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server without access log and without touching the logging config."""
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(SHUTDOWN_TIMEOUT_S / 2),
    )
    return uvicorn.Server(config)


def http_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@dataclass
class RunningHQ:
    """A server running in a thread; ``stop()`` shuts it down and joins the thread."""

    url: str
    port: int
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(SHUTDOWN_TIMEOUT_S)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(SHUTDOWN_TIMEOUT_S)

    def __enter__(self) -> RunningHQ:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_in_thread(
    db_url: EngineOrURL, host: str = "127.0.0.1", port: int = 0, *, app: FastAPI | None = None
) -> RunningHQ:
    """Start HQ on ``host:port`` in a daemon thread; returns once it accepts connections.

    ``app`` replaces the app made from ``db_url`` (the URL is then ignored): handy for a
    test that needs a route of its own.
    """
    sock = bind_socket(host, port)
    try:
        application = app if app is not None else create_app(db_url)
    except BaseException:
        sock.close()
        raise
    actual_port = sock.getsockname()[1]
    server = make_server(application)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"hq-{actual_port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            sock.close()
            raise RuntimeError("HQ server failed to start (see the log)")
        if time.monotonic() > deadline:
            server.should_exit = True
            thread.join(SHUTDOWN_TIMEOUT_S)
            sock.close()
            raise RuntimeError(f"HQ server did not start within {STARTUP_TIMEOUT_S:.0f} s")
        time.sleep(0.005)
    return RunningHQ(http_url(host, actual_port), actual_port, server, thread)
