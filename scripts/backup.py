#!/usr/bin/env python3
"""Back up Careerpath's database: `make backup [BACKUP=file]`.

PostgreSQL: `pg_dump -Fc` (custom format: compressed, restored by `pg_restore`).
Any other database (SQLite): `manage.py dumpdata --natural-foreign` without content
types and permissions, to gzipped XML (restored by `migrate` + `loaddata`, even into
another database engine).

The database is the one the settings name (`DATABASE_URL`, default `db.sqlite3`).
Without a file name the backup goes to `backups/careerpath-<UTC time>.<dump|xml.gz>`.
"""

import argparse
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Rows that `migrate` creates by itself, in its own order, in every database.
# Rows `migrate` makes, which a restore finds already there. Cache versions (core) too: a
# restored database starts with versions of its own, so nothing cached before is served.
CREATED_BY_MIGRATE = ("contenttypes.contenttype", "auth.permission", "core.scopeversion")


def setup_django() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerpath.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings.DATABASES["default"]


def is_postgresql(database: dict) -> bool:
    return database["ENGINE"] == "django.db.backends.postgresql"


def libpq_env(database: dict) -> dict[str, str]:
    """pg_dump/pg_restore connection settings from Django's, password not on argv."""
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if database.get(key):
            env[name] = str(database[key])
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", help="where to write the backup")
    args = parser.parse_args()

    database = setup_django()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if is_postgresql(database) else "xml.gz"
    target = Path(args.file or ROOT / "backups" / f"careerpath-{stamp}.{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")

    if is_postgresql(database):
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--file", str(partial)],
            env=libpq_env(database),
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            print("Backup failed: pg_dump did not finish (see above).", file=sys.stderr)
            return 1
    else:
        from django.core.management import call_command

        # dumpdata compresses by the file's extension; write it, then move it in place.
        partial = target.with_name(target.stem + ".partial" + target.suffix)
        # Every id is kept as it is: log entries, sessions and generic relations name
        # objects by id, so renumbering people (as --natural-primary would) breaks them.
        # Only what `migrate` creates itself is left out and referenced by natural key.
        # XML, not JSON: Django's JSON cuts times to the millisecond; XML keeps them exact.
        call_command(
            "dumpdata",
            format="xml",
            natural_foreign=True,
            exclude=list(CREATED_BY_MIGRATE),
            output=str(partial),
            verbosity=0,
        )
    # Only a finished backup gets the real name: a failed run never leaves a half file.
    partial.replace(target)
    size = target.stat().st_size
    print(f"Backed up {database['NAME']} to {target} ({size:,} bytes).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
