"""Roadmap imports as background tasks: the admin's upload, its page, once, recovered.

tests/test_admin_content.py covers what an import does (with the immediate backend,
the suite's default); here the import waits in the database for a worker.
"""

import json

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from skills.models import Roadmap, RoadmapUpload
from skills.tasks import import_roadmap_upload, queue_import, requeue_unfinished
from tests.factories import UserFactory
from tests.task_support import run_worker
from tests.test_roadmap_import_export import small_roadmap

IMPORT = "/admin/skills/roadmap/import/"


def roadmap_file(data: dict | bytes) -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile("backend.json", raw, content_type="application/json")


def test_an_upload_is_queued_and_its_page_follows_it(queued_tasks, staff_client, staff):
    response = staff_client.post(IMPORT, {"file": roadmap_file(small_roadmap())})

    upload = RoadmapUpload.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/skills/roadmapupload/{upload.pk}/change/"
    assert (upload.state, upload.created_by) == ("queued", staff)
    waiting = staff_client.get(response.url).content.decode()
    assert "Queued: waiting for a worker" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert not Roadmap.objects.exists()

    run_worker()

    roadmap = Roadmap.objects.get(slug="backend")
    done = staff_client.get(response.url).content.decode()
    assert "Roadmap “backend” created: 2 sections, 4 skills (4 new, 0 changed)." in done
    assert f'href="/admin/skills/roadmap/{roadmap.pk}/change/"' in done
    assert 'href="/roadmaps/backend/"' in done
    assert 'http-equiv="refresh"' not in done
    assert DBTaskResult.objects.get(id=upload.task_id).status == "SUCCESSFUL"
    assert f'href="/admin/django_tasks_database/dbtaskresult/{upload.task_id}/change/"' in done


def test_a_file_that_is_not_json_is_refused_at_once(queued_tasks, staff_client):
    response = staff_client.post(IMPORT, {"file": roadmap_file(b"{nope")})
    assert response.status_code == 200
    assert "not valid JSON" in response.content.decode()
    assert not RoadmapUpload.objects.exists() and not DBTaskResult.objects.exists()


def test_every_problem_is_listed_by_path_and_nothing_written(queued_tasks, staff_client):
    data = small_roadmap()
    data["sections"][1]["skills"][0]["prerequisites"] = ["cobol"]
    data["sections"][0]["skills"][0]["resources"][0]["url"] = "javascript:alert(1)"
    staff_client.post(IMPORT, {"file": roadmap_file(data)})
    run_worker()

    upload = RoadmapUpload.objects.get()
    page = staff_client.get(f"/admin/skills/roadmapupload/{upload.pk}/change/").content.decode()
    assert "The file has 2 problems; nothing was imported." in page
    assert "<code>sections[1].skills[0].prerequisites[0]</code>" in page
    assert "<code>sections[0].skills[0].resources[0].url</code>" in page
    assert not Roadmap.objects.exists()


def test_an_import_runs_once_and_a_stopped_workers_import_runs_again(queued_tasks, db):
    upload = queue_import(json.dumps(small_roadmap()).encode(), "backend.json")
    DBTaskResult.objects.filter(id=upload.task_id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["killed"]
    )
    RoadmapUpload.objects.filter(pk=upload.pk).update(state="running", attempts=1)

    assert requeue_unfinished() == 1
    run_worker()

    upload.refresh_from_db()
    assert (upload.state, upload.ok, upload.attempts) == ("done", True, 2)
    assert upload.roadmap == Roadmap.objects.get(slug="backend")
    assert import_roadmap_upload.call(upload.pk) == {"upload": upload.pk, "ran": False}


def test_roadmap_uploads_are_for_staff_who_may_import(client, owner_client, staff_client):
    upload = queue_import(json.dumps(small_roadmap()).encode(), "backend.json")
    url = f"/admin/skills/roadmapupload/{upload.pk}/change/"
    for who in (client, owner_client):
        response = who.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk_client = Client()
    clerk_client.force_login(clerk)
    assert clerk_client.get(url).status_code == 403
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_roadmap", "change_roadmap"])
    )
    assert clerk_client.get(url).status_code == 200
    assert clerk_client.get("/admin/skills/roadmapupload/").status_code == 200
    assert staff_client.get("/admin/skills/roadmapupload/abc/change/").status_code == 404
