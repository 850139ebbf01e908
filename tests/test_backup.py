"""Backups: `make backup` then `make restore` into an EMPTY database finds every row of
every table (people, their progress, salary points, content, Django's own), ids and all.

Generic over `apps.get_models()`, so apps merged later are covered without edits here;
tests/backup_data.py fills the source database (demo content, every factory).
"""

import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, TEST_ONLY_ENV, manage, need, port_open, which

# One xdist worker for the module, so its tests share the source databases (`sources`).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backup")]


def run_script(name: str, *args: str, database_url: str) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    env.update(DEBUG="1", DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def in_database(database_url: str, code: str) -> str:
    result = manage(
        "shell", "-v", "0", "-c", code, env={"DEBUG": "1", "DATABASE_URL": database_url}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def fingerprint(database_url: str) -> dict[str, list[str]]:
    return json.loads(
        in_database(database_url, "from tests.backup_data import fingerprint; fingerprint()")
    )


@contextlib.contextmanager
def empty_database(engine: str, tmp_path: Path, name: str) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    else:
        from tests.servers import fresh_postgres_database

        with fresh_postgres_database(f"careerpath_backup_{name}") as url:
            yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    if request.param == "postgresql":
        need(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432")
        need(which("pg_dump") is not None and which("pg_restore") is not None, "pg_dump")
    return request.param


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Iterator[Callable[[str], tuple[str, dict[str, int]]]]:
    """Made once per engine for this module's tests, which only read it (or copy it): a
    database with people, content and Django's own rows; its URL and row counts."""
    made: dict[str, tuple[str, dict[str, int]]] = {}
    with contextlib.ExitStack() as stack:

        def source(engine: str) -> tuple[str, dict[str, int]]:
            if engine not in made:
                folder = tmp_path_factory.mktemp(f"source-{engine}")
                url = stack.enter_context(empty_database(engine, folder, "source"))
                env = {"DEBUG": "1", "DATABASE_URL": url}
                migrated = manage("migrate", "--noinput", env=env)
                assert migrated.returncode == 0, migrated.stderr
                filled = in_database(url, "from tests.backup_data import populate; populate()")
                made[engine] = url, json.loads(filled.splitlines()[-1])
            return made[engine]

        yield source


@pytest.fixture
def source(engine, sources):
    return sources(engine)


def project_models() -> list[str]:
    """Our own apps' models (not Django's or third parties'): each must hold rows."""
    from django.apps import apps

    return [
        model._meta.label
        for model in apps.get_models()
        if Path(model._meta.app_config.path).is_relative_to(ROOT)
        and not Path(model._meta.app_config.path).is_relative_to(ROOT / ".venv")
    ]


def test_restore_into_an_empty_database_finds_every_row(engine, source, tmp_path):
    source_url, counts = source
    # The source holds rows in every table of our own apps, people and Django's own rows.
    empty = [label for label in project_models() if not counts[label]]
    assert not empty, (
        f"no rows in {empty}: give them a factory in tests/factories.py or add them to "
        "tests/backup_data.py, so the backup test covers them"
    )
    for label in ("auth.User", "auth.Group", "admin.LogEntry", "sessions.Session"):
        assert counts[label] > 0, label

    backup = tmp_path / ("careerpath.dump" if engine == "postgresql" else "careerpath.xml.gz")
    made = run_script("backup.py", str(backup), database_url=source_url)
    assert made.returncode == 0, made.stderr
    assert f"to {backup}" in made.stdout
    assert backup.stat().st_size > 0
    assert not list(tmp_path.glob("*.partial*"))

    with empty_database(engine, tmp_path, "restored") as restored_url:
        restored = run_script("restore.py", str(backup), database_url=restored_url)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Restored" in restored.stdout

        before, after = fingerprint(source_url), fingerprint(restored_url)
        assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
        for label, rows in before.items():
            assert after[label] == rows, f"{label} differs after the restore"

        # The restored site works: people can sign in with their passwords.
        check = (
            "from django.contrib.auth import authenticate;"
            "print(authenticate(username='backup-boss', password='pw-1234567') is not None)"
        )
        assert in_database(restored_url, check).strip() == "True"

        # A second restore into the now full database is refused and changes nothing.
        again = run_script("restore.py", str(backup), database_url=restored_url)
        assert again.returncode == 1
        assert "not empty" in again.stderr
        assert fingerprint(restored_url) == before


def test_clean_restore_replaces_what_the_database_holds(sources, tmp_path):
    filled, _counts = sources("sqlite")
    copy = tmp_path / "source.sqlite3"
    shutil.copyfile(filled.removeprefix("sqlite:///"), copy)
    source_url = f"sqlite:///{copy}"
    backup = tmp_path / "before.xml.gz"
    assert run_script("backup.py", str(backup), database_url=source_url).returncode == 0
    before = fingerprint(source_url)

    in_database(
        source_url,
        "from django.contrib.auth.models import User, Group;"
        "User.objects.create_user('newcomer'); Group.objects.all().delete()",
    )
    assert fingerprint(source_url) != before

    restored = run_script("restore.py", "--clean", str(backup), database_url=source_url)
    assert restored.returncode == 0, restored.stderr
    assert fingerprint(source_url) == before


def test_restore_reports_a_missing_or_mismatched_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    missing = run_script("restore.py", str(tmp_path / "nope.xml.gz"), database_url=url)
    assert missing.returncode == 2
    assert "No backup file" in missing.stderr
    dump = tmp_path / "careerpath.dump"
    dump.write_bytes(b"PGDMP")
    wrong = run_script("restore.py", str(dump), database_url=url)
    assert wrong.returncode == 2
    assert "PostgreSQL backup" in wrong.stderr
