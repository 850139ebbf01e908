"""The salaries admin: every list and form opens; title alias sets validate their levels."""

import pytest

from salaries import demo
from salaries.models import AliasSet, TitleAlias
from tests.salary_support import add_points, level

PAGES = [
    "/admin/salaries/",
    "/admin/salaries/source/",
    "/admin/salaries/salarydatapoint/",
    "/admin/salaries/salarydatapoint/?status__exact=pending&outlier__exact=1",
    "/admin/salaries/pendingcontribution/",
    "/admin/salaries/importbatch/",
    "/admin/salaries/importbatch/import/",
    "/admin/salaries/importupload/",
    "/admin/salaries/exchangerate/",
    "/admin/salaries/exchangerate/load/",
    "/admin/salaries/aliasset/",
    "/admin/salaries/aliasset/add/",
    "/admin/salaries/source/add/",
    "/admin/salaries/salarydatapoint/add/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_salaries_admin_page_opens(staff_client, salary_tracks, url):
    demo.load_aliases()
    add_points(level("backend", "senior"), [100_000] * 3)
    assert staff_client.get(url).status_code == 200


def test_an_alias_set_refuses_levels_of_another_track(staff_client, salary_tracks):
    response = staff_client.post(
        "/admin/salaries/aliasset/add/",
        {
            "track": salary_tracks["devops"].pk,
            "entry_level": level("backend", "junior").pk,
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-title": "DevOps Engineer",
        },
    )

    assert response.status_code == 200
    assert "Choose a level of this set" in response.content.decode()
    assert AliasSet.objects.count() == 0


def test_an_alias_set_is_saved_with_its_titles(staff_client, salary_tracks):
    response = staff_client.post(
        "/admin/salaries/aliasset/add/",
        {
            "track": salary_tracks["devops"].pk,
            "entry_level": level("devops", "devops-engineer").pk,
            "senior_level": level("devops", "senior-devops-engineer").pk,
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-title": "Site Reliability Engineer",
        },
    )

    assert response.status_code == 302
    alias_set = AliasSet.objects.get()
    assert alias_set.level_for("SE").slug == "senior-devops-engineer"
    assert alias_set.level_for("EX") is None
    assert TitleAlias.objects.get().title == "Site Reliability Engineer"


def test_a_title_is_aliased_once_whatever_its_case(staff_client, salary_tracks):
    demo.load_aliases()
    devops = AliasSet.objects.get(track__slug="devops")
    response = staff_client.post(
        f"/admin/salaries/aliasset/{devops.pk}/change/",
        {
            "track": devops.track_id,
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-title": "SOFTWARE ENGINEER",
        },
    )
    assert response.status_code == 200
    assert "This job title already has an alias." in response.content.decode()
    assert TitleAlias.objects.filter(title__iexact="software engineer").count() == 1
