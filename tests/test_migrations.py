from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import api.models  # noqa: F401  (registers the tables)
from seed.loader import migrate

TABLES = {"correction", "country", "country_alias", "coverage_gap", "dataset", "placement", "region", "report", "tier"}


def test_migrations_match_the_models(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diffs == []


def test_migrations_go_down_and_up_again(engine: Engine) -> None:
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    migrate(engine, "base", downgrade=True)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
