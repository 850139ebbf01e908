"""The benchmark's data (bench/data.py): what `make bench` measures must be there.

Small numbers on the demo content: the generated people, skills and salary points are
stored, the benchmark person tracks every skill, and the session cookie signs them in.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from bench import data
from salaries.models import SalaryDataPoint
from skills.models import Skill
from tracking.models import SkillProgress


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def test_generated_people_skills_and_salaries_are_stored(demo):
    skills_before = Skill.objects.count()
    out = StringIO()
    data.generate(people=3, skills=skills_before + 30, tracks=0, salary_points=25, out=out)
    assert Skill.objects.count() == skills_before + 30
    person = SkillProgress.objects.filter(user__username=data.BENCH_PERSON)
    assert person.count() == skills_before + 30  # every skill tracked
    assert SalaryDataPoint.objects.filter(source__name="Benchmark data").count() == 25
    assert "people: 3 with" in out.getvalue()


def test_generating_twice_is_refused(demo):
    data.generate(people=2, skills=0, tracks=0, salary_points=0, out=StringIO())
    with pytest.raises(RuntimeError, match="already has benchmark data"):
        data.generate(people=2, skills=0, tracks=0, salary_points=0, out=StringIO())


def test_session_cookie_signs_the_benchmark_person_in(demo):
    data.generate(people=1, skills=0, tracks=0, salary_points=0, out=StringIO())
    name, value = data.session_cookie().split("=", 1)
    client = Client()
    client.cookies[name] = value
    response = client.get("/dashboard/")
    assert response.status_code == 200  # not sent to sign in
    assert "Sign out" in response.content.decode()
