import argparse
import datetime
import sys
from pathlib import Path

from api.config import settings
from api.db import make_engine
from seed.edition import add_edition
from seed.loader import DATA_DIR, SeedError, load


def add_edition_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seed add-edition",
        description="Add an edition from its printed tier placement list: writes seed/data/placements/YEAR.csv and "
        "its reports.csv row, after checking every name and the whole dataset. Then run `python -m seed`.",
    )
    parser.add_argument("year", type=int, help="the edition, e.g. 2026")
    parser.add_argument("list", type=Path, help="the list as text: TIER 1, TIER 2, ... headings, then names")
    parser.add_argument("--released", type=datetime.date.fromisoformat, default=datetime.date.today(),
                        help="release date, YYYY-MM-DD (default: today)")  # fmt: skip
    parser.add_argument("--url", help="the edition's page (default: state.gov's address for YEAR)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="default: seed/data")
    args = parser.parse_args(argv)
    try:
        lines = add_edition(args.data_dir, args.year, args.list, args.released, args.url)
    except SeedError as error:
        print(f"add-edition: nothing written:\n{error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["add-edition"]:
        return add_edition_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m seed",
        description="Migrate the database to head and load seed/data. "
        "`python -m seed add-edition YEAR LIST.txt` adds an edition first.",
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
