"""Command line: `python -m etl build` builds the database; `python -m etl status` reports on it."""
from __future__ import annotations

import argparse
import sys

from etl.errors import EtlError
from common.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    """Run a sub-command; exit code 0 on success, 1 on an input error, 2 when there is no database."""
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="build data/smartcity.duckdb (or $SMARTCITY_DB) from the sources")
    build_cmd.add_argument("--strict", action="store_true",
                           help="fail, instead of quarantining, when a row of the open data is rejected")
    build_cmd.add_argument("--incremental", action="store_true",
                           help="when only new My Number snapshot folders appeared since the current build, load just "
                                "those into a copy of it (else say why and build in full)")
    sub.add_parser("ensure", help="build only when the database file is missing")
    sub.add_parser("status", help="print sources, row counts, rejected rows and the build time")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command == "status":
        from etl.status import print_status
        return print_status(settings)
    if args.command == "ensure" and settings.db_path.is_file():
        print(f"database present: {settings.db_path}")
        return 0
    from etl.build import build
    try:
        build(settings, strict=getattr(args, "strict", False), incremental=getattr(args, "incremental", False))
    except EtlError as exc:
        print(f"ETL build failed; the previous database (if any) is unchanged: {settings.db_path}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
