"""The listening socket HQ serves from."""

from __future__ import annotations

import socket

from hq.server import bind_socket


def test_the_listening_socket_says_tcp_so_asyncio_turns_nagle_off() -> None:
    """asyncio sets TCP_NODELAY on accepted sockets only when ``proto`` is IPPROTO_TCP.

    With proto 0 every kept-alive answer waited ~40 ms for the client's delayed ACK
    (uvicorn writes the head and the body apart): a sync with nothing to do took 155 ms.
    """
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        client = socket.create_connection(sock.getsockname()[:2])
        accepted, _ = sock.accept()
        with client, accepted:
            assert accepted.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
