"""HTTP caching for a read-only API: ETag, Last-Modified, Cache-Control, 304 answers, and HEAD wherever GET works."""

import hashlib
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Headers a 304 keeps (RFC 9110 15.4.5); the rest describe a body it does not have.
_KEEP_ON_304 = {"cache-control", "etag", "expires", "last-modified", "vary", "date", "content-location"}


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


class HTTPCache:
    """Wraps the app outside gzip, so the ETag can tell a gzipped body from a plain one."""

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app, self.cache_control = app, f"public, max-age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        state = scope.setdefault("state", {})
        if head:
            scope = dict(scope, method="GET")
        request = Headers(scope=scope)
        suppress_body = head

        async def send_cached(message: Message) -> None:
            nonlocal suppress_body
            if message["type"] == "http.response.start":
                version = state.get("data_version")
                if message["status"] == 200 and version:
                    headers = MutableHeaders(scope=message)
                    etag = make_etag(
                        version, scope, headers.get("content-type", ""), headers.get("content-encoding", "")
                    )
                    last_modified = state.get("last_modified")
                    headers["ETag"] = etag
                    headers["Cache-Control"] = self.cache_control
                    if last_modified is not None:
                        headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
                    headers.add_vary_header("Accept")
                    if _not_modified(request, etag, last_modified):
                        suppress_body = True
                        kept = [(k, v) for k, v in message["headers"] if k.decode("latin-1").lower() in _KEEP_ON_304]
                        message = {"type": "http.response.start", "status": 304, "headers": kept}
                await send(message)
            elif message["type"] == "http.response.body" and suppress_body:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app(scope, receive, send_cached)
