"""Roadmaps as JSON (format `careerpath.roadmap/1`): export, validation and import.

The format, key by key and in this order (export writes exactly this; import accepts it):

    {
      "format": "careerpath.roadmap/1",
      "slug": "backend", "title": "...", "summary": "...", "published": true,
      "sections": [
        {"slug": "...", "title": "...", "summary": "...",
         "choose": {"at_least": 1},                        (optional: a section to choose from)
         "skills": [
           {"slug": "...", "name": "...", "kind": "core|optional|alternative",
            "description": "Markdown", "effort_hours": 12,  (optional: our estimate)
            "prerequisites": ["skill-slug", ...],
            "resources": [{"title": "...", "url": "https://...", "kind": "docs|..."}]}
         ]}
      ]
    }

Order in the file is the order on the page (sections, skills, resources); prerequisites
are sorted by slug. A prerequisite names a skill in the same file or one already in the
database. Export → import into an empty database → export gives the same bytes.

The format is `RoadmapFile` below (pydantic models, core.schemas). Import checks the whole
file first and reports every problem with its path in the file
(`sections[2].skills[5].prerequisites[1]: unknown prerequisite “cobol” …`): the file's
shape and values, then (over its valid parts) slugs used twice, prerequisites and cycles.
Nothing is written unless all is valid. An existing roadmap (same slug) is updated in
place; skills are shared between roadmaps, so they are matched by slug and updated, never
deleted. Rows that do not change are not written, so importing the same file twice
changes nothing.
"""

import json
from dataclasses import dataclass
from typing import Annotated, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.schemas import (
    Exactly,
    FileModel,
    HttpUrl,
    InvalidFile,
    OneOf,
    Problem,
    Slug,
    Text,
    Tolerant,
    TolerantModel,
    Whole,
    check,
    note_slug,
    parse_json,
    tolerant,
)
from core.versions import CONTENT, bump
from skills.graph import find_cycle_in, rotate_to
from skills.models import (
    Prerequisite,
    Resource,
    ResourceKind,
    Roadmap,
    Section,
    Skill,
    SkillKind,
    SkillPlacement,
)

FORMAT = "careerpath.roadmap/1"


class RoadmapImportError(InvalidFile):
    """The file is not a valid roadmap; `problems` lists every reason, by path."""


# The format ------------------------------------------------------------------------------

Title = Annotated[str, Text(200, required=True)]
Markdown = Annotated[str, Text()]


class ResourceFile(FileModel):
    title: Title
    url: Annotated[str, HttpUrl(500)]
    kind: Annotated[str, OneOf(ResourceKind)]


EffortHours = Annotated[int, Whole(1, 2000)]


class SkillFile(FileModel):
    slug: Slug
    name: Title
    kind: Annotated[str, OneOf(SkillKind)]
    description: Markdown = ""
    effort_hours: EffortHours | None = None
    prerequisites: list[Slug] = []
    resources: list[ResourceFile] = []


class ChooseFile(FileModel):
    at_least: Annotated[int, Whole(1, 1000)]


class SectionFile(FileModel):
    slug: Slug
    title: Title
    summary: Markdown = ""
    choose: ChooseFile | None = None
    skills: list[SkillFile]


class RoadmapFile(FileModel):
    format: Annotated[str, Exactly(FORMAT)]
    slug: Slug
    title: Title
    summary: Markdown = ""
    published: bool = False
    sections: list[SectionFile]

    @property
    def skills(self) -> list[SkillFile]:
        return [skill for section in self.sections for skill in section.skills]


@dataclass
class ImportResult:
    roadmap: Roadmap
    created: bool
    skills_created: int = 0
    skills_updated: int = 0
    changes: int = 0
    sections: int = 0
    skills: int = 0

    def summary(self) -> str:
        if self.created:
            text = _(
                "Roadmap “%(slug)s” created: %(sections)d sections, %(skills)d skills "
                "(%(new)d new, %(changed)d changed)."
            )
        elif self.changes:
            text = _(
                "Roadmap “%(slug)s” updated: %(sections)d sections, %(skills)d skills "
                "(%(new)d new, %(changed)d changed)."
            )
        else:
            text = _(
                "Roadmap “%(slug)s” unchanged: %(sections)d sections, %(skills)d skills "
                "(%(new)d new, %(changed)d changed)."
            )
        return text % {
            "slug": self.roadmap.slug,
            "sections": self.sections,
            "skills": self.skills,
            "new": self.skills_created,
            "changed": self.skills_updated,
        }


# Export ----------------------------------------------------------------------------------


@translation.override(settings.LANGUAGE_CODE)  # the English names
def export_roadmap(roadmap: Roadmap) -> dict[str, Any]:
    """The roadmap as a JSON-ready dict, in a constant number of queries."""
    sections = list(roadmap.sections.order_by("position"))
    placements = list(
        SkillPlacement.objects.filter(section__roadmap=roadmap)
        .select_related("skill")
        .order_by("section__position", "position")
    )
    skill_ids = [p.skill_id for p in placements]
    prerequisites: dict[int, list[str]] = {}
    for skill_id, slug in (
        Prerequisite.objects.filter(skill_id__in=skill_ids)
        .order_by("requires__slug")
        .values_list("skill_id", "requires__slug")
    ):
        prerequisites.setdefault(skill_id, []).append(slug)
    resources: dict[int, list[dict[str, str]]] = {}
    for res in Resource.objects.filter(skill_id__in=skill_ids).order_by("skill", "position"):
        resources.setdefault(res.skill_id, []).append(
            {"title": res.title, "url": res.url, "kind": res.kind}
        )
    by_section: dict[int, list[dict[str, Any]]] = {s.pk: [] for s in sections}
    for placement in placements:
        skill = placement.skill
        row: dict[str, Any] = {
            "slug": skill.slug,
            "name": skill.name,
            "kind": placement.kind,
            "description": skill.description,
        }
        if skill.effort_hours is not None:
            row["effort_hours"] = skill.effort_hours
        row["prerequisites"] = prerequisites.get(skill.pk, [])
        row["resources"] = resources.get(skill.pk, [])
        by_section[placement.section_id].append(row)
    return {
        "format": FORMAT,
        "slug": roadmap.slug,
        "title": roadmap.title,
        "summary": roadmap.summary,
        "published": roadmap.published,
        "sections": [_export_section(section, by_section[section.pk]) for section in sections],
    }


def _export_section(section: Section, skills: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"slug": section.slug, "title": section.title, "summary": section.summary}
    if section.choose_at_least is not None:
        row["choose"] = {"at_least": section.choose_at_least}
    row["skills"] = skills
    return row


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of an export: two-space indent, UTF-8, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def loads(text: str | bytes) -> Any:
    """Parse a file's text; a syntax error becomes a RoadmapImportError with its place."""
    try:
        return parse_json(text)
    except InvalidFile as exc:
        raise RoadmapImportError(exc.problems) from None


# Validation ------------------------------------------------------------------------------


def validate(data: Any) -> RoadmapFile:
    """Check the whole file against the format and the database; raise with every problem."""
    roadmap, problems = check(RoadmapFile, data, _relations)
    if roadmap is None:
        raise RoadmapImportError(problems)
    return roadmap


class _SkillRefs(TolerantModel):
    slug: Tolerant[Slug] = None
    prerequisites: Tolerant[list[Tolerant[Slug]]] = None


class _ChooseRefs(TolerantModel):
    at_least: Tolerant[int] = None


class _SectionRefs(TolerantModel):
    slug: Tolerant[Slug] = None
    choose: Tolerant[_ChooseRefs] = None
    skills: Tolerant[list[Tolerant[_SkillRefs]]] = None


class _RoadmapRefs(TolerantModel):
    sections: Tolerant[list[Tolerant[_SectionRefs]]] = None


@dataclass
class _SkillAt:
    path: str
    prerequisites: list[tuple[int, str]]  # (index in the file's list, slug)


def _relations(data: Any) -> list[Problem]:
    """Problems between the file's valid parts: a slug used twice, a prerequisite that is
    the skill itself, listed twice or unknown, and a cycle of prerequisites."""
    refs = tolerant(_RoadmapRefs, data)
    problems: list[Problem] = []
    sections_at: dict[str, str] = {}
    skills_at: dict[str, str] = {}
    skills: dict[str, _SkillAt] = {}  # slug → the skill's place and prerequisites, in order
    for i, section in enumerate((refs.sections if refs else None) or []):
        if section is None:
            continue
        path = f"sections[{i}]"
        if section.slug is not None:
            note_slug(sections_at, section.slug, path, "section", problems)
        at_least = section.choose.at_least if section.choose else None
        if at_least is not None and section.skills is not None and at_least > len(section.skills):
            problems.append(
                Problem(
                    f"{path}.choose.at_least",
                    _("asks for %(n)d of the section's skills, but it has %(count)d")
                    % {"n": at_least, "count": len(section.skills)},
                )
            )
        for j, skill in enumerate(section.skills or []):
            skill_path = f"{path}.skills[{j}]"
            if skill is None or skill.slug is None:
                continue
            if not note_slug(skills_at, skill.slug, skill_path, "skill", problems):
                continue
            skills[skill.slug] = _SkillAt(skill_path, _prerequisites(skill, skill_path, problems))
    _check_prerequisites(skills, problems)
    return problems


def _prerequisites(skill: _SkillRefs, path: str, problems: list[Problem]) -> list[tuple[int, str]]:
    """The skill's valid prerequisites; the skill itself or a repeat is a problem."""
    found: list[tuple[int, str]] = []
    for k, slug in enumerate(skill.prerequisites or []):
        where = f"{path}.prerequisites[{k}]"
        if slug is None:
            continue
        if slug == skill.slug:
            problems.append(Problem(where, _("a skill cannot require itself")))
        elif any(slug == other for _, other in found):
            problems.append(Problem(where, _("“%(slug)s” is listed twice") % {"slug": slug}))
        else:
            found.append((k, slug))
    return found


def _check_prerequisites(in_file: dict[str, _SkillAt], problems: list[Problem]) -> None:
    """Every prerequisite is known, and the graph with this file's edges has no cycle."""
    wanted = {slug for skill in in_file.values() for _, slug in skill.prerequisites}
    wanted -= set(in_file)
    known = set(Skill.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for skill in in_file.values():
        for k, requires in skill.prerequisites:
            if requires not in in_file and requires not in known:
                problems.append(
                    Problem(
                        f"{skill.path}.prerequisites[{k}]",
                        _(
                            "unknown prerequisite “%(slug)s”: no skill with this slug in the "
                            "file or the database"
                        )
                        % {"slug": requires},
                    )
                )
    # The graph after the import: stored edges of skills outside the file, plus the file's.
    stored = Prerequisite.objects.exclude(skill__slug__in=in_file).values_list(
        "skill__slug", "requires__slug"
    )
    edges = [*stored]
    edges += [(slug, r) for slug, skill in in_file.items() for _, r in skill.prerequisites]
    cycle = find_cycle_in(edges)
    if cycle:
        on_cycle = [slug for slug in in_file if slug in cycle]  # in the file's order
        where = f"{in_file[on_cycle[0]].path}.prerequisites" if on_cycle else "sections"
        if on_cycle:
            cycle = rotate_to(cycle, on_cycle[0])
        problems.append(
            Problem(
                where,
                _("prerequisites make a cycle (each needs the next): %(cycle)s")
                % {"cycle": " → ".join(cycle)},
            )
        )


# Import ----------------------------------------------------------------------------------


def import_roadmap(data: Any, *, dry_run: bool = False) -> ImportResult:
    """Validate, then create or update the roadmap in one transaction."""
    valid = validate(data)
    # Files carry our content's English names; an admin reading German writes them too.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        result = _write(valid)
        if dry_run:
            transaction.set_rollback(True)
        else:
            bump(CONTENT)  # bulk writes send no signals
    return result


def _write(valid: RoadmapFile) -> ImportResult:
    now = timezone.now()
    roadmap, created = Roadmap.objects.get_or_create(
        slug=valid.slug,
        defaults={"title": valid.title, "summary": valid.summary, "published": valid.published},
    )
    result = ImportResult(
        roadmap=roadmap,
        created=created,
        sections=len(valid.sections),
        skills=len(valid.skills),
    )
    if not created:
        changed = _assign(
            roadmap, title=valid.title, summary=valid.summary, published=valid.published
        )
        if changed:
            roadmap.save(update_fields=[*changed, "updated_at"])
            result.changes += 1

    skills = _write_skills(valid, now, result)
    _write_prerequisites(valid, skills, result)
    _write_resources(valid, skills, result)
    sections = _write_sections(roadmap, valid, result)
    _write_placements(roadmap, valid, sections, skills, result)
    return result


def _assign(obj: Any, **values: Any) -> list[str]:
    """Set the values that differ; return the names of the fields changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _write_skills(valid: RoadmapFile, now, result: ImportResult) -> dict[str, Skill]:
    rows = valid.skills
    existing = Skill.objects.in_bulk([row.slug for row in rows], field_name="slug")
    to_create, to_update = [], []
    for row in rows:
        skill = existing.get(row.slug)
        if skill is None:
            to_create.append(
                Skill(
                    slug=row.slug,
                    name=row.name,
                    description=row.description,
                    effort_hours=row.effort_hours,
                )
            )
        elif _assign(
            skill, name=row.name, description=row.description, effort_hours=row.effort_hours
        ):
            skill.updated_at = now
            to_update.append(skill)
    Skill.objects.bulk_create(to_create)
    Skill.objects.bulk_update(to_update, ["name", "description", "effort_hours", "updated_at"])
    result.skills_created = len(to_create)
    result.skills_updated = len(to_update)
    result.changes += len(to_create) + len(to_update)
    # Re-read so that every skill (new ones too, on every database) has its id.
    return Skill.objects.in_bulk([row.slug for row in rows], field_name="slug")


def _write_prerequisites(valid: RoadmapFile, skills: dict[str, Skill], result) -> None:
    slugs = {p for row in valid.skills for p in row.prerequisites} | set(skills)
    ids = dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    wanted = {(ids[row.slug], ids[p]) for row in valid.skills for p in row.prerequisites}
    stored = {
        (link.skill_id, link.requires_id): link.pk
        for link in Prerequisite.objects.filter(skill__in=skills.values())
    }
    gone = [pk for edge, pk in stored.items() if edge not in wanted]
    new = [Prerequisite(skill_id=s, requires_id=r) for s, r in wanted - set(stored)]
    Prerequisite.objects.filter(pk__in=gone).delete()
    Prerequisite.objects.bulk_create(new)
    result.changes += len(gone) + len(new)


def _write_resources(valid: RoadmapFile, skills: dict[str, Skill], result) -> None:
    stored: dict[int, list[tuple[str, str, str]]] = {}
    for res in Resource.objects.filter(skill__in=skills.values()).order_by("skill", "position"):
        stored.setdefault(res.skill_id, []).append((res.title, res.url, res.kind))
    stale, new = [], []
    for row in valid.skills:
        skill = skills[row.slug]
        if stored.get(skill.pk, []) == [(r.title, r.url, r.kind) for r in row.resources]:
            continue
        stale.append(skill.pk)
        new += [
            Resource(skill=skill, title=r.title, url=r.url, kind=r.kind, position=n)
            for n, r in enumerate(row.resources, start=1)
        ]
    Resource.objects.filter(skill_id__in=stale).delete()
    Resource.objects.bulk_create(new)
    result.changes += len(stale)


def _write_sections(roadmap: Roadmap, valid: RoadmapFile, result) -> dict[str, Section]:
    existing = {s.slug: s for s in roadmap.sections.all()}
    wanted = {row.slug for row in valid.sections}
    gone = [s.pk for slug, s in existing.items() if slug not in wanted]
    if gone:
        Section.objects.filter(pk__in=gone).delete()
        result.changes += len(gone)
    moved = [
        s
        for n, row in enumerate(valid.sections, start=1)
        if (s := existing.get(row.slug)) is not None and s.position != n
    ]
    if moved:
        # Positions are unique: park the moving rows above every position first.
        top = (roadmap.sections.aggregate(top=Max("position"))["top"] or 0) + len(valid.sections)
        Section.objects.filter(pk__in=[s.pk for s in moved]).update(position=F("position") + top)
    sections: dict[str, Section] = {}
    for n, row in enumerate(valid.sections, start=1):
        section = existing.get(row.slug)
        at_least = row.choose.at_least if row.choose else None
        if section is None:
            section = Section.objects.create(
                roadmap=roadmap,
                slug=row.slug,
                title=row.title,
                summary=row.summary,
                position=n,
                choose_at_least=at_least,
            )
            result.changes += 1
        else:
            changed = _assign(
                section, title=row.title, summary=row.summary, position=n, choose_at_least=at_least
            )
            if changed:
                section.save(update_fields=changed)
                result.changes += 1
        sections[row.slug] = section
    return sections


def _write_placements(roadmap, valid: RoadmapFile, sections, skills, result) -> None:
    stored = {p.skill_id: p for p in SkillPlacement.objects.filter(section__roadmap=roadmap)}
    keep: set[int] = set()
    new: list[SkillPlacement] = []
    for row in valid.sections:
        section = sections[row.slug]
        for n, skill_row in enumerate(row.skills, start=1):
            skill = skills[skill_row.slug]
            placement = stored.get(skill.pk)
            if (
                placement is not None
                and placement.section_id == section.pk
                and placement.position == n
                and placement.kind == skill_row.kind
            ):
                keep.add(placement.pk)
                continue
            new.append(
                SkillPlacement(section=section, skill=skill, kind=skill_row.kind, position=n)
            )
    stale = [p.pk for p in stored.values() if p.pk not in keep]
    SkillPlacement.objects.filter(pk__in=stale).delete()
    SkillPlacement.objects.bulk_create(new)
    result.changes += len(stale) + len(new)
