"""Background imports on real processes: gunicorn and django-tasks-db workers on PostgreSQL.

A 100,000-row salary file uploaded through the admin is answered at once; the worker
importing it is killed (SIGKILL) mid-import, another one started, and every row is
stored exactly once. A bad file leaves the database as it was; a poisoned task ends
FAILED, its error shown in the admin.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import ROOT, manage, need, port_open
from tests.servers import Browser, Instance, fresh_postgres_database, production_env

pytestmark = pytest.mark.slow

PASSWORD = "a-long-enough-password-for-the-admin"
ROWS = 100_000
UPLOAD = re.compile(r"/admin/salaries/importupload/(\d+)/change/$")


@dataclass
class Site:
    web: Instance
    env: dict[str, str]
    database_url: str
    logs: Path
    browser: Browser = field(default_factory=Browser)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start_worker(self, name: str) -> subprocess.Popen:
        log = (self.logs / f"worker-{name}.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        self.workers.clear()

    def one(self, sql: str, *params: object) -> tuple:
        import psycopg

        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as db:
            return db.execute(sql, params).fetchone()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    need(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432")
    logs = tmp_path_factory.mktemp("task-worker")
    with fresh_postgres_database("careerpath_tasks") as database_url:
        env = production_env(database_url, TASKS_BACKEND="database", LOAD_DEMO="1")
        web = Instance(env, logs / "web.log")
        site = Site(web, env, database_url, logs)
        try:
            web.start()  # migrates and loads the demo tracks
            created = manage(
                "createsuperuser",
                "--noinput",
                "--username",
                "boss",
                "--email",
                "boss@example.com",
                env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            )
            assert created.returncode == 0, created.stderr
            assert site.browser.admin_login(web.url, "boss", PASSWORD).status == 200
            yield site
        finally:
            site.stop_workers()
            web.stop()


def wait_until(condition: Callable[[], object], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what}")


def salary_file(rows: int, bad_lines: dict[int, str] | None = None) -> bytes:
    """Careerpath's CSV: backend levels, amounts 50,001 up to 50,000 + rows (their sum
    says whether each row was stored once)."""
    levels = ["junior", "middle", "senior", "lead"]
    lines = ["role,level,country,currency,amount,year"]
    for i in range(1, rows + 1):
        lines.append(f"backend,{levels[i % 4]},{'DE' if i % 3 else 'US'},USD,{50_000 + i},2024")
    for index, line in (bad_lines or {}).items():
        lines[index] = line
    return ("\n".join(lines) + "\n").encode()


def upload(site: Site, source: str, content: bytes) -> tuple[int, str, float]:
    """Upload through the admin's form: the upload's id, its page, and the seconds the
    POST (and the redirect to the page) took."""
    url = f"{site.web.url}/admin/salaries/importbatch/import/"
    started = time.monotonic()
    page = site.browser.upload(url, {"source": source}, {"file": ("survey.csv", content)})
    elapsed = time.monotonic() - started
    assert page.status == 200, page.text[:500]
    match = UPLOAD.search(page.url)
    assert match, page.url
    return int(match.group(1)), page.text, elapsed


def state(site: Site, upload_id: int) -> str:
    return site.one("SELECT state FROM salaries_importupload WHERE id = %s", upload_id)[0]


def points_of(site: Site, source: str) -> tuple[int, int]:
    """How many data points the source has, and the sum of their amounts."""
    count, total = site.one(
        "SELECT count(*), coalesce(sum(p.amount), 0) FROM salaries_salarydatapoint p "
        "JOIN salaries_source s ON s.id = p.source_id WHERE s.name = %s",
        source,
    )
    return count, int(total)


def test_an_upload_answers_at_once_and_a_killed_import_completes_exactly_once(site):
    source = "Killed worker survey"
    first = site.start_worker("first")

    upload_id, page, elapsed = upload(site, source, salary_file(ROWS))
    assert elapsed < 1.0, f"the upload took {elapsed:.2f} s to answer"
    assert 'http-equiv="refresh"' in page  # the page follows the import

    # Mid-import (the worker writes how far it has read), the worker is killed.
    def percent() -> int:
        done, total = site.one(
            "SELECT done, total FROM salaries_importprogress WHERE upload_id = %s", upload_id
        )
        return done * 100 // total if total else 0

    wait_until(lambda: 5 <= percent() <= 80, "the import to be under way")
    shown = site.browser.get(f"{site.web.url}/admin/salaries/importupload/{upload_id}/change/")
    assert re.search(r"Importing: \d+%", shown.text), shown.text[:2000]
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    # Nothing half-written: the source, its batch and its points went with the transaction.
    wait_until(lambda: points_of(site, source) == (0, 0), "the killed import to roll back", 30)
    assert site.one("SELECT count(*) FROM salaries_source WHERE name = %s", source) == (0,)
    assert state(site, upload_id) == "running"

    # Another worker starts, finds the import abandoned, and runs it from the start.
    site.start_worker("second")
    wait_until(lambda: state(site, upload_id) == "done", "the import to finish", 180)

    assert points_of(site, source) == (ROWS, sum(50_000 + i for i in range(1, ROWS + 1)))
    batches = site.one(
        "SELECT count(*), sum(b.row_count) FROM salaries_importbatch b "
        "JOIN salaries_source s ON s.id = b.source_id WHERE s.name = %s",
        source,
    )
    assert batches == (1, ROWS)
    attempts, task_id = site.one(
        "SELECT attempts, task_id FROM salaries_importupload WHERE id = %s", upload_id
    )
    assert attempts == 2
    # The same task, picked up again: run by two workers, successful at last.
    status, workers = site.one(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s",
        task_id,
    )
    assert (status, len(workers)) == ("SUCCESSFUL", 2)
    # Once committed, the import queued the statistics' warm-up, which a worker ran.
    warmed = (
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'salaries.tasks.warm_statistics' AND status = 'SUCCESSFUL'"
    )
    wait_until(lambda: site.one(warmed) == (1,), "the statistics to be warmed", 60)

    done = site.browser.get(f"{site.web.url}/admin/salaries/importupload/{upload_id}/change/")
    assert "Imported 100,000 data point(s)" in done.text
    assert 'http-equiv="refresh"' not in done.text
    stats = site.browser.get(f"{site.web.url}/api/v1/salaries/stats?source=Killed+worker+survey")
    assert stats.status == 200
    assert json.loads(stats.text)["count"] == ROWS


def test_a_bad_file_changes_nothing_and_a_poisoned_task_fails_in_the_admin(site):
    site.start_worker("third")
    tables = [
        "salaries_salarydatapoint",
        "salaries_importbatch",
        "salaries_source",
        "django_admin_log",
    ]
    counts = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables)  # noqa: S608
    before = site.one(counts)

    bad = salary_file(2_000, {700: "backend,junior,US,USD,lots,2024", 1500: "backend,nobody"})
    upload_id, _page, _elapsed = upload(site, "Bad survey", bad)
    wait_until(lambda: state(site, upload_id) == "done", "the bad file to be checked")
    page = site.browser.get(f"{site.web.url}/admin/salaries/importupload/{upload_id}/change/")
    assert "2 problem(s) found; nothing was imported." in page.text
    assert "not a number" in page.text and "wrong column count" in page.text
    assert site.one(counts) == before

    # A task that fails whatever the attempt (no such upload): FAILED once, not retried.
    queued = manage(
        "shell",
        "-c",
        "from salaries.tasks import import_upload; print(import_upload.enqueue('poison').id)",
        env=site.env,
    )
    assert queued.returncode == 0, queued.stderr
    task_id = queued.stdout.split()[-1]  # after the shell's own notes
    table = "django_tasks_database_dbtaskresult"

    def status() -> str:
        return site.one(f"SELECT status FROM {table} WHERE id = %s", task_id)[0]  # noqa: S608

    wait_until(lambda: status() == "FAILED", "the poisoned task to fail")
    tries = f"SELECT count(*) FROM {table} WHERE args_kwargs->'args' = '[\"poison\"]'"  # noqa: S608
    assert site.one(tries) == (1,)  # not retried: another try would fail the same
    task_page = site.browser.get(
        f"{site.web.url}/admin/django_tasks_database/dbtaskresult/{task_id}/change/"
    )
    assert task_page.status == 200
    assert "Failed" in task_page.text
    assert "ValueError" in task_page.text and "poison" in task_page.text
