"""A fault-injecting TCP proxy on loopback, for the sync's network-fault tests (DESIGN §9).

It sits between the counter's real ``HQClient`` and the real reference HQ and speaks just
enough HTTP/1.1 (request line, headers, Content-Length body; response Content-Length or
chunked body) to decide a fault per REQUEST, also on kept-alive connections. Each request
goes to HQ on a fresh connection, so a fault never leaves a half-used one behind.

Faults, and what the client sees:

- ``latency``: a delay before the request is forwarded (forwarded even if the client
  gave up meanwhile: HQ then gets the request late, maybe after the client's retry);
- ``refuse``: the connection is reset at once, and so are the next one or two;
- ``reset_request``: part of the request reaches HQ, then both sides are reset;
- ``reset_response``: HQ answered (it applied the request), the client gets part of the
  answer, then a reset;
- ``truncate``: HQ answered, the client gets the headers and less body than they say,
  then the connection closes;
- ``drip``: HQ's answer trickles out a few bytes at a time (slow enough, it trips the
  client's read timeout);
- ``status``: 500/502/503/429 (429 and 503 with ``Retry-After``) instead of forwarding,
  or ``after`` forwarding: HQ applied it but the client sees an error;
- ``malformed``: 200 with a junk body, instead of or after forwarding.

Faults come from a script (``proxy.script(...)``: the next matching requests, in order)
and then from ``proxy.schedule`` (a seeded :class:`Schedule`); ``heal()`` turns both off.
``counts`` says how often each kind fired; ``lost_after_apply`` counts POST /v1/ops that
HQ answered 200 while the client got no usable answer; ``hq_failures`` lists HQ's own 5xx
answers (and requests HQ did not answer), which the client would silently retry.
"""

from __future__ import annotations

import collections
import contextlib
import random
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

KINDS = (
    "latency",
    "refuse",
    "reset_request",
    "reset_response",
    "truncate",
    "drip",
    "status",
    "malformed",
)
# Latency and drips cost wall-clock time: drawn a third as often as the rest.
WEIGHTS = tuple(1 if kind in ("latency", "drip") else 3 for kind in KINDS)
STATUSES = (500, 502, 503, 429)
# Faults that let HQ apply the request and then spoil the answer.
AFTER_APPLY = ("reset_response", "truncate", "drip")
JUNK = (b'{"results": [{"op_id": ', b"<html><body>502 Bad Gateway</body></html>", b"\x00\xff{")
MAX_HEAD = 64 * 1024
IO_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Fault:
    kind: str
    status: int = 0
    retry_after: str | None = None
    after: bool = False  # status / malformed: after HQ answered
    delay_s: float = 0.0  # latency: before forwarding; drip: between chunks
    # How much gets through: of the request (reset_request) or of the answer (reset_response,
    # truncate); also picks the junk (malformed) and 1 or 2 more refusals (refuse).
    cut: float = 0.5

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    @property
    def spoils_answer(self) -> bool:
        return self.kind in AFTER_APPLY or (self.kind in ("status", "malformed") and self.after)

    def label(self) -> str:
        if self.kind == "status":
            return f"status {self.status}{' after' if self.after else ''}"
        return f"{self.kind}{' after' if self.after else ''}"


class Schedule:
    """A seeded sequence of fault decisions, drawn request by request.

    ``rate`` is the chance that a request meets a fault; ``read_timeout_s`` is the
    client's, so that most drips are slow enough to trip it and some are not.
    """

    def __init__(self, seed: int, rate: float = 0.3, read_timeout_s: float = 0.3) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.rate = rate
        self.read_timeout_s = read_timeout_s

    def __call__(self, method: str, path: str) -> Fault | None:
        rng = self.rng
        if rng.random() >= self.rate:
            return None
        kind = rng.choices(KINDS, WEIGHTS)[0]
        cut = rng.uniform(0.05, 0.95)
        if kind == "latency":
            return Fault(kind, delay_s=rng.uniform(0.02, 1.5 * self.read_timeout_s))
        if kind == "drip":
            return Fault(kind, delay_s=rng.uniform(0.5, 1.5) * self.read_timeout_s, cut=cut)
        if kind == "status":
            status = rng.choice(STATUSES)
            retry_after = None
            if status in (429, 503):
                retry_after = rng.choice(("0", "1", "3", "Wed, 21 Oct 2015 07:28:00 GMT"))
            return Fault(kind, status=status, retry_after=retry_after, after=rng.random() < 0.5)
        if kind == "malformed":
            return Fault(kind, after=rng.random() < 0.5, cut=cut)
        return Fault(kind, cut=cut)


Plan = Callable[[str, str], Fault | None]


class _Closed(Exception):
    """The peer went away before a whole message arrived."""


def _read_head(f: BinaryIO) -> bytes:
    head = b""
    while True:
        line = f.readline(MAX_HEAD)
        if not line:
            raise _Closed
        head += line
        if line in (b"\r\n", b"\n") and head.strip():
            return head
        if line in (b"\r\n", b"\n"):
            head = b""  # stray blank line before a request
        if len(head) > MAX_HEAD:
            raise _Closed


def _headers(head: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            out[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    return out


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n) if n else b""
    if len(data) != n:
        raise _Closed
    return bytes(data)


def _read_chunked(f: BinaryIO) -> bytes:
    raw = b""
    while True:
        line = f.readline(MAX_HEAD)
        if not line:
            raise _Closed
        raw += line
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers, then the blank line
                trailer = f.readline(MAX_HEAD)
                if not trailer:
                    raise _Closed
                raw += trailer
                if trailer in (b"\r\n", b"\n"):
                    return raw
        raw += _read_exact(f, size + 2)


def _read_request(f: BinaryIO) -> tuple[str, str, bytes, bytes]:
    """(method, path, head, body) of the next request; _Closed at the end of the stream."""
    head = _read_head(f)
    method, _, rest = head.decode("latin-1").partition(" ")
    path = rest.split(" ")[0].split("?")[0]
    headers = _headers(head)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _read_chunked(f)
    else:
        body = _read_exact(f, int(headers.get("content-length") or 0))
    return method, path, head, body


def _read_response(f: BinaryIO, method: str) -> tuple[int, bytes, bytes]:
    """(status, head, body as framed on the wire) of HQ's answer."""
    head = _read_head(f)
    status = int(head.split(b" ", 2)[1])
    headers = _headers(head)
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, head, b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return status, head, _read_chunked(f)
    if "content-length" in headers:
        return status, head, _read_exact(f, int(headers["content-length"]))
    return status, head, f.read()  # delimited by the end of the connection


def _answer(status: int, body: bytes, extra: dict[str, str] | None = None) -> bytes:
    reason = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error"}.get(
        status, {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Status")
    )
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
    lines += [f"Content-Length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0) instead of FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultProxy:
    """A TCP proxy on 127.0.0.1:0 to ``upstream`` (an ``http://host:port`` URL)."""

    def __init__(self, upstream: str, schedule: Plan | None = None) -> None:
        host, _, port = upstream.removeprefix("http://").rstrip("/").rpartition(":")
        self.upstream = (host, int(port))
        self.schedule = schedule
        self.counts: collections.Counter[str] = collections.Counter()
        self.lost_after_apply = 0
        self.requests = 0
        self.connections = 0  # accepted and served (refused ones are counted as faults)
        self.hq_failures: list[str] = []  # HQ's own 5xx answers, or no answer at all
        # The last requests seen: (method, path, fault label or "").
        self.log: collections.deque[tuple[str, str, str]] = collections.deque(maxlen=2000)
        self._script: list[tuple[str | None, str | None, Fault]] = []
        self._refuse_next = 0
        self._lock = threading.Lock()
        self._busy = 0
        self._idle = threading.Condition(self._lock)
        self._socks: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = False
        self._accepter = threading.Thread(target=self._accept_loop, name="faultproxy", daemon=True)
        self._accepter.start()

    # ------------------------------------------------------------------ control

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def script(self, *faults: Fault, method: str | None = None, path: str | None = None) -> None:
        """The next requests matching ``method``/``path`` meet these faults, in order."""
        with self._lock:
            self._script.extend((method, path, f) for f in faults)

    def heal(self) -> None:
        """No more faults (requests already being faulted finish their fault)."""
        with self._lock:
            self._script.clear()
            self.schedule = None
            self._refuse_next = 0

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until no request is being handled (late, dripping, forwarded …)."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def take_counts(self) -> tuple[collections.Counter[str], int]:
        """The faults fired and the ops answers lost since the last call; both reset.

        Waits for requests still being handled, so that their faults are counted."""
        self.wait_idle()
        with self._lock:
            counts, lost = self.counts, self.lost_after_apply
            self.counts = collections.Counter()
            self.lost_after_apply = 0
            return counts, lost

    def close(self) -> None:
        self._stopping = True
        self.heal()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in list(self._socks):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._accepter.join(IO_TIMEOUT_S)
        for thread in list(self._threads):
            thread.join(IO_TIMEOUT_S)

    # ------------------------------------------------------------------ internals

    def _decide(self, method: str, path: str) -> Fault | None:
        with self._lock:
            self.requests += 1
            for i, (m, p, fault) in enumerate(self._script):
                if (m is None or m == method) and (p is None or p == path):
                    del self._script[i]
                    return fault
            return self.schedule(method, path) if self.schedule is not None else None

    def _fired(self, fault: Fault, method: str, path: str, hq_status: int | None) -> None:
        """Count a fault; ``hq_status`` when HQ had answered the request."""
        with self._lock:
            self.counts[fault.kind] += 1
            if fault.label() != fault.kind:
                self.counts[fault.label()] += 1
            if fault.spoils_answer and hq_status is not None:
                self.counts["after HQ answered"] += 1
                if method == "POST" and path == "/v1/ops" and hq_status == 200:
                    self.lost_after_apply += 1

    def _unspoiled(self, method: str, path: str, hq_status: int) -> None:
        with self._lock:
            self.counts["after HQ answered"] -= 1
            if method == "POST" and path == "/v1/ops" and hq_status == 200:
                self.lost_after_apply -= 1

    def _track(self, sock: socket.socket, on: bool) -> None:
        with self._lock:
            if on:
                self._socks.add(sock)
            else:
                self._socks.discard(sock)

    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refuse = self._refuse_next > 0
                if refuse:
                    self._refuse_next -= 1
                    self.counts["refuse"] += 1
                    self.counts["refused connection"] += 1
            if refuse:
                _reset(client)
                continue
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.settimeout(IO_TIMEOUT_S)
        self._track(client, True)
        reader = client.makefile("rb")
        try:
            while not self._stopping:
                try:
                    method, path, head, body = _read_request(reader)
                except (_Closed, OSError, ValueError):
                    break
                with self._lock:
                    self._busy += 1
                try:
                    keep = self._one(client, method, path, head + body)
                finally:
                    with self._idle:
                        self._busy -= 1
                        self._idle.notify_all()
                if not keep:
                    break
        finally:
            self._track(client, False)
            reader.close()
            if client.fileno() != -1:
                client.close()

    def _forward(self, request: bytes, method: str) -> tuple[int, bytes] | None:
        """HQ's whole answer (status, wire bytes), on a fresh connection; None if none."""
        try:
            with socket.create_connection(self.upstream, timeout=IO_TIMEOUT_S) as up:
                up.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                up.sendall(request)
                with up.makefile("rb") as f:
                    status, head, body = _read_response(f, method)
        except (OSError, _Closed, ValueError):
            with self._lock:
                self.hq_failures.append(f"{method} {request[:60]!r}: no answer")
            return None
        if status >= 500:  # HQ's own, not one of ours: worth a look
            with self._lock:
                self.hq_failures.append(f"{method} {request[:60]!r}: {body[:300]!r}")
        return status, head + body

    def _one(self, client: socket.socket, method: str, path: str, request: bytes) -> bool:
        """Handle one request; False when the client connection is done with."""
        fault = self._decide(method, path)
        with self._lock:
            self.log.append((method, path, fault.label() if fault else ""))
        try:
            if fault is None:
                return self._relay(client, method, request)
            return self._inject(client, method, path, request, fault)
        except OSError:
            return False  # the client went away (it timed out, or the proxy is closing)

    def _relay(self, client: socket.socket, method: str, request: bytes) -> bool:
        answer = self._forward(request, method)
        if answer is None:
            _reset(client)
            return False
        client.sendall(answer[1])
        return True

    def _inject(
        self, client: socket.socket, method: str, path: str, request: bytes, fault: Fault
    ) -> bool:
        kind = fault.kind
        if kind == "latency":
            self._fired(fault, method, path, None)
            time.sleep(fault.delay_s)
            return self._relay(client, method, request)
        if kind == "refuse":
            with self._lock:
                self._refuse_next += 1 + int(fault.cut * 2)
            self._fired(fault, method, path, None)
            _reset(client)
            return False
        if kind == "reset_request":
            cut = max(1, min(len(request) - 1, int(len(request) * fault.cut)))
            try:
                with socket.create_connection(self.upstream, timeout=IO_TIMEOUT_S) as up:
                    up.sendall(request[:cut])
                    _reset(up)
            except OSError:
                pass
            self._fired(fault, method, path, None)
            _reset(client)
            return False
        if kind in ("status", "malformed") and not fault.after:
            self._fired(fault, method, path, None)
            client.sendall(self._synthesized(fault))
            return True
        answer = self._forward(request, method)
        if answer is None:
            _reset(client)
            return False
        status, wire = answer
        self._fired(fault, method, path, status)
        if kind == "drip":
            delivered = self._drip(client, wire, fault.delay_s)
            if delivered:  # slow, not too slow: the client's answer was not lost after all
                self._unspoiled(method, path, status)
            return delivered
        if kind in ("status", "malformed"):
            client.sendall(self._synthesized(fault))
            return True
        if kind == "reset_response":
            client.sendall(wire[: int(len(wire) * fault.cut)])
            _reset(client)
            return False
        if kind == "truncate":
            split = wire.find(b"\r\n\r\n") + 4
            keep = split + int((len(wire) - split) * fault.cut)
            client.sendall(wire[: min(keep, len(wire) - 1)])
            client.shutdown(socket.SHUT_WR)
            client.close()
            return False
        raise AssertionError(kind)

    def _synthesized(self, fault: Fault) -> bytes:
        if fault.kind == "malformed":
            return _answer(200, JUNK[int(fault.cut * len(JUNK)) % len(JUNK)])
        extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        body = (
            b'{"error":{"code":"proxy_fault","message":"injected by the test proxy","details":{}}}'
        )
        return _answer(fault.status, body, extra)

    def _drip(self, client: socket.socket, wire: bytes, delay_s: float) -> bool:
        """A few bytes at a time; stops when the client hangs up (it timed out)."""
        step = max(1, len(wire) // 3)
        for start in range(0, len(wire), step):
            client.sendall(wire[start : start + step])
            if start + step >= len(wire):
                return True
            readable, _, _ = select.select([client], [], [], delay_s)
            if readable and not client.recv(1, socket.MSG_PEEK):
                client.close()
                return False
        return True
