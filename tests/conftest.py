import os

# One app serves many test databases in turn: read the data version on every request, never a second late.
os.environ["VERSION_CHECK_INTERVAL"] = "0"
# The suite sends thousands of requests a minute from one address; the rate limit's own tests set their limits.
os.environ["RATE_LIMIT"] = "0"
# Absolute links come from PUBLIC_URL only; the tests' TestClient calls itself http://testserver.
os.environ["PUBLIC_URL"] = "http://testserver"
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import live
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlmodel import SQLModel

from api.caching import HTTPCache
from api.db import database, make_engine
from api.main import app
from seed.loader import DATA_DIR, MIGRATIONS_DIR, load, migrate

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "data"
TRENDS_DIR = Path(__file__).parent / "fixtures" / "trends"


def pytest_report_header() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return f"PostgreSQL: {url}" if url else "PostgreSQL: TEST_DATABASE_URL not set, PostgreSQL tests will be skipped"


def _with_vocabularies(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for name in ("tiers.csv", "regions.csv"):
        shutil.copy(DATA_DIR / name, target / name)
    return target


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made fixture dataset, with the real tier and region vocabularies beside it."""
    return _with_vocabularies(FIXTURE_DIR, tmp_path_factory.mktemp("fixture") / "data")


@pytest.fixture(scope="session")
def trends_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six countries over 2009-2014, built so that every change, streak and downgrade is worked out by hand."""
    return _with_vocabularies(TRENDS_DIR, tmp_path_factory.mktemp("trends") / "data")


HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def reset(engine: Engine) -> None:
    """Empty PostgreSQL: only its rows when it holds exactly this schema at the latest migration (one TRUNCATE,
    much quicker than dropping and migrating again for every test), otherwise every table."""
    tables = set(inspect(engine).get_table_names())
    if tables == {*SQLModel.metadata.tables, "alembic_version"}:
        with engine.begin() as connection:
            if connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD:
                names = ", ".join(SQLModel.metadata.tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                return
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


# The databases every database test runs on; PostgreSQL's only where TEST_DATABASE_URL is set.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_url() -> str:
    """TEST_DATABASE_URL, or skip the test, saying why."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL not tested: TEST_DATABASE_URL is not set")
    return url


def empty_database(kind: str, sqlite_file: Path) -> Engine:
    """A fresh SQLite file, or the PostgreSQL at TEST_DATABASE_URL emptied first."""
    if kind == "sqlite":
        return make_engine(f"sqlite:///{sqlite_file}")
    engine = make_engine(postgres_url())
    reset(engine)
    return engine


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database: a fresh SQLite file, or the PostgreSQL at TEST_DATABASE_URL emptied first."""
    engine = empty_database(request.param, tmp_path / "test.db")
    yield engine
    engine.dispose()


@contextmanager
def serving(engine: Engine) -> Iterator[None]:
    """The app reads from `engine` meanwhile: tests swap the database, never a route."""
    served, database.engine = database.engine, engine
    try:
        yield
    finally:
        database.engine = served


def failing_engine(error: Exception) -> Engine:
    """A database whose every connection attempt fails with `error`."""
    engine = create_engine("sqlite://")

    @event.listens_for(engine, "do_connect")
    def _fail(*_: object) -> None:
        raise error

    return engine


def client_over(engine: Engine) -> Iterator[TestClient]:
    with serving(engine), TestClient(app) as client:
        yield client


@pytest.fixture
def client(engine: Engine, fixture_dir: Path) -> Iterator[TestClient]:
    """The app over the fixture dataset, on each database."""
    load(engine, fixture_dir)
    yield from client_over(engine)


@pytest.fixture
def trends_client(engine: Engine, trends_dir: Path) -> Iterator[TestClient]:
    """The app over the trends fixture, on each database."""
    load(engine, trends_dir)
    yield from client_over(engine)


@pytest.fixture(scope="session", params=DATABASES)
def real_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The real seed data, loaded once per test run on each database, and only read. On PostgreSQL it lives in a
    database of its own (TEST_DATABASE_URL's name + "_real", made when missing), which tests that empty the test
    database leave alone; a reload is skipped while the data version is unchanged."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('real') / 'real.db'}")
    else:
        url = postgres_url()
        real = make_url(url).set(database=f"{make_url(url).database}_real")
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            if not connection.exec_driver_sql(f"SELECT 1 FROM pg_database WHERE datname = '{real.database}'").first():
                connection.exec_driver_sql(f'CREATE DATABASE "{real.database}"')
        admin.dispose()
        engine = make_engine(real.render_as_string(hide_password=False))
    load(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def real_client(real_engine: Engine) -> Iterator[TestClient]:
    """The app over the real seed data, on each database."""
    yield from client_over(real_engine)


@pytest.fixture
def empty_client(engine: Engine) -> Iterator[TestClient]:
    """The app over a migrated database that holds no data yet."""
    migrate(engine)
    yield from client_over(engine)


@pytest.fixture
def cache_layer() -> HTTPCache:
    """The app's caching middleware, for tests that look into it or set its clock."""
    layer = app.middleware_stack
    while not isinstance(layer, HTTPCache):
        layer = layer.app  # type: ignore[union-attr]
    return layer


@pytest.fixture
def empty_store(cache_layer: HTTPCache) -> Iterator[None]:
    """Empty the answer store, which every test shares, before and after: an answer to the same URL and data version
    from another test (one made under other settings, say) would otherwise be served in place of the route."""
    assert cache_layer.store is not None
    cache_layer.store.answers.clear()
    cache_layer.store.size = 0
    yield
    cache_layer.store.answers.clear()
    cache_layer.store.size = 0


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason for what was skipped, with its count (not a line per test: without PostgreSQL that would
    be some 500 lines saying the same)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reasons[longrepr[2].removeprefix("Skipped: ") if isinstance(longrepr, tuple) else str(longrepr)] += 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"skipped {count}: {reason}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test starts (module-scoped servers too): tests/live.py refuses to start a server
    for a test not marked `live`."""
    live.LIVE_TEST[0] = item.get_closest_marker("live") is not None
