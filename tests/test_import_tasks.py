"""Salary imports as background tasks: the upload's page, the queue, retries, recovery.

With the immediate backend (the suite's default) an upload is imported before its page
is shown; with the database backend it waits in the queue for a worker, run here in the
test's own process (`manage.py db_worker --batch`). tests/test_task_worker.py does the
same with real gunicorn and worker processes, killing one.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.uploads import UploadState
from salaries.importing.run import Importer
from salaries.models import ImportBatch, ImportProgress, ImportUpload, SalaryDataPoint
from salaries.stats import salary_stats, stats_by_level
from salaries.tasks import import_upload, queue_import, requeue_unfinished
from tests.factories import UserFactory
from tests.task_support import run_worker

IMPORT = "/admin/salaries/importbatch/import/"
GOOD = b"role,level,country,currency,amount,year\n" + b"".join(
    f"backend,senior,DE,USD,{70_000 + i},2024\n".encode() for i in range(6)
)
BAD = GOOD + b"backend,senior,DE,USD,lots,2024\nbackend,nobody\n"


def page_of(upload: ImportUpload) -> str:
    return f"/admin/salaries/importupload/{upload.pk}/change/"


def csv_file(content: bytes, name: str = "survey.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


# The page ----------------------------------------------------------------------------


def test_an_upload_answers_with_its_page_which_follows_the_queued_import(
    queued_tasks, salary_tracks, staff_client, staff
):
    response = staff_client.post(IMPORT, {"file": csv_file(GOOD), "source": "Survey"})

    upload = ImportUpload.objects.get()
    assert response.status_code == 302
    assert response.url == page_of(upload)
    assert (upload.state, upload.created_by, bytes(upload.content)) == ("queued", staff, GOOD)
    task = DBTaskResult.objects.get(id=upload.task_id)
    assert (task.status, task.args_kwargs["args"]) == ("READY", [upload.pk])
    waiting = staff_client.get(response.url).content.decode()
    assert "Queued: waiting for a worker" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert not SalaryDataPoint.objects.exists()

    run_worker()

    done = staff_client.get(response.url).content.decode()
    assert "Imported 6 data point(s) from survey.csv into “Survey”" in done
    assert 'http-equiv="refresh"' not in done
    assert f'href="/admin/salaries/salarydatapoint/?batch={ImportBatch.objects.get().pk}"' in done
    assert f'href="/admin/django_tasks_database/dbtaskresult/{upload.task_id}/change/"' in done
    assert SalaryDataPoint.objects.filter(source__name="Survey").count() == 6
    upload.refresh_from_db()
    assert (upload.state, upload.ok, bytes(upload.content)) == ("done", True, b"")


def test_the_page_shows_how_far_a_running_import_has_read(salary_tracks, staff_client):
    upload = ImportUpload.objects.create(file_name="big.csv", size=4 << 20, state="running")
    ImportProgress.objects.create(upload=upload, phase="Importing", done=1 << 20, total=4 << 20)

    page = staff_client.get(page_of(upload)).content.decode()

    assert '<label for="import-progress">Importing: 25%</label>' in page
    assert '<progress id="import-progress" max="100" value="25">25%</progress>' in page
    assert "1.0\xa0MB of 4.0\xa0MB read" in page
    assert 'http-equiv="refresh"' in page


def test_a_long_wait_says_to_start_a_worker(staff_client):
    upload = ImportUpload.objects.create(file_name="s.csv")
    ImportUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    page = staff_client.get(page_of(upload)).content.decode()
    assert "Make sure a worker is running: make worker" in page


def test_every_bad_row_is_listed_and_nothing_is_imported(salary_tracks, staff_client):
    response = staff_client.post(IMPORT, {"file": csv_file(BAD), "source": "S"}, follow=True)

    page = response.content.decode()
    assert "survey.csv: 2 problem(s) found; nothing was imported." in page
    assert "<td>8</td><td>amount</td><td><code>lots</code></td>" in page
    assert "wrong column count" in page
    assert not SalaryDataPoint.objects.exists() and not ImportBatch.objects.exists()


def test_a_failed_import_shows_its_error(staff_client):
    upload = ImportUpload.objects.create(
        file_name="s.csv", state="failed", error="DataError: value too long"
    )
    page = staff_client.get(page_of(upload)).content.decode()
    assert "The import failed; nothing was written." in page
    assert "DataError: value too long" in page
    assert 'http-equiv="refresh"' not in page


def test_the_page_costs_the_same_queries_for_one_problem_or_ten_thousand(
    staff_client, django_assert_max_num_queries
):
    row = {"line": 2, "column": "amount", "value": "x", "reason": "not a number"}
    few = ImportUpload.objects.create(file_name="a.csv", state="done", error_count=1, errors=[row])
    many = ImportUpload.objects.create(
        file_name="b.csv", state="done", error_count=10_000, errors=[row] * 10_000
    )
    staff_client.get(page_of(few))  # the session and permissions, once
    for upload in (few, many):
        with django_assert_max_num_queries(4):
            assert staff_client.get(page_of(upload)).status_code == 200


def test_uploads_are_for_staff_who_may_import(salary_tracks, client, owner_client, staff_client):
    upload = queue_import(io.BytesIO(GOOD), "s.csv")
    for who in (client, owner_client):
        response = who.get(page_of(upload))
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk_client = Client()
    clerk_client.force_login(clerk)
    assert clerk_client.get(page_of(upload)).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="add_salarydatapoint"))
    assert clerk_client.get(page_of(upload)).status_code == 200
    assert clerk_client.get("/admin/salaries/importupload/").status_code == 200
    for missing in ("999999", "abc"):
        response = staff_client.get(f"/admin/salaries/importupload/{missing}/change/")
        assert response.status_code == 404


# Once, all or nothing, retried, recovered -----------------------------------------------


def test_running_an_import_twice_imports_it_once(salary_tracks):
    upload = queue_import(io.BytesIO(GOOD), "s.csv", source_name="S")
    assert import_upload.call(upload.pk) == {"upload": upload.pk, "ran": False}
    assert ImportBatch.objects.count() == 1
    assert SalaryDataPoint.objects.count() == 6


def test_a_lost_database_is_retried_with_a_back_off(queued_tasks, salary_tracks, monkeypatch):
    upload = queue_import(io.BytesIO(GOOD), "s.csv", source_name="S")
    first_task = upload.task_id

    real_run = Importer.run
    failures = [OperationalError("server closed the connection unexpectedly")]

    def database_away_once(self, *args, **kwargs):
        if failures:
            raise failures.pop()
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(Importer, "run", database_away_once)
    run_worker()

    failed = DBTaskResult.objects.get(id=first_task)
    assert failed.status == "FAILED" and "OperationalError" in failed.traceback
    upload.refresh_from_db()
    assert (upload.state, upload.attempts) == ("queued", 1)
    retry = DBTaskResult.objects.get(id=upload.task_id)
    assert retry.status == "READY" and retry.args_kwargs["kwargs"] == {"attempt": 2}
    wait = retry.run_after - failed.finished_at
    assert timedelta(seconds=9) < wait < timedelta(seconds=12)
    assert not SalaryDataPoint.objects.exists()

    # The database is back; the back-off has passed.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    upload.refresh_from_db()
    assert (upload.state, upload.attempts, upload.ok) == ("done", 2, True)
    assert SalaryDataPoint.objects.count() == 6


def test_without_a_queue_a_lost_database_fails_the_upload(salary_tracks, monkeypatch):
    def database_away(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Importer, "run", database_away)
    upload = queue_import(io.BytesIO(GOOD), "s.csv")
    upload.refresh_from_db()
    assert upload.state == "failed"
    assert upload.error == "OperationalError: server closed the connection unexpectedly"


def test_a_worker_starting_queues_again_what_a_stopped_worker_left(queued_tasks, salary_tracks):
    abandoned = queue_import(io.BytesIO(GOOD), "a.csv", source_name="A")
    waiting = queue_import(io.BytesIO(GOOD), "b.csv", source_name="B")
    # The first was claimed by a worker that was then killed: RUNNING for ever.
    DBTaskResult.objects.filter(id=abandoned.task_id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["killed"]
    )
    ImportUpload.objects.filter(pk=abandoned.pk).update(state=UploadState.RUNNING, attempts=1)

    task_id = abandoned.task_id
    assert requeue_unfinished() == 1  # the waiting one is left as it is
    assert DBTaskResult.objects.get(id=task_id).status == "READY"  # the same task, again

    run_worker()
    for upload, source in ((abandoned, "A"), (waiting, "B")):
        upload.refresh_from_db()
        assert upload.state == "done"
        assert SalaryDataPoint.objects.filter(source__name=source).count() == 6
    assert (abandoned.attempts, abandoned.task_id) == (2, task_id)
    task = DBTaskResult.objects.get(id=abandoned.task_id)
    assert (task.status, task.worker_ids[0]) == ("SUCCESSFUL", "killed")


def test_an_import_whose_task_was_lost_is_queued_anew(queued_tasks, salary_tracks):
    upload = queue_import(io.BytesIO(GOOD), "a.csv", source_name="A")
    DBTaskResult.objects.filter(id=upload.task_id).delete()  # pruned, say

    assert "Queued again 1 unfinished salary import(s)." in run_worker()

    upload.refresh_from_db()
    assert upload.state == "done"
    assert SalaryDataPoint.objects.filter(source__name="A").count() == 6


def test_statistics_are_warm_after_an_import(salary_tracks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_import(io.BytesIO(GOOD), "s.csv", source_name="S")

    backend = salary_tracks["backend"]
    with CaptureQueriesContext(connection) as queries:
        headline = salary_stats(track=backend)
        by_level = stats_by_level(backend, levels=list(backend.levels.order_by("rank")))
    assert headline.count == 6
    assert [row.stats.count for row in by_level if row.level.slug == "senior"] == [6]
    assert not [q for q in queries if "salaries_salarydatapoint" in q["sql"]]

    cache.clear()  # and without the warm-up the figures are computed
    with CaptureQueriesContext(connection) as queries:
        salary_stats(track=backend)
    assert [q for q in queries if "salaries_salarydatapoint" in q["sql"]]


# `manage.py import_salaries --queue` ----------------------------------------------------


def test_the_command_queues_the_file_and_prints_the_task_id(queued_tasks, salary_tracks, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(GOOD)
    out, err = io.StringIO(), io.StringIO()

    call_command("import_salaries", str(path), "--queue", "--source", "CLI", stdout=out, stderr=err)

    upload = ImportUpload.objects.get()
    assert out.getvalue() == f"{upload.task_id}\n"
    assert DBTaskResult.objects.get(id=upload.task_id).status == "READY"
    assert f"Queued survey.csv as upload #{upload.pk}" in err.getvalue()
    assert not SalaryDataPoint.objects.exists()

    run_worker()
    assert SalaryDataPoint.objects.filter(source__name="CLI").count() == 6
    stats = Client().get("/api/v1/salaries/stats", {"source": "CLI", "track": "backend"})
    assert stats.json()["count"] == 6


def test_the_command_without_a_worker_imports_at_once(salary_tracks, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(BAD)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_salaries", str(path), "--queue", stdout=out, stderr=err)
    assert out.getvalue().strip() == ImportUpload.objects.get().task_id
    assert "2 problem(s) found; nothing was imported." in err.getvalue()
    assert not SalaryDataPoint.objects.exists()


def test_the_command_refuses_a_bad_source_or_a_missing_file(db, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="at most 200 characters"):
        call_command("import_salaries", str(path), "--queue", "--source", "x" * 201)
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_salaries", str(tmp_path / "nope.csv"), "--queue")
    assert not ImportUpload.objects.exists()
