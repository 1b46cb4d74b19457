"""The production server, `python -m api`: uvicorn with WORKERS processes, JSON logs and graceful shutdown."""

import uvicorn

from api.config import settings
from api.logs import logging_config


def main() -> None:
    uvicorn.run(
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
    )


if __name__ == "__main__":
    main()
