"""Roadmaps as JSON (format `careerpath.roadmap/1`): export, validation and import.

The format, key by key and in this order (export writes exactly this; import accepts it):

    {
      "format": "careerpath.roadmap/1",
      "slug": "backend", "title": "...", "summary": "...", "published": true,
      "sections": [
        {"slug": "...", "title": "...", "summary": "...",
         "skills": [
           {"slug": "...", "name": "...", "kind": "core|optional|alternative",
            "description": "Markdown", "prerequisites": ["skill-slug", ...],
            "resources": [{"title": "...", "url": "https://...", "kind": "docs|..."}]}
         ]}
      ]
    }

Order in the file is the order on the page (sections, skills, resources); prerequisites
are sorted by slug. A prerequisite names a skill in the same file or one already in the
database. Export → import into an empty database → export gives the same bytes.

Import validates everything first and reports every problem with its path in the file
(`sections[2].skills[5].prerequisites[1]`); nothing is written unless all is valid. An
existing roadmap (same slug) is updated in place; skills are shared between roadmaps, so
they are matched by slug and updated, never deleted. Rows that do not change are not
written, so importing the same file twice changes nothing.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, slug_re, validate_slug
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

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

ROADMAP_KEYS = ("format", "slug", "title", "summary", "published", "sections")
SECTION_KEYS = ("slug", "title", "summary", "skills")
SKILL_KEYS = ("slug", "name", "kind", "description", "prerequisites", "resources")
RESOURCE_KEYS = ("title", "url", "kind")

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(file)'}: {self.message}"


class RoadmapImportError(Exception):
    """The file is not a valid roadmap; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportResult:
    roadmap: Roadmap
    created: bool
    skills_created: int = 0
    skills_updated: int = 0
    changes: int = 0
    sections: int = 0
    skills: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = _("created") if self.created else _("updated")
        if not self.created and not self.changes:
            verb = _("unchanged")
        return _(
            "Roadmap “%(slug)s” %(verb)s: %(sections)d sections, %(skills)d skills "
            "(%(new)d new, %(changed)d changed)."
        ) % {
            "slug": self.roadmap.slug,
            "verb": verb,
            "sections": self.sections,
            "skills": self.skills,
            "new": self.skills_created,
            "changed": self.skills_updated,
        }


# Export ----------------------------------------------------------------------------------


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
        by_section[placement.section_id].append(
            {
                "slug": skill.slug,
                "name": skill.name,
                "kind": placement.kind,
                "description": skill.description,
                "prerequisites": prerequisites.get(skill.pk, []),
                "resources": resources.get(skill.pk, []),
            }
        )
    return {
        "format": FORMAT,
        "slug": roadmap.slug,
        "title": roadmap.title,
        "summary": roadmap.summary,
        "published": roadmap.published,
        "sections": [
            {
                "slug": section.slug,
                "title": section.title,
                "summary": section.summary,
                "skills": by_section[section.pk],
            }
            for section in sections
        ],
    }


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of an export: two-space indent, UTF-8, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def loads(text: str | bytes) -> Any:
    """Parse a file's text; a syntax error becomes a RoadmapImportError with its place."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return json.loads(text)
    except UnicodeDecodeError:
        raise RoadmapImportError([Problem("", _("the file is not UTF-8 text"))]) from None
    except json.JSONDecodeError as exc:
        message = _("not valid JSON: %(msg)s at line %(line)d, column %(col)d") % {
            "msg": exc.msg,
            "line": exc.lineno,
            "col": exc.colno,
        }
        raise RoadmapImportError([Problem("", message)]) from None
    except ValueError:  # int()'s limit: a number of more than 4,300 digits
        raise RoadmapImportError([Problem("", _("not valid JSON: a number is too long"))]) from None
    except RecursionError:
        raise RoadmapImportError([Problem("", _("not valid JSON: nested too deeply"))]) from None


def _surrogate_at(data: Any) -> str | None:
    """The path of the first key or string holding a lone surrogate (JSON's unpaired
    \\udXXX escapes parse to one; no database can store it), else None."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and not _is_text(value):
            return path
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                if not _is_text(key):
                    return path
                stack.append((join_path(path, key), item))
        elif isinstance(value, list):
            stack.extend((join_path(path, i), item) for i, item in reversed(list(enumerate(value))))
    return None


def _is_text(value: str) -> bool:
    """Can `value` be stored: is it free of lone surrogates?"""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Validation ------------------------------------------------------------------------------


class Checker:
    """Collects problems while walking the file; never stops at the first one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def keys(self, obj: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...]):
        if not isinstance(obj, dict):
            self.add(path, _("must be an object"))
            return False
        for key in obj:
            if key not in allowed:
                self.add(
                    join_path(path, key),
                    _("unknown field (expected one of: %(keys)s)") % {"keys": ", ".join(allowed)},
                )
        for key in required:
            if key not in obj:
                self.add(join_path(path, key), _("is missing"))
        return True

    def text(self, obj: dict, key: str, path: str, max_length: int, required: bool) -> str:
        value = obj.get(key, "")
        if not isinstance(value, str):
            self.add(join_path(path, key), _("must be a string"))
            return ""
        if required and not value.strip():
            self.add(join_path(path, key), _("must not be empty"))
        if "\x00" in value:
            self.add(join_path(path, key), _("must not contain a null character"))
        if max_length and len(value) > max_length:
            self.add(
                join_path(path, key),
                _("is too long (%(n)d characters, at most %(max)d)")
                % {"n": len(value), "max": max_length},
            )
        return value

    def unique(self, seen: dict[str, str], slug: str, path: str, kind: str) -> bool:
        """Note where `slug` is first used in `seen`; report a later use (False)."""
        if slug in seen:
            self.add(
                join_path(path, "slug"),
                _("duplicate %(kind)s slug “%(slug)s” (first at %(first)s)")
                % {"kind": kind, "slug": slug, "first": seen[slug]},
            )
            return False
        if slug:
            seen[slug] = path
        return True

    def slug(self, obj: dict, key: str, path: str, max_length: int = 60) -> str:
        value = obj.get(key)
        if not isinstance(value, str):
            if key in obj:
                self.add(join_path(path, key), _("must be a string"))
            return ""
        try:
            validate_slug(value)
        except ValidationError:
            self.add(
                join_path(path, key),
                _("“%(value)s” is not a slug (letters, digits, hyphens, underscores)")
                % {"value": value},
            )
            return ""
        if len(value) > max_length:
            self.add(
                join_path(path, key), _("is longer than %(max)d characters") % {"max": max_length}
            )
            return ""
        return value

    def choice(self, obj: dict, key: str, path: str, choices: type) -> str:
        value = obj.get(key)
        if value not in choices.values:
            self.add(
                join_path(path, key),
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": value, "choices": ", ".join(choices.values)},
            )
            return ""
        return value

    def items(self, obj: dict, key: str, path: str) -> list:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.add(join_path(path, key), _("must be a list"))
            return []
        return value


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


@dataclass
class _SkillRow:
    slug: str
    name: str
    kind: str
    description: str
    prerequisites: list[str]
    resources: list[tuple[str, str, str]]
    path: str


@dataclass
class _SectionRow:
    slug: str
    title: str
    summary: str
    skills: list[_SkillRow]


@dataclass
class ValidRoadmap:
    slug: str
    title: str
    summary: str
    published: bool
    sections: list[_SectionRow]

    @property
    def skills(self) -> list[_SkillRow]:
        return [skill for section in self.sections for skill in section.skills]


def validate(data: Any) -> ValidRoadmap:
    """Check the whole file against the format and the database; raise with every problem."""
    check = Checker()
    where = _surrogate_at(data)
    if where is not None:
        check.add(where, _("holds a lone surrogate (an unpaired \\ud800-\\udfff escape): not text"))
        raise RoadmapImportError(check.problems)
    if not check.keys(data, "", ROADMAP_KEYS, ("format", "slug", "title", "sections")):
        raise RoadmapImportError(check.problems)
    if data.get("format") != FORMAT:
        check.add("format", _("must be “%(format)s”") % {"format": FORMAT})
    slug = check.slug(data, "slug", "")
    title = check.text(data, "title", "", 200, required=True)
    summary = check.text(data, "summary", "", 0, required=False)
    published = data.get("published", False)
    if not isinstance(published, bool):
        check.add("published", _("must be true or false"))
        published = False

    sections: list[_SectionRow] = []
    section_slugs: dict[str, str] = {}
    skill_paths: dict[str, str] = {}
    for i, raw_section in enumerate(check.items(data, "sections", "")):
        path = join_path("sections", i)
        if not check.keys(raw_section, path, SECTION_KEYS, ("slug", "title", "skills")):
            continue
        section_slug = check.slug(raw_section, "slug", path)
        check.unique(section_slugs, section_slug, path, "section")
        section = _SectionRow(
            slug=section_slug,
            title=check.text(raw_section, "title", path, 200, required=True),
            summary=check.text(raw_section, "summary", path, 0, required=False),
            skills=[],
        )
        for j, raw_skill in enumerate(check.items(raw_section, "skills", path)):
            skill_path = join_path(join_path(path, "skills"), j)
            row = _validate_skill(check, raw_skill, skill_path)
            if row is None:
                continue
            if not check.unique(skill_paths, row.slug, skill_path, "skill"):
                continue
            section.skills.append(row)
        sections.append(section)

    roadmap = ValidRoadmap(slug, title, summary, published, sections)
    _check_prerequisites(check, roadmap)
    if check.problems:
        raise RoadmapImportError(check.problems)
    return roadmap


def _validate_skill(check: Checker, raw: Any, path: str) -> _SkillRow | None:
    if not check.keys(raw, path, SKILL_KEYS, ("slug", "name", "kind")):
        return None
    slug = check.slug(raw, "slug", path)
    prerequisites: list[str] = []
    seen: set[str] = set()
    for k, requires in enumerate(check.items(raw, "prerequisites", path)):
        item_path = join_path(join_path(path, "prerequisites"), k)
        if not isinstance(requires, str) or len(requires) > 60 or not slug_re.match(requires):
            check.add(item_path, _("must be a skill's slug"))
        elif requires == slug:
            check.add(item_path, _("a skill cannot require itself"))
        elif requires in seen:
            check.add(item_path, _("“%(slug)s” is listed twice") % {"slug": requires})
        else:
            seen.add(requires)
            prerequisites.append(requires)
    resources: list[tuple[str, str, str]] = []
    for k, raw_resource in enumerate(check.items(raw, "resources", path)):
        res_path = join_path(join_path(path, "resources"), k)
        if not check.keys(raw_resource, res_path, RESOURCE_KEYS, RESOURCE_KEYS):
            continue
        title = check.text(raw_resource, "title", res_path, 200, required=True)
        url = raw_resource.get("url")
        if not isinstance(url, str) or len(url) > 500 or "\x00" in url:
            check.add(
                join_path(res_path, "url"),
                _("must be a URL of at most 500 characters, with no null character"),
            )
            url = ""
        else:
            try:
                _url_validator(url)
            except ValidationError:
                check.add(
                    join_path(res_path, "url"),
                    _("“%(url)s” is not a valid http(s) URL") % {"url": url},
                )
        kind = check.choice(raw_resource, "kind", res_path, ResourceKind)
        resources.append((title, url, kind))
    return _SkillRow(
        slug=slug,
        name=check.text(raw, "name", path, 200, required=True),
        kind=check.choice(raw, "kind", path, SkillKind),
        description=check.text(raw, "description", path, 0, required=False),
        prerequisites=prerequisites,
        resources=resources,
        path=path,
    )


def _check_prerequisites(check: Checker, roadmap: ValidRoadmap) -> None:
    """Every prerequisite is known, and the graph with this file's edges has no cycle."""
    in_file = {skill.slug: skill for skill in roadmap.skills if skill.slug}
    wanted = {p for skill in in_file.values() for p in skill.prerequisites} - set(in_file)
    known = set(Skill.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for skill in in_file.values():
        for k, requires in enumerate(skill.prerequisites):
            if requires not in in_file and requires not in known:
                check.add(
                    join_path(join_path(skill.path, "prerequisites"), k),
                    _(
                        "unknown prerequisite “%(slug)s”: no skill with this slug in the file "
                        "or the database"
                    )
                    % {"slug": requires},
                )
    # The graph after the import: stored edges of skills outside the file, plus the file's.
    stored = Prerequisite.objects.exclude(skill__slug__in=in_file).values_list(
        "skill__slug", "requires__slug"
    )
    edges = [*stored]
    edges += [(s.slug, r) for s in in_file.values() for r in s.prerequisites]
    cycle = find_cycle_in(edges)
    if cycle:
        order = {slug: n for n, slug in enumerate(in_file)}
        on_cycle = sorted((s for s in set(cycle) if s in in_file), key=order.__getitem__)
        start = in_file[on_cycle[0]] if on_cycle else None  # the first in the file
        where = join_path(start.path, "prerequisites") if start else "sections"
        if start:
            cycle = rotate_to(cycle, start.slug)
        check.add(
            where,
            _("prerequisites make a cycle (each needs the next): %(cycle)s")
            % {"cycle": " → ".join(cycle)},
        )


# Import ----------------------------------------------------------------------------------


def import_roadmap(data: Any, *, dry_run: bool = False) -> ImportResult:
    """Validate, then create or update the roadmap in one transaction."""
    valid = validate(data)
    with transaction.atomic():
        result = _write(valid)
        if dry_run:
            transaction.set_rollback(True)
        else:
            bump(CONTENT)  # bulk writes send no signals
    return result


def _write(valid: ValidRoadmap) -> ImportResult:
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


def _write_skills(valid: ValidRoadmap, now, result: ImportResult) -> dict[str, Skill]:
    rows = valid.skills
    existing = Skill.objects.in_bulk([row.slug for row in rows], field_name="slug")
    to_create, to_update = [], []
    for row in rows:
        skill = existing.get(row.slug)
        if skill is None:
            to_create.append(Skill(slug=row.slug, name=row.name, description=row.description))
        elif _assign(skill, name=row.name, description=row.description):
            skill.updated_at = now
            to_update.append(skill)
    Skill.objects.bulk_create(to_create)
    Skill.objects.bulk_update(to_update, ["name", "description", "updated_at"])
    result.skills_created = len(to_create)
    result.skills_updated = len(to_update)
    result.changes += len(to_create) + len(to_update)
    # Re-read so that every skill (new ones too, on every database) has its id.
    return Skill.objects.in_bulk([row.slug for row in rows], field_name="slug")


def _write_prerequisites(valid: ValidRoadmap, skills: dict[str, Skill], result) -> None:
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


def _write_resources(valid: ValidRoadmap, skills: dict[str, Skill], result) -> None:
    stored: dict[int, list[tuple[str, str, str]]] = {}
    for res in Resource.objects.filter(skill__in=skills.values()).order_by("skill", "position"):
        stored.setdefault(res.skill_id, []).append((res.title, res.url, res.kind))
    stale, new = [], []
    for row in valid.skills:
        skill = skills[row.slug]
        if stored.get(skill.pk, []) == row.resources:
            continue
        stale.append(skill.pk)
        new += [
            Resource(skill=skill, title=title, url=url, kind=kind, position=n)
            for n, (title, url, kind) in enumerate(row.resources, start=1)
        ]
    Resource.objects.filter(skill_id__in=stale).delete()
    Resource.objects.bulk_create(new)
    result.changes += len(stale)


def _write_sections(roadmap: Roadmap, valid: ValidRoadmap, result) -> dict[str, Section]:
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
        if section is None:
            section = Section.objects.create(
                roadmap=roadmap, slug=row.slug, title=row.title, summary=row.summary, position=n
            )
            result.changes += 1
        else:
            changed = _assign(section, title=row.title, summary=row.summary, position=n)
            if changed:
                section.save(update_fields=changed)
                result.changes += 1
        sections[row.slug] = section
    return sections


def _write_placements(roadmap, valid: ValidRoadmap, sections, skills, result) -> None:
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
