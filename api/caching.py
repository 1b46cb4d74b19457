"""HTTP caching for a read-only API: ETag, Last-Modified, Cache-Control, 304 answers, HEAD wherever GET works,
and a store of whole answers per data version, so a repeated request never reaches the database or FastAPI."""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.live import LiveVersion

# Headers a 304 keeps (RFC 9110 15.4.5); the rest describe a body it does not have.
_KEEP_ON_304 = {"cache-control", "etag", "expires", "last-modified", "vary", "date", "content-location"}

Key = tuple[str, bytes, str, bool]
PROBES = ("/health", "/ready")


def accepts_gzip(accept_encoding: str) -> bool:
    """RFC 9110 12.5.3: gzip is acceptable when listed, or covered by `*`, with a q-value above zero."""
    weights: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights.setdefault(coding.strip(), q)
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


class NegotiatedGZip(GZipMiddleware):
    """Starlette's gzip, which looks only for the word "gzip", told the outcome of negotiating q-values instead."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            gzip = accepts_gzip(Headers(scope=scope).get("accept-encoding", ""))
            headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
            scope = dict(scope, headers=[*headers, (b"accept-encoding", b"gzip")] if gzip else headers)
        await super().__call__(scope, receive, send)


def make_etag(version: str, scope: Scope, content_type: str, content_encoding: str) -> str:
    """Strong: the data version fixes the data, the URL and the media type fix the bytes, gzip its encoding."""
    parts = (version, scope["path"], scope.get("query_string", b"").decode("latin-1"), content_type, content_encoding)
    return '"' + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32] + '"'


def _not_modified(request: Headers, etag: str, last_modified: Any) -> bool:
    if (if_none_match := request.get("if-none-match")) is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if (since := request.get("if-modified-since")) is not None and last_modified is not None:
        try:
            return bool(last_modified.replace(microsecond=0) <= parsedate_to_datetime(since))
        except (TypeError, ValueError):
            return False
    return False


# What Python spends on one stored answer besides its bytes (key, headers list, objects), measured roughly.
_OVERHEAD = 1024


@dataclass
class Answer:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    last_modified: Any

    @property
    def size(self) -> int:
        """Bytes counted against the budget: the body, the headers and the bookkeeping, so small answers count too."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + _OVERHEAD


class Store:
    """Whole 200 answers of one data version, least recently used dropped first once over the byte budget."""

    def __init__(self, budget: int) -> None:
        self.budget, self.size, self.version = budget, 0, ""
        self.answers: OrderedDict[Key, Answer] = OrderedDict()

    def get(self, version: str, key: Key) -> Answer | None:
        if version != self.version:
            return None
        answer = self.answers.get(key)
        if answer is not None:
            self.answers.move_to_end(key)
        return answer

    def put(self, version: str, key: Key, answer: Answer) -> None:
        if version != self.version:
            self.answers.clear()
            self.size, self.version = 0, version
        if answer.size > self.budget // 4 or key in self.answers:
            return
        self.answers[key] = answer
        self.size += answer.size
        while self.size > self.budget:
            self.size -= self.answers.popitem(last=False)[1].size


class HTTPCache:
    """Wraps the app outside gzip, so the ETag can tell a gzipped body from a plain one.

    `live` holds the data version (api/live.py), re-read at most every VERSION_CHECK_INTERVAL, so an answer stored
    under the previous version stops being served within that time of a new load, on every worker.
    """

    def __init__(self, app: ASGIApp, max_age: int, live: LiveVersion | None = None, store_bytes: int = 0) -> None:
        self.app, self.cache_control = app, f"public, max-age={max_age}"
        self.live = live
        self.store = Store(store_bytes) if store_bytes > 0 and live else None
        # Requests being answered for the first time, by key: identical requests wait for that answer. The event is
        # made only when a second one arrives; most requests have no twin, and an event costs a backend lookup.
        self.pending: dict[Key, anyio.Event | None] = {}

    async def current_version(self, scope: Scope) -> str | None:
        """The live version (api/live.py), its snapshot handed on to the routes, so both are of one version."""
        if self.live is None:
            return None
        snapshot = await self.live.get()
        if snapshot is None:
            return None
        scope["state"]["snapshot"] = snapshot
        return snapshot.version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        scope.setdefault("state", {})
        if head:
            scope = dict(scope, method="GET")
        request = Headers(scope=scope)
        accept = request.get("accept", "")
        key: Key = (
            scope["path"],
            scope.get("query_string", b""),
            "" if accept == "*/*" else accept,
            accepts_gzip(request.get("accept-encoding", "")),
        )
        # The probes say how this process is, now: never stored, and /health never waits on the database.
        probe = scope["path"] in PROBES
        version = None if probe else await self.current_version(scope)
        stored = self.store is not None and not probe
        if version and stored and self.store is not None:
            if key in self.pending:
                first = self.pending[key] = self.pending[key] or anyio.Event()
                await first.wait()
            if (answer := self.store.get(version, key)) is not None:
                await self._replay(answer, request, head, send)
                return
            self.pending.setdefault(key, None)
        try:
            await self._answer(scope, receive, send, request, head, key, version)
        finally:
            if (event := self.pending.pop(key, None)) is not None:
                event.set()

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, request: Headers, head: bool, key: Key, version: str | None
    ) -> None:
        state = scope["state"]
        suppress_body = head
        recorded: Answer | None = None
        chunks: list[bytes] = []

        async def send_cached(message: Message) -> None:
            nonlocal suppress_body, recorded
            if message["type"] == "http.response.start":
                answered_with = state.get("data_version")
                if message["status"] == 200 and answered_with:
                    headers = MutableHeaders(scope=message)
                    etag = make_etag(
                        answered_with, scope, headers.get("content-type", ""), headers.get("content-encoding", "")
                    )
                    last_modified = state.get("last_modified")
                    headers["ETag"] = etag
                    headers["Cache-Control"] = self.cache_control
                    if last_modified is not None:
                        headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
                    headers.add_vary_header("Accept")
                    if answered_with == version and self.store is not None:
                        recorded = Answer(list(message["headers"]), b"", etag, last_modified)
                    if _not_modified(request, etag, last_modified):
                        suppress_body = True
                        message = {"type": "http.response.start", "status": 304, "headers": _kept(message["headers"])}
                await send(message)
            elif message["type"] == "http.response.body":
                if recorded is not None:
                    chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
                if not more and recorded is not None:
                    # Recorded only when answered with the version read above, so there is a store and a version.
                    assert self.store is not None and version
                    recorded.body = b"".join(chunks)
                    self.store.put(version, key, recorded)
                if not suppress_body:
                    await send(message)
                elif not more:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app(scope, receive, send_cached)

    async def _replay(self, answer: Answer, request: Headers, head: bool, send: Send) -> None:
        if _not_modified(request, answer.etag, answer.last_modified):
            await send({"type": "http.response.start", "status": 304, "headers": _kept(answer.headers)})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": list(answer.headers)})
        await send({"type": "http.response.body", "body": b"" if head else answer.body})


def _kept(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() in _KEEP_ON_304]
