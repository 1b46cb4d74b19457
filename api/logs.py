"""Structured logs: one JSON line per request, tied together by a request id the client sees."""

import datetime
import json
import logging
import os
import re
import time
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("api.access")

# An id from a proxy or client is echoed only if it is short and plain, so it cannot forge log lines.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")


class JSONFormatter(logging.Formatter):
    """A line a log shipper parses without patterns: time, level, logger, message, pid and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(level: str, access_log: bool = True) -> dict[str, Any]:
    """For uvicorn's log_config: its own events and our access lines, all as JSON on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JSONFormatter}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "loggers": {
            "uvicorn": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "api": {"handlers": ["stdout"], "level": level.upper(), "propagate": False},
            "api.access": {"level": level.upper() if access_log else "WARNING"},
        },
    }


class RequestLog:
    """Outermost layer: gives every request an id (echoed as X-Request-ID) and logs it once it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        offered = headers.get("x-request-id", "")
        # 128 random bits as 32 hex digits, like uuid4().hex without building a UUID object on every request.
        request_id = offered if _PLAIN_ID.fullmatch(offered) else os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status, size = 500, 0

        async def send_logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            if access.isEnabledFor(logging.INFO):
                client = scope.get("client")
                fields = {
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": scope.get("query_string", b"").decode("latin-1"),
                    "status": status,
                    "bytes": size,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                    "user_agent": headers.get("user-agent"),
                }
                access.info("%s %s %s", scope["method"], scope["path"], status, extra={"fields": fields})
