"""uvicorn's httptools protocol with the limits it lacks: a deadline for a request's headers, and a bound on their
size and number. Without them a slow client holds a connection forever and partial headers grow a worker's memory."""

import asyncio
import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.config import settings

log = logging.getLogger("api.server")


def _raw_problem(status: int, phrase: str, detail: str) -> bytes:
    """A whole HTTP/1.1 answer in the API's problem shape, for refusals made before there is a request to route."""
    body = json.dumps({"type": "about:blank", "title": phrase, "status": status, "detail": detail}).encode()
    head = (
        f"HTTP/1.1 {status} {phrase}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class GuardedHttpTools(HttpToolsProtocol):
    """Closes a connection that takes more than HEADER_TIMEOUT to send its headers (408), and refuses headers over
    MAX_HEADER_BYTES or MAX_HEADERS fields (431) before reading further."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_bytes = 0
        self.reading_headers = True
        self.too_large = False
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.reading_headers:
            self._arm()
            self.header_bytes += len(data)
            if self.header_bytes > settings.max_header_bytes:
                self.too_large = True
                self._refuse_headers()
                return
        super().data_received(data)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        if len(self.headers) > settings.max_headers:
            # httptools turns this into a parser error, which uvicorn answers through send_400_response below.
            self.too_large = True
            raise ValueError("too many header fields")

    def on_headers_complete(self) -> None:
        self.reading_headers = False
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self.reading_headers, self.header_bytes = True, 0
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        if self.too_large:
            self._refuse_headers()
        else:
            super().send_400_response(msg)

    def _arm(self) -> None:
        if self.header_timer is None:
            self.header_timer = self.loop.call_later(settings.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self) -> None:
        self.header_timer = None
        if self.reading_headers and not self.transport.is_closing():
            # Said only when a request was begun: a connection opened and left silent is simply closed.
            if self.header_bytes:
                detail = f"The request headers did not arrive within {settings.header_timeout:g} s."
                self.transport.write(_raw_problem(408, "Request Timeout", detail))
            self.transport.close()

    def _refuse_headers(self) -> None:
        self._disarm()
        if self.transport.is_closing():
            return
        log.warning(
            "refused oversized request headers from %s (%d bytes read)",
            self.client and self.client[0],
            self.header_bytes,
        )
        detail = f"Request headers are limited to {settings.max_header_bytes} bytes and {settings.max_headers} fields."
        self.transport.write(_raw_problem(431, "Request Header Fields Too Large", detail))
        self.transport.close()
