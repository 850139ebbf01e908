"""The evidence log (issue 20): private, tagged, linked with http(s) only, and shown
beside the matching expectations when rating oneself in a check-in."""

import pytest

from checkins.models import Evidence
from tests.factories import (
    CompetencyFactory,
    EvidenceFactory,
    LevelFactory,
    RequirementFactory,
    SkillFactory,
)


@pytest.fixture
def python(db):
    return SkillFactory(slug="python", name="Python")


def test_adding_evidence_stores_it_with_its_tags(owner_client, owner, python):
    response = owner_client.post(
        "/evidence/",
        {
            "date": "2026-03-04",
            "kind": "feedback",
            "text": "  Praised for the incident write-up  ",
            "link": "https://example.org/postmortem",
            "skills": [python.pk],
        },
    )
    assert response.status_code == 302 and response["Location"] == "/evidence/"
    entry = Evidence.objects.get(user=owner)
    assert entry.text == "Praised for the incident write-up" and entry.kind == "feedback"
    assert list(entry.skills.all()) == [python]
    page = owner_client.get("/evidence/").content.decode()
    assert "Praised for the incident write-up" in page and "feedback received" in page
    assert "https://example.org/postmortem" in page


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "not a link"])
def test_a_link_must_be_http_or_https_with_one_message(owner_client, owner, link):
    response = owner_client.post(
        "/evidence/", {"date": "2026-03-04", "kind": "win", "text": "x", "link": link}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["link"]
    assert len(errors) == 1
    assert not Evidence.objects.exists()


def test_blank_text_and_unknown_kind_are_field_errors(owner_client):
    response = owner_client.post(
        "/evidence/", {"date": "2026-03-04", "kind": "boast", "text": "  "}
    )
    assert set(response.context["form"].errors) == {"kind", "text"}
    assert not Evidence.objects.exists()


def test_evidence_is_private_and_only_its_author_deletes_it(owner_client, other_client, owner):
    entry = EvidenceFactory(user=owner, text="Private-win-q7")
    assert "Private-win-q7" not in other_client.get("/evidence/").content.decode()
    assert other_client.post(f"/evidence/{entry.pk}/delete/").status_code == 404
    assert Evidence.objects.filter(pk=entry.pk).exists()
    assert owner_client.post(f"/evidence/{entry.pk}/delete/").status_code == 302
    assert not Evidence.objects.filter(pk=entry.pk).exists()


def test_evidence_shows_beside_the_expectations_it_is_tagged_with(owner_client, owner, python):
    level = LevelFactory()
    RequirementFactory(level=level, skill=python)
    criterion = CompetencyFactory(level=level)
    EvidenceFactory(user=owner, text="Wrote the Python parser").skills.add(python)
    EvidenceFactory(user=owner, text="Ran the design review").competencies.add(criterion)
    EvidenceFactory(user=owner, text="Untagged thing")
    owner_client.post("/checkins/", {"level": level.pk})
    checkin = owner.checkins.get()
    page = owner_client.get(checkin.get_absolute_url()).content.decode()
    assert "Wrote the Python parser" in page and "Ran the design review" in page
    assert "Untagged thing" not in page


def test_the_evidence_page_runs_a_constant_number_of_queries(
    owner_client, owner, python, django_assert_max_num_queries
):
    for n in range(30):
        entry = EvidenceFactory(user=owner)
        entry.skills.add(python, SkillFactory(slug=f"s-{n}"))
    with django_assert_max_num_queries(12):
        assert owner_client.get("/evidence/").status_code == 200
