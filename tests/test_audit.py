"""The audit log: admin changes are recorded (who, what, when) and visible, read-only,
to staff allowed to see them, and to nobody else."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from core.audit import audit
from tests.factories import UserFactory

LOG = reverse("admin:admin_logentry_changelist")


@pytest.fixture
def group_added_by_staff(staff_client, staff):
    response = staff_client.post(
        reverse("admin:auth_group_add"), {"name": "Salary moderators", "_save": "Save"}
    )
    assert response.status_code == 302
    return Group.objects.get(name="Salary moderators")


def test_an_admin_change_is_logged_with_who_what_and_when(
    staff_client, staff, group_added_by_staff
):
    group = group_added_by_staff
    response = staff_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Salary reviewers", "_save": "Save"},
    )
    assert response.status_code == 302
    added, changed = LogEntry.objects.filter(object_id=str(group.pk)).order_by("action_time")
    assert (added.user, added.action_flag, added.object_repr) == (
        staff,
        ADDITION,
        "Salary moderators",
    )
    assert (changed.user, changed.action_flag, changed.object_repr) == (
        staff,
        CHANGE,
        "Salary reviewers",
    )
    assert changed.get_change_message() == "Changed Name."
    assert changed.action_time >= added.action_time


def test_the_log_is_visible_in_the_admin(staff_client, group_added_by_staff):
    page = staff_client.get(LOG)
    assert page.status_code == 200
    html = page.content.decode()
    group_url = reverse("admin:auth_group_change", args=[group_added_by_staff.pk])
    # Who, what and when, in one row; the entry links to the object it is about.
    assert '<td class="field-user nowrap">staff</td><td class="field-action">added</td>' in html
    assert f'<a href="{group_url}">Salary moderators</a>' in html
    assert '<td class="field-change">Added.</td>' in html
    assert 'class="field-action_time' in html


def test_the_log_filters_by_person_and_searches(staff_client, staff, group_added_by_staff):
    other_staff = UserFactory(username="curator", is_staff=True, is_superuser=True)
    curator = Client()
    curator.force_login(other_staff)
    curator.post(reverse("admin:auth_group_add"), {"name": "Content editors", "_save": "Save"})

    by_staff = staff_client.get(LOG, {"user__id__exact": staff.pk}).content.decode()
    assert "Salary moderators" in by_staff
    assert "Content editors" not in by_staff

    found = staff_client.get(LOG, {"q": "editors"}).content.decode()
    assert "Content editors" in found
    assert "Salary moderators" not in found

    additions = staff_client.get(LOG, {"action_flag__exact": ADDITION}).content.decode()
    assert "Content editors" in additions


def test_audit_logs_a_bulk_admin_action_for_each_object(staff, db):
    groups = [Group.objects.create(name=f"Batch {n}") for n in range(3)]
    request = RequestFactory().post("/admin/")
    request.user = staff
    audit(request, groups, "Approved.")
    entries = LogEntry.objects.filter(change_message="Approved.")
    assert sorted(e.object_repr for e in entries) == ["Batch 0", "Batch 1", "Batch 2"]
    assert {e.user_id for e in entries} == {staff.pk}


def test_anonymous_and_non_staff_cannot_see_the_log(client, owner_client, group_added_by_staff):
    for visitor in (client, owner_client):
        response = visitor.get(LOG)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_without_the_view_permission_cannot_see_the_log(group_added_by_staff):
    clerk = UserFactory(username="clerk", is_staff=True)
    client = Client()
    client.force_login(clerk)
    assert client.get(LOG).status_code == 403

    clerk.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    page = client.get(LOG)
    assert page.status_code == 200
    assert "Salary moderators" in page.content.decode()


def test_nobody_can_add_change_or_delete_log_entries(staff_client, group_added_by_staff):
    entry = LogEntry.objects.get()
    assert staff_client.get(reverse("admin:admin_logentry_add")).status_code == 403
    change_url = reverse("admin:admin_logentry_change", args=[entry.pk])
    page = staff_client.get(change_url)
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    staff_client.post(change_url, {"object_repr": "forged", "_save": "Save"})
    delete_url = reverse("admin:admin_logentry_delete", args=[entry.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr == "Salary moderators"
    assert LogEntry.objects.count() == 1


def test_log_page_queries_do_not_grow_with_entries(
    staff_client, staff, django_assert_max_num_queries
):
    def add_groups(count: int, start: int) -> None:
        groups = [Group.objects.create(name=f"Group {n}") for n in range(start, start + count)]
        for group in groups:
            editor = UserFactory(is_staff=True)
            request = RequestFactory().post("/admin/")
            request.user = editor
            audit(request, [group], "Renamed.")

    add_groups(5, 0)
    with django_assert_max_num_queries(12) as small:
        assert staff_client.get(LOG).status_code == 200
    add_groups(60, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(LOG).status_code == 200


def test_a_content_edit_in_the_admin_is_logged_and_listed(staff_client, staff):
    from tests.factories import SkillFactory
    from tests.test_admin_content import form_of

    skill = SkillFactory(slug="sql", name="SQL")
    url = reverse("admin:skills_skill_change", args=[skill.pk])
    data = form_of(staff_client, url)
    data["name_en"] = "SQL and query plans"  # the English name (a field per language)
    assert staff_client.post(url, data).status_code == 302

    entry = LogEntry.objects.get(object_id=str(skill.pk), content_type__model="skill")
    assert (entry.user, entry.action_flag) == (staff, CHANGE)
    assert "Name" in entry.get_change_message()
    html = staff_client.get(LOG, {"q": "query plans"}).content.decode()
    assert f'<a href="{url}">SQL and query plans</a>' in html
    assert '<td class="field-action">changed</td>' in html
