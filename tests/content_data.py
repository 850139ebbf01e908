"""Build roadmap and career content of a chosen size, fast (bulk inserts), for tests."""

from dataclasses import dataclass

from careers.models import Level, LevelRequirement, Track, Transition
from skills.models import Prerequisite, Resource, Roadmap, Section, Skill, SkillPlacement


@dataclass
class Content:
    roadmap: Roadmap
    skills: list[Skill]
    track: Track
    levels: list[Level]
    other_track: Track


def build_content(n_skills: int, n_sections: int = 10, n_levels: int = 4) -> Content:
    """A published roadmap of `n_skills` skills in sections, each skill needing the two
    before it and with two resources; a track whose levels expect every skill, more
    at each rank; another track that the top level can move to."""
    roadmap = Roadmap.objects.create(slug="grown", title="Grown roadmap", published=True)
    sections = Section.objects.bulk_create(
        Section(roadmap=roadmap, slug=f"part-{i}", title=f"Part {i}", position=i + 1)
        for i in range(n_sections)
    )
    Skill.objects.bulk_create(
        Skill(slug=f"grown-{i}", name=f"Grown skill {i:03}", description=f"Skill **{i}**.")
        for i in range(n_skills)
    )
    skills = list(Skill.objects.filter(slug__startswith="grown-").order_by("name"))
    SkillPlacement.objects.bulk_create(
        SkillPlacement(
            section=sections[i % n_sections],
            skill=skill,
            kind=["core", "optional", "alternative"][i % 3],
            position=i // n_sections + 1,
        )
        for i, skill in enumerate(skills)
    )
    Prerequisite.objects.bulk_create(
        Prerequisite(skill=skill, requires=skills[i - back])
        for i, skill in enumerate(skills)
        for back in (1, 2)
        if i - back >= 0
    )
    Resource.objects.bulk_create(
        Resource(skill=skill, title=f"Docs {n}", url=f"https://docs.example.com/{skill.slug}/{n}",
                 position=n)
        for skill in skills
        for n in (1, 2)
    )  # fmt: skip
    track = Track.objects.create(slug="grown-track", name="Grown track", position=1)
    other = Track.objects.create(
        slug="side-track", name="Side track", position=2, kind="management"
    )
    levels = Level.objects.bulk_create(
        Level(track=track, slug=f"step-{r}", name=f"Step {r}", rank=r, years_min=r, years_max=r + 2)
        for r in range(1, n_levels + 1)
    )
    side = Level.objects.create(track=other, slug="side-1", name="Side 1", rank=1)
    LevelRequirement.objects.bulk_create(
        LevelRequirement(level=level, skill=skill, proficiency=min(4, 1 + (rank + i) % 4))
        for rank, level in enumerate(levels)
        for i, skill in enumerate(skills[: len(skills) * (rank + 1) // n_levels])
    )
    Transition.objects.create(from_level=levels[-1], to_level=side, note="A side step.")
    Transition.objects.create(from_level=side, to_level=levels[0], note="Back again.")
    return Content(roadmap, skills, track, levels, other)


def clear_content() -> None:
    for model in (Roadmap, Skill, Track):
        model.objects.all().delete()
