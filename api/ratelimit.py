"""Requests per client address per time window: in this process, or shared by every worker through Redis."""

import logging
import math
import time
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import settings
from api.errors import problem

log = logging.getLogger("api.ratelimit")

# Probes from a load balancer or supervisor must never be throttled into taking a healthy server out.
EXEMPT = ("/health", "/ready")


class Counter(Protocol):
    async def hit(self, key: str, current: int, window: int) -> int:
        """Count one request under `key` in window number `current` (of `window` seconds); the count so far."""

    async def close(self) -> None:
        """Let go of connections, on shutdown."""


class MemoryCounter:
    """One worker's own counts: exact for a single process, per process when there are several."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.window = -1

    async def hit(self, key: str, current: int, window: int) -> int:
        # A new window starts with an empty table.
        if current != self.window:
            self.counts.clear()
            self.window = current
        count = self.counts.get(key, 0) + 1
        self.counts[key] = count
        return count

    async def close(self) -> None:
        pass


class RedisCounter:
    """Counts shared by every worker and replica that points at the same Redis.

    A breaker: after a failure (refused, or no answer within `timeout`), this process counts on its own for
    `retry_after` seconds instead of asking Redis again, so a hung Redis costs one slow request, not every one."""

    def __init__(self, url: str, timeout: float = 0.1, retry_after: float = 5.0) -> None:
        self.redis = aioredis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.retry_after = retry_after
        self.fallback = MemoryCounter()
        self.down_until = 0.0
        self.outage = False

    async def hit(self, key: str, current: int, window: int) -> int:
        now = time.monotonic()
        if now < self.down_until:
            return await self.fallback.hit(key, current, window)
        full_key = f"tip-tiers:ratelimit:{key}:{current}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(full_key)
                pipe.expire(full_key, window + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            # An outage of the limiter's store must not become an outage of the API: count here meanwhile.
            if not self.outage:
                log.warning("rate limit store unavailable, counting in this process for now: %s", exc)
            self.outage, self.down_until = True, time.monotonic() + self.retry_after
            return await self.fallback.hit(key, current, window)
        if self.outage:
            log.warning("rate limit store answers again")
            self.outage = False
        return int(count)

    async def close(self) -> None:
        await self.redis.aclose()


class RateLimit:
    """At most `limit` requests per `window` seconds per client address, then a 429 problem until the window ends.

    The address is the one the server resolved: uvicorn replaces it with X-Forwarded-For only when the
    connection comes from a trusted proxy (`TRUSTED_PROXIES`), so a client cannot pick its own.
    Every answer carries the IETF RateLimit headers, so a script can pace itself before it is refused.
    """

    def __init__(self, app: ASGIApp, limit: int, window: int, counter: Counter) -> None:
        self.app, self.limit, self.window, self.counter = app, limit, window, counter
        self.policy = f"{limit};w={window}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit <= 0 or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        # One reading of the clock gives both the window counted in and the seconds until it ends.
        now = time.time()
        client = scope.get("client")
        count = await self.counter.hit(client[0] if client else "unknown", int(now // self.window), self.window)
        reset = max(1, math.ceil(self.window - now % self.window))
        headers = [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(max(self.limit - count, 0)).encode()),
            (b"ratelimit-reset", str(reset).encode()),
            (b"ratelimit-policy", self.policy),
        ]
        if count > self.limit:
            refusal = problem(
                429,
                f"More than {self.limit} requests in {self.window} s from your address; retry in {reset} s. "
                "The bulk downloads (/v1/bulk/) hold everything in one request.",
                headers={"Retry-After": str(reset)},
            )
            refusal.raw_headers += headers
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def counter_for(redis_url: str) -> Counter:
    """Redis when a URL is configured (several workers share one budget), otherwise this process's memory."""
    if not redis_url:
        return MemoryCounter()
    return RedisCounter(redis_url, settings.redis_timeout, settings.redis_retry_after)
