"""Which data version is live: read from the database on one clock, at most every VERSION_CHECK_INTERVAL, and held
here for the answer store, the placements snapshot and /ready. A request never waits on the database for it longer
than `patience`: a database that stops answering leaves the version held, and /ready says so."""

import datetime
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from api.config import settings
from api.db import get_session, route_session
from api.models import Dataset

log = logging.getLogger("api.live")


@dataclass(frozen=True)
class Loaded:
    version: str
    loaded_at: datetime.datetime


def loaded_at(dataset: Dataset) -> datetime.datetime:
    """When the data was loaded, in UTC: SQLite hands the stored time back without its zone."""
    return dataset.loaded_at if dataset.loaded_at.tzinfo else dataset.loaded_at.replace(tzinfo=datetime.UTC)


def read_loaded(overrides: Mapping[Any, Any]) -> Loaded | None:
    """The loaded data version, through the routes' own session dependency (so a test's database applies)."""
    with route_session(overrides) as session:
        dataset = session.get(Dataset, 1)
    return Loaded(dataset.version, loaded_at(dataset)) if dataset else None


class LiveVersion:
    def __init__(
        self,
        read: Callable[[Mapping[Any, Any]], Loaded | None],
        interval: float,
        patience: float = 0.5,
        stuck_after: float = 2.0,
    ) -> None:
        self.read, self.interval, self.patience, self.stuck_after = read, interval, patience, stuck_after
        self.source: object = None
        self.held: Loaded | None = None
        self.started = self.succeeded = -math.inf
        self.reading = False
        self.done = anyio.Event()
        self.error: str | None = None

    async def get(self, overrides: Mapping[Any, Any], max_age: float | None = None) -> Loaded | None:
        """The version held, re-read first when it is due (older than `max_age`, by default the interval); a read
        that outlasts `patience` goes on in its thread."""
        source = overrides.get(get_session)
        if source is not self.source:
            # Another database (tests swap them): nothing held is of it.
            self.source, self.held, self.started, self.reading = source, None, -math.inf, False
        now = time.monotonic()
        if not self.reading and now - self.started >= (self.interval if max_age is None else max_age):
            self.started, self.reading, self.done = now, True, anyio.Event()
            try:
                with anyio.move_on_after(self.patience):
                    # A limiter of its own: under load, the read never queues behind requests' work for the default one.
                    await anyio.to_thread.run_sync(
                        self._read, overrides, source, abandon_on_cancel=True, limiter=anyio.CapacityLimiter(1)
                    )
            finally:
                self.done.set()
        elif self.reading and self.held is None:
            # Nothing held yet: wait for the read under way (identical first requests then share one answer).
            with anyio.move_on_after(self.patience):
                await self.done.wait()
        return self.held

    def _read(self, overrides: Mapping[Any, Any], source: object) -> None:
        try:
            loaded = self.read(overrides)
        except Exception as exc:
            if source is self.source:
                if self.error is None:
                    # Once per outage, not once per request.
                    log.warning("the database does not answer; serving data version %s held (%s)",
                                self.held.version if self.held else "none", exc)  # fmt: skip
                self.error = str(exc)
        else:
            if source is self.source:
                if self.error is not None:
                    log.warning("the database answers again")
                self.held, self.succeeded, self.error = loaded, time.monotonic(), None
        finally:
            if source is self.source:
                self.reading = False

    def answering(self) -> bool:
        """Whether the last read succeeded and none has been under way for longer than `stuck_after`. Judged by the
        read itself, and with room: under load a healthy read can outlast a request's patience, and a load balancer
        must not pull a busy worker; a silent database is still reported within `stuck_after` seconds."""
        stuck = self.reading and time.monotonic() - self.started >= self.stuck_after
        return self.error is None and self.succeeded > -math.inf and not stuck


live = LiveVersion(read_loaded, settings.version_check_interval)
