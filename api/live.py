"""Which data version is live, owned here and nowhere else: read from the database on one clock, at most every
VERSION_CHECK_INTERVAL, and held as the snapshot of that version (api/snapshot.py), which the answer store and every
/v1 route are handed alike. A request never waits on the database for it longer than `patience`: a database that
stops answering leaves the snapshot held, and /ready says so."""

import logging
import math
import time
from collections.abc import Callable

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from sqlmodel import Session

from api import snapshot as snapshots
from api.config import settings
from api.db import Database, database, reader
from api.models import Dataset
from api.snapshot import Snapshot, loaded_at

log = logging.getLogger("api.live")


def read_snapshot(session: Session, held: Snapshot | None) -> Snapshot:
    """The snapshot of the version loaded now: the one held when that is unchanged, otherwise read whole, in the same
    transaction as the version."""
    dataset = session.get(Dataset, 1)
    if (
        held is not None
        and dataset is not None
        and (held.version, held.loaded_at)
        == (
            dataset.version,
            loaded_at(dataset),
        )
    ):
        return held
    if held is not None and dataset is None and held.loaded_at is None:
        return held
    return snapshots.load(session)


class LiveVersion:
    def __init__(
        self,
        database: Database,
        interval: float,
        patience: float = 0.5,
        stuck_after: float = 2.0,
        read: Callable[[Session, Snapshot | None], Snapshot] = read_snapshot,
    ) -> None:
        self.database, self.interval, self.patience, self.stuck_after = database, interval, patience, stuck_after
        self.read = read
        # With nothing held yet a request may wait longer: for as long as the database may take to refuse.
        self.first_wait = settings.db_connect_timeout + settings.db_statement_timeout + 1
        self.source: object = None
        self.held: Snapshot | None = None
        self.started = self.succeeded = -math.inf
        self.reading = False
        self.done = anyio.Event()
        self.error: str | None = None
        self.failure: Exception | None = None

    async def get(self, max_age: float | None = None) -> Snapshot | None:
        """The snapshot held, after reading the version again when it is due (older than `max_age`, by default the
        interval); a read that outlasts `patience` goes on in its thread while the snapshot held is served."""
        engine = self.database.engine
        if engine is not self.source:
            # Another database (tests swap them): nothing held is of it.
            self.source, self.held, self.started, self.reading = engine, None, -math.inf, False
            self.error = self.failure = None
        now = time.monotonic()
        if not self.reading and now - self.started >= (self.interval if max_age is None else max_age):
            self.started, self.reading, self.done = now, True, anyio.Event()
            try:
                with anyio.move_on_after(self.patience if self.held is not None else self.first_wait):
                    # A limiter of its own: under load, the read never queues behind requests' work for the default one.
                    await anyio.to_thread.run_sync(
                        self._read, engine, abandon_on_cancel=True, limiter=anyio.CapacityLimiter(1)
                    )
            finally:
                self.done.set()
        elif self.reading and self.held is None:
            # Nothing held yet: wait for the read under way (identical first requests then share one answer).
            with anyio.move_on_after(self.first_wait):
                await self.done.wait()
        return self.held

    def _read(self, engine: Engine) -> None:
        try:
            with Session(reader(engine)) as session:
                held = self.held if engine is self.source else None
                snapshot = self.read(session, held)
        except Exception as exc:
            if engine is self.source:
                if self.error is None:
                    # Once per outage, not once per request.
                    log.warning("the database does not answer; serving data version %s held (%s)",
                                self.held.version if self.held else "none", exc)  # fmt: skip
                self.error, self.failure = str(exc), exc
        else:
            if engine is self.source:
                if self.error is not None:
                    log.warning("the database answers again")
                self.held, self.succeeded, self.error, self.failure = snapshot, time.monotonic(), None, None
        finally:
            if engine is self.source:
                self.reading = False

    def answering(self) -> bool:
        """Whether the last read succeeded and none has been under way for longer than `stuck_after`. Judged by the
        read itself, and with room: under load a healthy read can outlast a request's patience, and a load balancer
        must not pull a busy worker; a silent database is still reported within `stuck_after` seconds."""
        stuck = self.reading and time.monotonic() - self.started >= self.stuck_after
        return self.error is None and self.succeeded > -math.inf and not stuck


live = LiveVersion(database, settings.version_check_interval)
