"""Hostile framework files: whatever value sits anywhere in an FT or Monzo file (NUL
bytes, huge numbers, lone surrogates, deep nesting, odd Unicode), the import either
reports its problems and writes nothing, or stores only clean values. It never crashes."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careers.frameworks import FrameworkImportError, import_framework
from careers.models import Competency, Level, Theme, Track
from tests.hostile import FAST, JSON_VALUE, TEXT, assert_clean_rows, rolled_back

pytestmark = pytest.mark.django_db


def ft() -> dict:
    return {
        "name": "Family",
        "summary": "",
        "levels": [{"id": "l1", "name": "One"}, {"id": "l2", "name": "Two"}],
        "themes": [{"id": "t1", "name": "Theme", "summary": "S"}],
        "competencies": [
            {
                "id": "0b6f3c52-5d1e-4c1b-9d53-0c1a7a1e0001",
                "level": "l1",
                "theme": "t1",
                "summary": "Does things.",
                "proficiency": "Expert",
                "examples": ["An example"],
                "supportingUrls": [{"label": "L", "url": "https://example.org/"}],
            }
        ],
    }


def monzo() -> dict:
    return {
        "title": "Framework",
        "levels": 2,
        "topics": [
            {
                "name": "craft",
                "title": "Craft",
                "content": [
                    {
                        "level": 1,
                        "criteria": ["Writes code."],
                        "exampleCriteria": [{"criteria": "Tests.", "examples": ["One"]}],
                    }
                ],
            }
        ],
    }


FT_PLACES = st.sampled_from(
    [
        ("name",),
        ("summary",),
        ("levels", 0, "id"),
        ("levels", 1, "name"),
        ("themes", 0, "id"),
        ("themes", 0, "summary"),
        ("competencies", 0, "id"),
        ("competencies", 0, "level"),
        ("competencies", 0, "summary"),
        ("competencies", 0, "examples", 0),
        ("competencies", 0, "supportingUrls", 0, "label"),
        ("competencies", 0, "supportingUrls", 0, "url"),
        ("competencies", 0),
    ]
)
MONZO_PLACES = st.sampled_from(
    [
        ("title",),
        ("levels",),
        ("topics", 0, "name"),
        ("topics", 0, "title"),
        ("topics", 0, "content", 0, "level"),
        ("topics", 0, "content", 0, "criteria", 0),
        ("topics", 0, "content", 0, "exampleCriteria", 0, "examples", 0),
        ("topics", 0),
    ]
)


def put_at(data: dict, place: tuple, value) -> dict:
    target = data
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    return data


def check(raw: bytes) -> None:
    """All or nothing: refused with problems that can be shown, or clean rows."""
    try:
        import_framework(raw, licence="MIT")
    except FrameworkImportError as exc:
        assert exc.problems
        for problem in exc.problems:
            str(problem).encode("utf-8")
        assert not Track.objects.exists()
        return
    for model in (Track, Level, Theme, Competency):
        assert_clean_rows(model.objects.all())


@given(place=FT_PLACES, value=JSON_VALUE)
@FAST
def test_an_ft_file_with_a_hostile_value_anywhere_is_refused_or_clean(db, place, value):
    with rolled_back():
        # JSON is YAML: the value reaches the reader exactly as generated.
        check(json.dumps(put_at(ft(), place, value)).encode())


@given(place=MONZO_PLACES, value=JSON_VALUE)
@FAST
def test_a_monzo_file_with_a_hostile_value_anywhere_is_refused_or_clean(db, place, value):
    with rolled_back():
        front = json.dumps(put_at(monzo(), place, value))
        check(f"---\n{front}\n---\nBody.\n".encode())


@given(text=TEXT)
@FAST
def test_any_text_as_a_framework_file_is_refused_or_clean(db, text):
    with rolled_back():
        check(text.encode("utf-8", "surrogatepass"))
        check(("---\n" + text).encode("utf-8", "surrogatepass"))
