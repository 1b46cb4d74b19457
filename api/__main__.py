"""The production server, `python -m api`: uvicorn with WORKERS processes, JSON logs and graceful shutdown."""

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from api.config import settings
from api.logs import logging_config
from api.protocol import GuardedHttpTools


def tcp_socket(config: uvicorn.Config) -> socket.socket:
    """uvicorn's listening socket for several workers, relabelled as TCP.

    uvicorn creates it with protocol 0, so asyncio skips TCP_NODELAY on the connections it accepts and every
    small answer then waits about 40 ms for the client's delayed ACK.
    """
    sock = config.bind_socket()
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)
    return tcp


def config() -> uvicorn.Config:
    return uvicorn.Config(
        "api.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        # Our JSON access log replaces uvicorn's; no `server: uvicorn` banner names the software.
        access_log=False,
        server_header=False,
        log_config=logging_config(settings.log_level, settings.access_log),
        timeout_graceful_shutdown=settings.shutdown_timeout,
        # Slow and idle clients are let go; beyond max_connections a new one gets a 503 at once (see api/protocol.py).
        http=GuardedHttpTools,
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_connections,
    )


def main() -> None:
    server_config = config()
    if server_config.workers > 1:
        Multiprocess(server_config, sockets=[tcp_socket(server_config)]).run()
    else:
        uvicorn.Server(server_config).run()


if __name__ == "__main__":
    main()
