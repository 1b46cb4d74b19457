import argparse
import sys

from api.config import settings
from api.db import make_engine
from seed.loader import DATA_DIR, SeedError, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seed", description="Migrate the database to head and load seed/data."
    )
    parser.add_argument(
        "--database-url", default=settings.database_url, help="default: DATABASE_URL or the SQLite file"
    )
    parser.add_argument("--data-dir", default=str(DATA_DIR), help="default: the dataset shipped in seed/data")
    parser.add_argument("--force", action="store_true", help="reload even if this data version is already loaded")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    try:
        version, loaded = load(engine, args.data_dir, force=args.force)
    except SeedError as error:
        print(f"seed: nothing changed, the data has errors:\n{error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"seed: data version {version} {'loaded' if loaded else 'already loaded'} ({engine.url.render_as_string()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
