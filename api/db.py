import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, exc
from sqlmodel import create_engine

from api.config import settings

log = logging.getLogger("api.db")


class Watchdog:
    """Cuts the socket of a PostgreSQL connection whose round trip has run past its deadline.

    TCP keepalives and tcp_user_timeout catch a network that drops packets, and statement_timeout a slow query, but a
    peer that accepts bytes and never answers (a hung server, a stalled proxy) is caught only by a clock of our own.
    Shutting the socket down wakes the waiting thread with a connection error: the request gets a 503."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadlines: dict[int, tuple[float, Any]] = {}
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def arm(self, dbapi_connection: Any) -> None:
        with self.lock:
            self.deadlines[id(dbapi_connection)] = (time.monotonic() + self.seconds, dbapi_connection)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._watch, name="db-watchdog", daemon=True)
                self.thread.start()

    def disarm(self, dbapi_connection: Any) -> None:
        with self.lock:
            self.deadlines.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while True:
            time.sleep(min(0.1, self.seconds / 4))
            now = time.monotonic()
            with self.lock:
                late = [(key, conn) for key, (deadline, conn) in self.deadlines.items() if deadline <= now]
                for key, _ in late:
                    del self.deadlines[key]
            for _, conn in late:
                log.warning("the database did not answer within %g s; closing the connection", self.seconds)
                try:
                    with socket.socket(fileno=os.dup(conn.pgconn.socket)) as sock:
                        sock.shutdown(socket.SHUT_RDWR)
                except (OSError, AttributeError, ValueError):
                    pass


def _postgres_guards(engine: Engine) -> None:
    """Every round trip of a served connection runs under the watchdog; a checked-out connection is pinged first."""
    watchdog = Watchdog(settings.db_statement_timeout + 1)

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, _record, _proxy):  # type: ignore[no-untyped-def]
        # pool_pre_ping without the watchdog could wait forever; a failed ping makes the pool connect afresh.
        watchdog.arm(dbapi_connection)
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise exc.DisconnectionError() from error
        finally:
            watchdog.disarm(dbapi_connection)
        if dbapi_connection.info.transaction_status:
            dbapi_connection.rollback()

    @event.listens_for(engine, "before_cursor_execute")
    def _arm(connection, _cursor, _statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
        watchdog.arm(connection.connection.dbapi_connection)

    @event.listens_for(engine, "after_cursor_execute")
    def _disarm(connection, _cursor, _statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
        watchdog.disarm(connection.connection.dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _on_error(context):  # type: ignore[no-untyped-def]
        if context.connection is not None and context.connection.connection.dbapi_connection is not None:
            watchdog.disarm(context.connection.connection.dbapi_connection)

    # Handing a connection back rolls its transaction back: a round trip too.
    @event.listens_for(engine, "reset")
    def _arm_reset(dbapi_connection, _record, _state):  # type: ignore[no-untyped-def]
        watchdog.arm(dbapi_connection)

    @event.listens_for(engine, "checkin")
    def _disarm_checkin(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        if dbapi_connection is not None:
            watchdog.disarm(dbapi_connection)


def make_engine(url: str, serving: bool = False) -> Engine:
    """Build a pooled engine; SQLite gets foreign keys on and real transactions, which pysqlite leaves off.

    A `serving` engine answers requests: every wait on PostgreSQL is bounded, and a missing SQLite file is an error
    (a 503 and one log line) instead of a new empty database."""
    # Plain postgresql:// URLs (as hosting platforms hand them out) would select psycopg2, which is not installed.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    sqlite = url.startswith("sqlite")
    connect_args: dict[str, Any] = (
        {"check_same_thread": False, "timeout": settings.db_connect_timeout}
        if sqlite
        else {
            "connect_timeout": settings.db_connect_timeout,
            "application_name": "tip-tiers-api",
            # A peer that vanishes is noticed within seconds, not after the kernel's two hours.
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": int(settings.db_statement_timeout * 1000),
        }
    )
    if serving and not sqlite:
        connect_args["options"] = f"-c statement_timeout={int(settings.db_statement_timeout * 1000)}"
    pool: dict[str, Any] = {}
    if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
        pool = {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout,
            "pool_recycle": settings.db_pool_recycle,
        }
    guarded = serving and not sqlite
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=not guarded, **pool)
    if guarded:
        _postgres_guards(engine)
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if serving and database and database != ":memory:" and not database.startswith("file:"):

            @event.listens_for(engine, "do_connect")
            def _refuse_missing(_dialect, _record, _cargs, _cparams):  # type: ignore[no-untyped-def]
                if not Path(database).exists():
                    log.error("the SQLite database %s does not exist; run `python -m seed` first", database)
                    raise exc.OperationalError("connect", {}, FileNotFoundError(database))

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            # pysqlite would BEGIN only before writes; SQLAlchemy's begin event below does it for reads too.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN")
            # A request's session may only read, as on PostgreSQL (see reader()); the seed writes.
            readonly = connection.get_execution_options().get("sqlite_readonly", False)
            connection.exec_driver_sql(f"PRAGMA query_only = {int(readonly)}")

    return engine


def reader(engine: Engine) -> Engine:
    """Read-only, and one consistent view per transaction: a data update lands between two reads, never inside one."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine.execution_options(sqlite_readonly=True)


class Database:
    """The one database the served data is read from. Tests point it at their own; routes never see it (they answer
    from the snapshot, api/snapshot.py)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine


database = Database(make_engine(settings.database_url, serving=True))
