"""Content and clients for the API tests (tests/test_api_*.py)."""

from django.test import Client

from api.models import ApiToken
from careers.models import Level, LevelRequirement, Track
from skills.models import Prerequisite, Roadmap, Section, Skill, SkillKind, SkillPlacement


def make_roadmap(
    slug: str = "backend",
    *,
    sections: int = 2,
    skills_per_section: int = 3,
    published: bool = True,
) -> Roadmap:
    """A roadmap whose every skill after the first requires the one before it."""
    roadmap = Roadmap.objects.create(
        slug=slug, title=f"{slug.title()} Developer", summary="A path.", published=published
    )
    previous = None
    kinds = list(SkillKind)
    for s in range(sections):
        section = Section.objects.create(
            roadmap=roadmap, slug=f"{slug}-s{s}", title=f"Section {s}", position=s
        )
        skills = Skill.objects.bulk_create(
            Skill(slug=f"{slug}-s{s}-k{k}", name=f"Skill {s}.{k}")
            for k in range(skills_per_section)
        )
        SkillPlacement.objects.bulk_create(
            SkillPlacement(section=section, skill=skill, position=k, kind=kinds[k % len(kinds)])
            for k, skill in enumerate(skills)
        )
        links = []
        for skill in skills:
            if previous is not None:
                links.append(Prerequisite(skill=skill, requires=previous))
            previous = skill
        Prerequisite.objects.bulk_create(links)
    return roadmap


def make_track(slug: str = "backend", *, levels: int = 3, skills_per_level: int = 2) -> Track:
    track = Track.objects.create(slug=slug, name=f"{slug.title()} Developer", summary="Ladder.")
    # Created out of rank order on purpose: the API must sort by rank.
    for rank in reversed(range(1, levels + 1)):
        level = Level.objects.create(track=track, slug=f"l{rank}", name=f"Level {rank}", rank=rank)
        skills = Skill.objects.bulk_create(
            Skill(slug=f"{slug}-l{rank}-k{k}", name=f"{slug} {rank} skill {k}")
            for k in range(skills_per_level)
        )
        LevelRequirement.objects.bulk_create(
            LevelRequirement(level=level, skill=skill, proficiency=1 + (k % 4))
            for k, skill in enumerate(skills)
        )
    return track


def token_client(user, name: str = "script") -> tuple[Client, ApiToken, str]:
    """A client that sends a fresh token of `user` as `Authorization: Bearer`."""
    token, key = ApiToken.objects.create_for(user, name)
    return Client(headers={"Authorization": f"Bearer {key}"}), token, key
