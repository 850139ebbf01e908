"""Careerpath's own demo roadmaps: the JSON files beside this file (careerpath.roadmap/1).

They are imported in `ROADMAP_FILES` order: a file's prerequisites may name skills of an
earlier file, and a skill listed in several files (one skill, shared by slug) has the same
entry in each. The text is written by the project (not copied from elsewhere); links point
to official documentation. `load()` is run by `manage.py load_demo` and is idempotent.
"""

from pathlib import Path

from core.content_names import read_names, write_names
from skills.models import Roadmap, Section, Skill
from skills.roadmap_io import import_roadmap, loads

DEMO_DIR = Path(__file__).resolve().parent
ROADMAP_FILES = [
    "backend.json",
    "frontend.json",
    "devops.json",
    "cloud-architect.json",
    "dba.json",
    "engineering-manager.json",
]


def load() -> str:
    """Create or update the demo roadmaps and their names in every language; a summary."""
    results = [import_roadmap(loads((DEMO_DIR / name).read_bytes())) for name in ROADMAP_FILES]
    translate([result.roadmap.slug for result in results])
    return " ".join(result.summary() for result in results)


def translate(slugs: list[str]) -> int:
    """Names of the demo roadmaps, their sections and skills from `names/<language>.json`."""
    names = read_names(DEMO_DIR / "names")
    roadmaps = Roadmap.objects.filter(slug__in=slugs)
    sections = Section.objects.filter(roadmap__slug__in=slugs).select_related("roadmap")
    skills = Skill.objects.filter(placements__section__roadmap__slug__in=slugs).distinct()
    return (
        write_names({r.slug: r for r in roadmaps}, "title", "roadmaps", names)
        + write_names(
            {f"{s.roadmap.slug}/{s.slug}": s for s in sections}, "title", "sections", names
        )
        + write_names({s.slug: s for s in skills}, "name", "skills", names)
    )
