#!/usr/bin/env python3
"""Restore a backup made by scripts/backup.py: `make restore BACKUP=file`.

Restores into the database the settings name (`DATABASE_URL`). That database must be
empty (just created, or only migrated) unless `--clean` is given, which first drops or
empties everything in it. A `.dump` file (PostgreSQL's custom format) is restored with
`pg_restore` in one transaction; an `.xml.gz` (or any fixture) with `migrate` + `loaddata`
(atomic), into any engine. Either way the database is then migrated to the code's
current schema.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backup import CREATED_BY_MIGRATE, is_postgresql, libpq_env, setup_django


def postgresql_tables(database: dict) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return cursor.fetchone()[0]


def rows_in_use() -> list[str]:
    from django.apps import apps

    return [
        f"{model._meta.label_lower} ({count})"
        for model in apps.get_models()
        # A database holding only what `migrate` creates is still empty.
        if model._meta.label_lower not in CREATED_BY_MIGRATE
        and (count := model._default_manager.count())
    ]


def restore_postgresql(database: dict, backup: Path, clean: bool) -> int:
    if not is_postgresql(database):
        print(
            f"{backup} is a PostgreSQL backup (pg_dump); set DATABASE_URL to a PostgreSQL "
            "database to restore it.",
            file=sys.stderr,
        )
        return 2
    if not clean and (tables := postgresql_tables(database)):
        print(
            f"Refusing to restore: {database['NAME']} is not empty ({tables} tables). "
            "Restore into a new, empty database, or pass --clean to replace everything.",
            file=sys.stderr,
        )
        return 1
    from django.db import connection

    connection.close()
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", "--dbname", database["NAME"]]
    if clean:
        command += ["--clean", "--if-exists"]
    result = subprocess.run([*command, str(backup)], env=libpq_env(database))
    if result.returncode != 0:
        print("Restore failed; nothing was changed (see above).", file=sys.stderr)
        return 1
    return 0


def restore_fixture(database: dict, backup: Path, clean: bool) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if in_use := rows_in_use():
        if not clean:
            print(
                f"Refusing to restore: {database['NAME']} is not empty "
                f"({', '.join(in_use[:5])}). Restore into a new, empty database, or pass "
                "--clean to replace everything.",
                file=sys.stderr,
            )
            return 1
        call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(backup), verbosity=0)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="a backup made by make backup")
    parser.add_argument(
        "--clean", action="store_true", help="replace whatever the database holds now"
    )
    args = parser.parse_args()
    backup = Path(args.file)
    if not backup.is_file():
        print(f"No backup file at {backup}.", file=sys.stderr)
        return 2

    database = setup_django()
    # A .dump is PostgreSQL's own format; a fixture loads into any engine (e.g. SQLite to
    # PostgreSQL).
    restore = restore_postgresql if backup.name.endswith(".dump") else restore_fixture
    status = restore(database, backup, args.clean)
    if status:
        return status
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"Restored {backup} into {database['NAME']}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
