"""Our own career ladders (careers/demo/tracks.json) as `load_demo` stores them.

Every level of every track says what it expects beyond tools (behaviour criteria under the
track's themes) and what changed from the level below; the backend ladder asks for one
main programming language, at a proficiency that rises with rank, and never for a
particular one.
"""

import pytest

from careers.models import Competency, Level, RequirementGroup, Track
from skills.models import SkillKind, SkillPlacement


@pytest.fixture
def demo(db):
    # The content part of `manage.py load_demo`: the roadmaps, then the tracks.
    from careers.demo import load as load_tracks
    from skills.demo import load as load_roadmaps

    load_roadmaps()
    load_tracks()


def languages() -> set[str]:
    """The language alternatives of the backend roadmap's “Programming languages” section."""
    return set(
        SkillPlacement.objects.filter(
            section__roadmap__slug="backend", section__slug="languages", kind=SkillKind.ALTERNATIVE
        ).values_list("skill__slug", flat=True)
    )


def test_every_level_has_behaviour_criteria_and_says_what_changed(demo):
    levels = Level.objects.select_related("track").order_by("track__position", "rank")
    assert {level.track.slug for level in levels} == {
        "backend",
        "management",
        "devops",
        "cloud-architect",
        "dba",
    }
    for level in levels:
        criteria = list(level.competencies.select_related("theme"))
        assert len(criteria) >= 6, level.key
        assert level.changes.strip().startswith("- "), level.key
        # Criteria spread over the track's own themes, not one theme repeated.
        assert {c.theme.track_id for c in criteria} == {level.track_id}, level.key
        assert len({c.theme_id for c in criteria}) >= 5, level.key
        assert all(c.criterion.strip().endswith(".") for c in criteria), level.key


def test_each_track_has_themes_and_criteria_are_written_once(demo):
    for track in Track.objects.all():
        assert track.themes.count() >= 6, track.slug
    texts = list(Competency.objects.values_list("criterion", flat=True))
    assert len(texts) == len(set(texts))  # no criterion copied from one level to another


def test_backend_ladder_asks_for_one_main_language_at_rising_proficiency(demo):
    langs = languages()
    assert langs == {"python", "go", "java", "nodejs", "csharp", "rust"}
    proficiencies = []
    for level in Level.objects.filter(track__slug="backend").order_by("rank"):
        groups = [
            group
            for group in RequirementGroup.objects.filter(level=level).prefetch_related("skills")
            if {skill.slug for skill in group.skills.all()} == langs
        ]
        assert len(groups) == 1, level.key
        assert groups[0].at_least == 1
        proficiencies.append(groups[0].proficiency)
        plain = set(level.requirements.values_list("skill__slug", flat=True))
        assert not plain & langs, level.key
    assert proficiencies == sorted(proficiencies)
    assert proficiencies[0] == 2  # junior: working
    assert proficiencies[-1] == 4  # principal: expert


def test_no_skill_is_both_a_plain_requirement_and_in_a_group(demo):
    for group in RequirementGroup.objects.prefetch_related("skills").select_related("level"):
        grouped = {skill.pk for skill in group.skills.all()}
        plain = set(group.level.requirements.values_list("skill_id", flat=True))
        assert not grouped & plain, group.level.key
        assert 1 <= group.at_least <= len(grouped)


@pytest.mark.parametrize(
    "track, roadmap",
    [
        ("backend", "backend"),
        ("management", "engineering-manager"),
        ("devops", "devops"),
        ("cloud-architect", "cloud-architect"),
        ("dba", "dba"),
    ],
)
def test_each_track_asks_mostly_for_skills_of_its_own_roadmap(demo, track, roadmap):
    own = set(
        SkillPlacement.objects.filter(section__roadmap__slug=roadmap).values_list(
            "skill__slug", flat=True
        )
    )
    for level in Level.objects.filter(track__slug=track).select_related("track"):
        asked = set(level.requirements.values_list("skill__slug", flat=True))
        assert len(asked & own) > len(asked) / 2, level.key
