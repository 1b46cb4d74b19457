from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from api.config import settings


def make_engine(url: str) -> Engine:
    """Build a pooled engine; SQLite gets foreign keys on and real transactions, which pysqlite leaves off."""
    # Plain postgresql:// URLs (as hosting platforms hand them out) would select psycopg2, which is not installed.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    sqlite = url.startswith("sqlite")
    connect_args: dict[str, Any] = (
        {"check_same_thread": False, "timeout": settings.db_connect_timeout}
        if sqlite
        else {"connect_timeout": settings.db_connect_timeout, "application_name": "tip-tiers-api"}
    )
    pool: dict[str, Any] = {}
    if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
        pool = {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout,
            "pool_recycle": settings.db_pool_recycle,
        }
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True, **pool)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            # pysqlite would BEGIN only before writes; SQLAlchemy's begin event below does it for reads too.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN")

    return engine


def reader(engine: Engine) -> Engine:
    """One read-only snapshot per request: a data update lands between two requests, never inside one."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine


engine = make_engine(settings.database_url)


def session_for(engine: Engine) -> Generator[Session]:
    with Session(reader(engine)) as session:
        yield session


async def get_session() -> AsyncIterator[Session]:
    """Async so that FastAPI needs no thread hop to open and close it; a Session connects on its first query."""
    with Session(reader(engine)) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@contextmanager
def route_session(overrides: Mapping[Any, Any]) -> Iterator[Session]:
    """A session as the routes would get one, a test's override of `get_session` included, for work outside a route."""
    override = overrides.get(get_session)
    sessions = override() if override else session_for(engine)
    try:
        yield next(sessions)
    finally:
        sessions.close()
