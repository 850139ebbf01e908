"""Career tracks from JSON (format `careerpath.tracks/1`): validation, loading and export.

    {
      "format": "careerpath.tracks/1",
      "tracks": [
        {"slug": "backend", "name": "...", "kind": "ic|management|specialisation",
         "position": 1, "summary": "...",
         "published": true,                                    (optional, default true)
         "source": {"name", "url", "licence", "version"},      (optional: imported tracks)
         "themes": [{"slug", "name", "summary", "id"}],        (optional; order = position)
         "levels": [
           {"slug": "junior", "name": "...", "rank": 1, "summary": "...",
            "responsibilities": "Markdown", "years_min": 0, "years_max": 2,
            "requirements": {"skill-slug": 1..4, ...},
            "id": "the level's id in its source",              (optional)
            "changes": "Markdown: what is new since the level below",   (optional)
            "groups": [{"name", "at_least", "proficiency", "skills": [slug, ...]}],  (optional)
            "competencies": [{"theme": "theme-slug", "criterion": "One sentence.",
                              "examples": ["...", ...], "id", "proficiency",
                              "links": [{"label", "url"}]}]}    (optional; all but theme and
                                                                 criterion optional)
         ]}
      ],
      "transitions": [{"from": "backend/senior", "to": "devops/devops-engineer", "note": "..."}]
    }

Requirements and groups name skills already in the database (load the roadmaps first); a
skill is not both a plain requirement and in a group of the same level; a group's
`at_least` is at most its number of skills; a competency's theme is one of its track's
themes. The format is `TracksFile` below (pydantic models, core.schemas, as for roadmaps).
Everything is validated first, every problem reported with its path; nothing is written
unless all is valid. Tracks and levels are matched by slug and updated in place; levels and
tracks missing from the file are left alone (salaries may point at them), while each listed
level's requirements, groups, competencies and outgoing transitions become exactly the
file's (competencies matched by id — unique in a track, so one may move to another
level or theme and keep its row — else by position; groups by position), and each listed
track's themes exactly the file's (by slug). Unchanged rows are
not written, so loading the same file twice changes nothing.

`export_tracks()` writes the same format back, keys in the order above, optional keys only
when not empty; `dumps(export_tracks())` → load into an empty database → export again gives
the same bytes.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from careers.models import (
    Competency,
    Level,
    LevelRequirement,
    RequirementGroup,
    Theme,
    Track,
    TrackKind,
    Transition,
)
from core.schemas import (
    DUPLICATE_SLUG,
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
    problem,
    shown,
    tolerant,
)
from core.versions import CONTENT, bump
from skills.models import Skill

FORMAT = "careerpath.tracks/1"


class TracksImportError(InvalidFile):
    """The file is not a valid set of tracks; `problems` lists every reason, by path."""


# The format ------------------------------------------------------------------------------

Name = Annotated[str, Text(200, required=True)]
Markdown = Annotated[str, Text()]
Rank = Annotated[int, Whole(1, 32_767)]  # PositiveSmallIntegerField
Years = Annotated[int, Whole(0, 32_767)]
Requirement = Annotated[int, Whole(1, 4)]  # a proficiency, from aware (1) to expert (4)
ExternalId = Annotated[str, Text(100)]


def _one_line(value: str) -> str:
    """An example is stored as one line of a text field, so it must be one line."""
    if value.splitlines() != [value]:
        raise problem("line", _("must be one line of text"))
    return value


def _blank_or_url(value: str) -> str:
    return value if value == "" else HttpUrl(500).check(value)


Example = Annotated[str, Text(required=True), AfterValidator(_one_line)]
OptionalUrl = Annotated[str, AfterValidator(_blank_or_url)]


class SourceFile(FileModel):
    """Where an imported track comes from, and under which licence (an SPDX identifier)."""

    name: Annotated[str, Text(200)] = ""
    url: OptionalUrl = ""
    licence: Annotated[str, Text(100)] = ""
    version: Annotated[str, Text(100)] = ""


class ThemeFile(FileModel):
    slug: Slug
    name: Name
    summary: Markdown = ""
    id: ExternalId = ""


class LinkFile(FileModel):
    label: Annotated[str, Text(200)] = ""
    url: Annotated[str, HttpUrl(500)]


class CompetencyFile(FileModel):
    theme: Slug
    criterion: Annotated[str, Text(required=True)]
    examples: list[Example] = []
    id: ExternalId = ""
    proficiency: Annotated[str, Text(60)] = ""  # as the source names it
    links: list[LinkFile] = []


class GroupFile(FileModel):
    name: Name
    at_least: Annotated[int, Whole(1, 32_767)] = 1
    proficiency: Requirement = 2
    skills: list[Slug]

    @field_validator("skills")
    @classmethod
    def _enough_skills(cls, value: list[str], info: ValidationInfo) -> list[str]:
        at_least = info.data.get("at_least")
        if at_least is not None and at_least > len(value):
            raise problem(
                "group",
                _("lists %(n)d skills, fewer than at_least (%(at_least)d)")
                % {"n": len(value), "at_least": at_least},
            )
        return value


class LevelFile(FileModel):
    slug: Slug
    name: Name
    rank: Rank
    summary: Markdown = ""
    responsibilities: Markdown = ""
    years_min: Years = 0
    years_max: Years | None = None  # null: "and more"
    requirements: dict[str, Requirement] = {}  # skill slug → minimum proficiency
    id: ExternalId = ""
    changes: Markdown = ""
    groups: list[GroupFile] = []
    competencies: list[CompetencyFile] = []

    @field_validator("years_max")
    @classmethod
    def _not_below_years_min(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and value < info.data.get("years_min", 0):
            raise problem("years", _("must not be less than years_min"))
        return value


class TrackFile(FileModel):
    slug: Slug
    name: Name
    kind: Annotated[str, OneOf(TrackKind)]
    position: Annotated[int, Whole(0, 2_147_483_647)] | None = None  # None: its place in the file
    summary: Markdown = ""
    published: bool = True
    source: SourceFile | None = None
    themes: list[ThemeFile] = []
    levels: list[LevelFile]


class TransitionFile(FileModel):
    from_: str = Field(alias="from")  # track/level
    to: str
    note: Annotated[str, Text(300)] = ""


class TracksFile(FileModel):
    format: Annotated[str, Exactly(FORMAT)]
    tracks: list[TrackFile]
    transitions: list[TransitionFile] = []


def loads(text: str | bytes) -> Any:
    """Parse a file's text; a syntax error becomes a TracksImportError with its place."""
    try:
        return parse_json(text)
    except InvalidFile as exc:
        raise TracksImportError(exc.problems) from None


# Validation ------------------------------------------------------------------------------


def validate(data: Any) -> TracksFile:
    """Check the whole file against the format and the database; raise with every problem."""
    tracks, problems = check(TracksFile, data, _relations)
    if tracks is None:
        raise TracksImportError(problems)
    return tracks


class _GroupRefs(TolerantModel):
    skills: Tolerant[list[Tolerant[Slug]]] = None


class _CompetencyRefs(TolerantModel):
    theme: Tolerant[Slug] = None
    id: Tolerant[ExternalId] = None


class _LevelRefs(TolerantModel):
    slug: Tolerant[Slug] = None
    rank: Tolerant[Rank] = None
    id: Tolerant[ExternalId] = None
    requirements: Tolerant[dict[str, Tolerant[Requirement]]] = None
    groups: Tolerant[list[Tolerant[_GroupRefs]]] = None
    competencies: Tolerant[list[Tolerant[_CompetencyRefs]]] = None


class _ThemeRefs(TolerantModel):
    slug: Tolerant[Slug] = None


class _TrackRefs(TolerantModel):
    slug: Tolerant[Slug] = None
    themes: Tolerant[list[Tolerant[_ThemeRefs]]] = None
    levels: Tolerant[list[Tolerant[_LevelRefs]]] = None


class _TransitionRefs(TolerantModel):
    from_: Tolerant[str] = Field(None, alias="from")
    to: Tolerant[str] = None


class _TracksRefs(TolerantModel):
    tracks: Tolerant[list[Tolerant[_TrackRefs]]] = None
    transitions: Tolerant[list[Tolerant[_TransitionRefs]]] = None


@dataclass
class _TrackAt:
    path: str
    levels: set[str] = field(default_factory=set)  # valid level slugs, each used once
    ranks: set[int] = field(default_factory=set)  # valid ranks
    themes: set[str] | None = None  # valid theme slugs; None when one is not valid


def _relations(data: Any) -> list[Problem]:
    """Problems between the file's valid parts and with the database: slugs, ranks and ids
    used twice, unknown skills and themes, ranks held by stored levels, transitions between
    unknown levels."""
    refs = tolerant(_TracksRefs, data)
    problems: list[Problem] = []
    tracks_at: dict[str, str] = {}
    tracks: dict[str, _TrackAt] = {}
    needed: dict[str, list[str]] = {}  # skill slug → the paths that require it
    for i, track in enumerate((refs.tracks if refs else None) or []):
        if track is None:
            continue
        path = f"tracks[{i}]"
        found = _levels(track, path, needed, problems)
        if track.slug is not None and _note(tracks_at, track.slug, f"{path}.slug", problems):
            tracks[track.slug] = found
    known = set(Skill.objects.filter(slug__in=needed).values_list("slug", flat=True))
    for skill_slug, paths in needed.items():
        if skill_slug not in known:
            message = _("unknown skill “%(slug)s”: load the roadmap that defines it first") % {
                "slug": shown(skill_slug)
            }
            problems += [Problem(where, message) for where in paths]
    _check_stored_ranks(tracks, problems)
    keys = {f"{slug}/{level}" for slug, track in tracks.items() for level in track.levels}
    _check_transitions((refs.transitions if refs else None) or [], keys, problems)
    return problems


def _note(seen: dict[str, str], value: str, where: str, problems: list[Problem]) -> bool:
    """Note where a track's or a level's slug is first used; report a later use."""
    if value in seen:
        kind = "track" if where.count("[") == 1 else "level"
        problems.append(
            Problem(where, DUPLICATE_SLUG[kind] % {"slug": value, "first": seen[value]})
        )
        return False
    seen[value] = where.removesuffix(".slug")
    return True


def _themes(track: _TrackRefs, path: str, problems: list[Problem]) -> set[str] | None:
    """The track's valid theme slugs (each used once); None when some theme is not valid,
    so that competencies are not blamed for it."""
    seen: dict[str, str] = {}
    complete = track.themes is not None or "themes" not in track.model_fields_set
    for k, theme in enumerate(track.themes or []):
        if theme is None or theme.slug is None:
            complete = False
            continue
        note_slug(seen, theme.slug, f"{path}.themes[{k}]", "theme", problems)
    return set(seen) if complete else None


def _note_id(seen: dict[str, str], value: str | None, where: str, problems: list[Problem]) -> None:
    if not value:
        return
    if value in seen:
        problems.append(
            Problem(
                where,
                _("the id “%(id)s” is used twice (first at %(first)s)")
                % {"id": shown(value), "first": seen[value]},
            )
        )
    else:
        seen[value] = where.removesuffix(".id")


def _levels(track: _TrackRefs, path: str, needed: dict, problems: list[Problem]) -> _TrackAt:
    """The track's valid level slugs and ranks; one used twice is a problem. Notes the
    skills its levels require in `needed`; checks groups and competencies."""
    found = _TrackAt(path, themes=_themes(track, path, problems))
    slugs_at: dict[str, str] = {}
    ranks_at: dict[int, str] = {}
    ids_at: dict[str, str] = {}
    competency_ids_at: dict[str, str] = {}  # a competency's id is the track's, not the level's
    for j, level in enumerate(track.levels or []):
        if level is None:
            continue
        level_path = f"{path}.levels[{j}]"
        if level.slug is not None and _note(slugs_at, level.slug, f"{level_path}.slug", problems):
            found.levels.add(level.slug)
        _note_id(ids_at, level.id, f"{level_path}.id", problems)
        if level.rank is not None:
            if level.rank in ranks_at:
                problems.append(
                    Problem(
                        f"{level_path}.rank",
                        _("rank %(rank)d is used twice in this track (first at %(first)s)")
                        % {"rank": level.rank, "first": ranks_at[level.rank]},
                    )
                )
            else:
                ranks_at[level.rank] = level_path
        for skill_slug, proficiency in (level.requirements or {}).items():
            if proficiency is not None:
                needed.setdefault(skill_slug, []).append(f"{level_path}.requirements.{skill_slug}")
        _groups(level, level_path, needed, problems)
        _competencies(level, level_path, found.themes, competency_ids_at, problems)
    found.ranks = set(ranks_at)
    return found


def _groups(level: _LevelRefs, path: str, needed: dict, problems: list[Problem]) -> None:
    required = set(level.requirements or {})
    for g, group in enumerate(level.groups or []):
        if group is None:
            continue
        seen: set[str] = set()
        for k, skill_slug in enumerate(group.skills or []):
            if skill_slug is None:
                continue
            where = f"{path}.groups[{g}].skills[{k}]"
            needed.setdefault(skill_slug, []).append(where)
            if skill_slug in seen:
                message = _("“%(slug)s” is listed twice in this group")
            elif skill_slug in required:
                message = _("“%(slug)s” is also a plain requirement of this level")
            else:
                seen.add(skill_slug)
                continue
            problems.append(Problem(where, message % {"slug": skill_slug}))


def _competencies(
    level: _LevelRefs,
    path: str,
    themes: set[str] | None,
    ids_at: dict[str, str],
    problems: list[Problem],
) -> None:
    for c, competency in enumerate(level.competencies or []):
        if competency is None:
            continue
        where = f"{path}.competencies[{c}]"
        _note_id(ids_at, competency.id, f"{where}.id", problems)
        if themes is not None and competency.theme is not None and competency.theme not in themes:
            problems.append(
                Problem(
                    f"{where}.theme",
                    _("“%(slug)s” is not one of this track's themes") % {"slug": competency.theme},
                )
            )


def _check_stored_ranks(tracks: dict[str, _TrackAt], problems: list[Problem]) -> None:
    """A level kept in the database but not in the file must not hold a rank the file uses."""
    stored = Level.objects.filter(track__slug__in=tracks).select_related("track")
    for level in stored:
        track = tracks[level.track.slug]
        if level.slug not in track.levels and level.rank in track.ranks:
            problems.append(
                Problem(
                    track.path,
                    _("rank %(rank)d is taken by the level “%(level)s”, which is in the "
                      "database but not in this file")
                    % {"rank": level.rank, "level": level.key},
                )
            )  # fmt: skip


def _check_transitions(
    transitions: list[_TransitionRefs | None], keys_in_file: set[str], problems: list[Problem]
) -> None:
    """Each end is a level in the file or the database; no loop, no transition twice."""
    ends = {end for t in transitions if t for end in (t.from_, t.to) if end and "/" in end}
    stored = {
        level.key
        for level in Level.objects.select_related("track").filter(
            track__slug__in={end.split("/")[0] for end in ends}
        )
    }
    seen: set[tuple[str, str]] = set()
    for i, transition in enumerate(transitions):
        if transition is None:
            continue
        path = f"transitions[{i}]"
        for key, end in (("from", transition.from_), ("to", transition.to)):
            if end is not None and end not in keys_in_file and end not in stored:
                problems.append(
                    Problem(
                        f"{path}.{key}",
                        _("“%(value)s” is not a known level (write it as track/level)")
                        % {"value": shown(end)},
                    )
                )
        pair = (transition.from_, transition.to)
        if None in pair:
            continue
        if pair[0] == pair[1]:
            problems.append(Problem(path, _("a level cannot lead to itself")))
        elif pair in seen:
            problems.append(Problem(path, _("this transition is listed twice")))
        seen.add(pair)


# Loading ---------------------------------------------------------------------------------

KIND_NAMES = {
    "tracks": gettext_lazy("tracks"),
    "levels": gettext_lazy("levels"),
    "themes": gettext_lazy("themes"),
    "competencies": gettext_lazy("competencies"),
    "groups": gettext_lazy("groups"),
}


@dataclass
class LoadResult:
    """What a load did: the tracks' slugs, and per kind of row how many were created,
    updated and deleted (`changes` counts every row written, requirements included)."""

    slugs: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    changes: int = 0

    def note(self, kind: str, created: int = 0, updated: int = 0, deleted: int = 0) -> int:
        self.created[kind] += created
        self.updated[kind] += updated
        self.deleted[kind] += deleted
        self.changes += created + updated + deleted
        return created + updated + deleted

    def summary(self) -> str:
        """`levels: 3 created, 0 updated, 0 removed; themes: …` (groups only when touched)."""
        parts = [
            _("%(kind)s: %(created)d created, %(updated)d updated, %(deleted)d removed")
            % {
                "kind": KIND_NAMES[kind],
                "created": self.created[kind],
                "updated": self.updated[kind],
                "deleted": self.deleted[kind],
            }
            for kind in ("levels", "themes", "competencies", "groups")
            if kind != "groups" or self.created[kind] + self.updated[kind] + self.deleted[kind]
        ]
        return "; ".join(parts) + "."


def import_tracks(data: Any, *, dry_run: bool = False) -> LoadResult:
    """Validate, then create or update everything in one transaction (rolled back for a
    dry run); raises TracksImportError with every problem, having written nothing."""
    valid = validate(data)
    # Files carry our content's English names; an admin reading German writes them too.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        result = _write(valid)
        if dry_run:
            transaction.set_rollback(True)
        else:
            bump(CONTENT)  # bulk writes send no signals
    return result


def load_tracks(data: Any) -> str:
    """Validate, then create or update everything in one transaction; a one-line summary."""
    result = import_tracks(data)
    tracks = data["tracks"]
    levels = sum(len(t["levels"]) for t in tracks)
    requirements = sum(len(lv.get("requirements", {})) for t in tracks for lv in t["levels"])
    return _(
        "Tracks: %(tracks)d tracks, %(levels)d levels, %(reqs)d requirements, "
        "%(moves)d transitions (%(changes)d rows written)."
    ) % {
        "tracks": len(tracks),
        "levels": levels,
        "reqs": requirements,
        "moves": len(data.get("transitions", [])),
        "changes": result.changes,
    }


def _assign(obj: Any, **values: Any) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _save(obj: Any, result: LoadResult, kind: str, values: dict[str, Any]) -> None:
    changed = _assign(obj, **values)
    if changed:
        obj.save(update_fields=changed)
        result.note(kind, updated=1)


def _write(valid: TracksFile) -> LoadResult:
    result = LoadResult()
    skill_ids = dict(
        Skill.objects.filter(
            slug__in={
                s
                for t in valid.tracks
                for lv in t.levels
                for s in [*lv.requirements, *(k for g in lv.groups for k in g.skills)]
            }
        ).values_list("slug", "pk")
    )
    levels_by_key: dict[str, Level] = {}
    themes_by_track: dict[str, dict[str, Theme]] = {}
    stale_themes: list[int] = []
    for i, row in enumerate(valid.tracks):
        source = row.source or SourceFile()
        values = {
            "name": row.name,
            "kind": row.kind,
            "position": i if row.position is None else row.position,
            "summary": row.summary,
            "published": row.published,
            "source_name": source.name,
            "source_url": source.url,
            "licence": source.licence,
            "source_version": source.version,
        }
        track, created = Track.objects.get_or_create(slug=row.slug, defaults=values)
        result.slugs.append(track.slug)
        if created:
            result.note("tracks", created=1)
        else:
            _save(track, result, "tracks", values)
        themes_by_track[row.slug] = _write_themes(track, row, stale_themes, result)
        _write_levels(track, row, levels_by_key, result)
    for row in valid.tracks:
        levels = [levels_by_key[f"{row.slug}/{lr.slug}"] for lr in row.levels]
        for level, level_row in zip(levels, row.levels, strict=True):
            result.changes += _write_requirements(level, level_row, skill_ids)
            _write_groups(level, level_row, skill_ids, result)
        _write_competencies(levels, row, themes_by_track[row.slug], result)
    if stale_themes:
        # Last, so that a competency moved to another theme was moved, not deleted.
        Theme.objects.filter(pk__in=stale_themes).delete()
        result.note("themes", deleted=len(stale_themes))
    result.changes += _write_transitions(valid, levels_by_key)
    return result


def _write_themes(
    track: Track, row: TrackFile, stale: list[int], result: LoadResult
) -> dict[str, Theme]:
    """The track's themes become the file's, matched by slug; those the file no longer
    has are added to `stale`, for deletion once competencies are written."""
    stored = {theme.slug: theme for theme in track.themes.all()}
    themes = {}
    for position, theme_row in enumerate(row.themes):
        values = {
            "name": theme_row.name,
            "summary": theme_row.summary,
            "position": position,
            "external_id": theme_row.id,
        }
        theme = stored.pop(theme_row.slug, None)
        if theme is None:
            theme = Theme.objects.create(track=track, slug=theme_row.slug, **values)
            result.note("themes", created=1)
        else:
            _save(theme, result, "themes", values)
        themes[theme.slug] = theme
    stale += [t.pk for t in stored.values()]
    return themes


def _write_levels(
    track: Track, row: TrackFile, levels_by_key: dict[str, Level], result: LoadResult
) -> None:
    existing = {level.slug: level for level in track.levels.all()}
    moved = [
        level
        for lr in row.levels
        if (level := existing.get(lr.slug)) is not None and level.rank != lr.rank
    ]
    if moved:
        # Ranks are unique in a track: park the moving levels above every rank first.
        top = (track.levels.aggregate(top=Max("rank"))["top"] or 0) + max(
            lr.rank for lr in row.levels
        )
        Level.objects.filter(pk__in=[lv.pk for lv in moved]).update(rank=F("rank") + top)
    for lr in row.levels:
        values = {
            "name": lr.name,
            "rank": lr.rank,
            "summary": lr.summary,
            "responsibilities": lr.responsibilities,
            "years_min": lr.years_min,
            "years_max": lr.years_max,
            "external_id": lr.id,
            "changes": lr.changes,
        }
        level = existing.get(lr.slug)
        if level is None:
            level = Level.objects.create(track=track, slug=lr.slug, **values)
            result.note("levels", created=1)
        else:
            _save(level, result, "levels", values)
        level.track = track
        levels_by_key[f"{track.slug}/{lr.slug}"] = level


def _write_requirements(level: Level, row: LevelFile, skill_ids: dict[str, int]) -> int:
    wanted = {skill_ids[slug]: p for slug, p in row.requirements.items()}
    stored = {r.skill_id: r for r in level.requirements.all()}
    gone = [r.pk for skill_id, r in stored.items() if skill_id not in wanted]
    changed = []
    for skill_id, proficiency in wanted.items():
        req = stored.get(skill_id)
        if req is not None and req.proficiency != proficiency:
            req.proficiency = proficiency
            changed.append(req)
    new = [
        LevelRequirement(level=level, skill_id=skill_id, proficiency=p)
        for skill_id, p in wanted.items()
        if skill_id not in stored
    ]
    LevelRequirement.objects.filter(pk__in=gone).delete()
    LevelRequirement.objects.bulk_update(changed, ["proficiency"])
    LevelRequirement.objects.bulk_create(new)
    return len(gone) + len(changed) + len(new)


def _write_groups(
    level: Level, row: LevelFile, skill_ids: dict[str, int], result: LoadResult
) -> None:
    """The level's groups become exactly the file's, matched by position."""
    stored = list(level.groups.order_by("position", "pk").prefetch_related("skills"))
    for position, group_row in enumerate(row.groups):
        values = {
            "name": group_row.name,
            "at_least": group_row.at_least,
            "proficiency": group_row.proficiency,
            "position": position,
        }
        wanted = {skill_ids[slug] for slug in group_row.skills}
        if position < len(stored):
            group = stored[position]
            changed = _assign(group, **values)
            if changed:
                group.save(update_fields=changed)
            if {s.pk for s in group.skills.all()} != wanted:
                group.skills.set(wanted)
                changed.append("skills")
            if changed:
                result.note("groups", updated=1)
        else:
            group = RequirementGroup.objects.create(level=level, **values)
            group.skills.set(wanted)
            result.note("groups", created=1)
    extra = stored[len(row.groups) :]
    if extra:
        RequirementGroup.objects.filter(pk__in=[g.pk for g in extra]).delete()
        result.note("groups", deleted=len(extra))


def _write_competencies(
    levels: list[Level], row: TrackFile, themes: dict[str, Theme], result: LoadResult
) -> None:
    """The listed levels' competencies become exactly the file's. One with an id is
    matched by it across the track's listed levels (a criterion that moved to another
    level keeps its row, and people's assessments of it); one without, by position
    among its level's stored ones without an id."""
    stored = list(Competency.objects.filter(level__in=levels).order_by("level", "position", "pk"))
    by_id = {c.external_id: c for c in stored if c.external_id}
    without_id: dict[int, list[Competency]] = {}
    for c in stored:
        if not c.external_id:
            without_id.setdefault(c.level_id, []).append(c)
    kept: set[int] = set()
    for level, level_row in zip(levels, row.levels, strict=True):
        spare = without_id.get(level.pk, [])
        for position, comp_row in enumerate(level_row.competencies):
            values = {
                "level_id": level.pk,
                "theme_id": themes[comp_row.theme].pk,
                "criterion": comp_row.criterion,
                "examples": "\n".join(comp_row.examples),
                "proficiency": comp_row.proficiency,
                "links": [link.model_dump() for link in comp_row.links],
                "position": position,
                "external_id": comp_row.id,
            }
            competency = None
            if comp_row.id:
                competency = by_id.get(comp_row.id)
            elif spare:
                competency = spare.pop(0)
            if competency is None:
                competency = Competency.objects.create(**values)
                result.note("competencies", created=1)
            else:
                _save(competency, result, "competencies", values)
            kept.add(competency.pk)
    gone = [c.pk for c in stored if c.pk not in kept]
    if gone:
        Competency.objects.filter(pk__in=gone).delete()
        result.note("competencies", deleted=len(gone))


def _write_transitions(valid: TracksFile, levels_by_key: dict[str, Level]) -> int:
    """The file's levels get exactly the file's outgoing transitions."""
    in_file = {level.pk for level in levels_by_key.values()}
    others = {end for t in valid.transitions for end in (t.from_, t.to)} - set(levels_by_key)
    for level in Level.objects.select_related("track").filter(
        track__slug__in={k.split("/")[0] for k in others}
    ):
        levels_by_key.setdefault(level.key, level)
    wanted = {
        (levels_by_key[t.from_].pk, levels_by_key[t.to].pk): t.note for t in valid.transitions
    }
    stored = {
        (t.from_level_id, t.to_level_id): t
        for t in Transition.objects.filter(from_level_id__in=in_file | {a for a, _ in wanted})
    }
    gone = [t.pk for pair, t in stored.items() if pair not in wanted and pair[0] in in_file]
    Transition.objects.filter(pk__in=gone).delete()
    changes = len(gone)
    for (from_id, to_id), note in wanted.items():
        transition = stored.get((from_id, to_id))
        if transition is None:
            Transition.objects.create(from_level_id=from_id, to_level_id=to_id, note=note)
            changes += 1
        elif transition.note != note:
            transition.note = note
            transition.save(update_fields=["note"])
            changes += 1
    return changes


# Export ----------------------------------------------------------------------------------


@translation.override(settings.LANGUAGE_CODE)  # the English names
def export_tracks(tracks: QuerySet[Track] | None = None) -> dict[str, Any]:
    """The tracks (all by default) as a JSON-ready dict in the file's format, with the
    transitions that leave their levels; a constant number of queries."""
    tracks = Track.objects.all() if tracks is None else tracks
    rows = list(
        tracks.order_by("position", "name", "pk").prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "pk")),
            Prefetch("levels", queryset=Level.objects.order_by("rank")),
            Prefetch(
                "levels__requirements",
                queryset=LevelRequirement.objects.select_related("skill").order_by("skill__slug"),
            ),
            Prefetch(
                "levels__groups",
                queryset=RequirementGroup.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("skills", queryset=Skill.objects.order_by("slug"))
                ),
            ),
            Prefetch(
                "levels__competencies",
                queryset=Competency.objects.select_related("theme").order_by("position", "pk"),
            ),
        )
    )
    level_ids = [level.pk for track in rows for level in track.levels.all()]
    transitions = (
        Transition.objects.filter(from_level_id__in=level_ids)
        .select_related("from_level__track", "to_level__track")
        .order_by(
            "from_level__track__position",
            "from_level__track__name",
            "from_level__rank",
            "to_level__track__position",
            "to_level__track__name",
            "to_level__rank",
        )
    )
    return {
        "format": FORMAT,
        "tracks": [_export_track(track) for track in rows],
        "transitions": [
            {"from": t.from_level.key, "to": t.to_level.key, "note": t.note} for t in transitions
        ],
    }


def _export_track(track: Track) -> dict[str, Any]:
    row: dict[str, Any] = {
        "slug": track.slug,
        "name": track.name,
        "kind": track.kind,
        "position": track.position,
        "summary": track.summary,
    }
    if not track.published:
        row["published"] = False
    source = _non_empty(
        name=track.source_name,
        url=track.source_url,
        licence=track.licence,
        version=track.source_version,
    )
    if source:
        row["source"] = source
    themes = [
        {"slug": t.slug, "name": t.name, **_non_empty(summary=t.summary, id=t.external_id)}
        for t in track.themes.all()
    ]
    if themes:
        row["themes"] = themes
    row["levels"] = [_export_level(level) for level in track.levels.all()]
    return row


def _export_level(level: Level) -> dict[str, Any]:
    row: dict[str, Any] = {
        "slug": level.slug,
        "name": level.name,
        "rank": level.rank,
        "summary": level.summary,
        "responsibilities": level.responsibilities,
        "years_min": level.years_min,
        "years_max": level.years_max,
        "requirements": {r.skill.slug: r.proficiency for r in level.requirements.all()},
    }
    groups = [
        {
            "name": g.name,
            "at_least": g.at_least,
            "proficiency": g.proficiency,
            "skills": [s.slug for s in g.skills.all()],
        }
        for g in level.groups.all()
    ]
    competencies = [
        {
            "theme": c.theme.slug,
            "criterion": c.criterion,
            **_non_empty(
                examples=c.examples.split("\n") if c.examples else [],
                id=c.external_id,
                proficiency=c.proficiency,
                links=c.links,
            ),
        }
        for c in level.competencies.all()
    ]
    row |= _non_empty(id=level.external_id, changes=level.changes)
    row |= _non_empty(groups=groups, competencies=competencies)
    return row


def _non_empty(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of an export: two-space indent, UTF-8, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
