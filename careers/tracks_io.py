"""Career tracks from JSON (format `careerpath.tracks/1`): validation and loading.

    {
      "format": "careerpath.tracks/1",
      "tracks": [
        {"slug": "backend", "name": "...", "kind": "ic|management|specialisation",
         "position": 1, "summary": "...",
         "levels": [
           {"slug": "junior", "name": "...", "rank": 1, "summary": "...",
            "responsibilities": "Markdown", "years_min": 0, "years_max": 2,
            "requirements": {"skill-slug": 1..4, ...}}
         ]}
      ],
      "transitions": [{"from": "backend/senior", "to": "devops/devops-engineer", "note": "..."}]
    }

Requirements name skills already in the database (load the roadmaps first). The format is
`TracksFile` below (pydantic models, core.schemas, as for roadmaps). Everything is
validated first, every problem reported with its path; nothing is written unless all is
valid. Tracks and levels are matched by slug and updated in place; levels and tracks
missing from the file are left alone (salaries may point at them), while each listed
level's requirements and outgoing transitions become exactly the file's. Unchanged rows
are not written, so loading the same file twice changes nothing.
"""

from dataclasses import dataclass, field
from typing import Annotated, Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from pydantic import Field, ValidationInfo, field_validator

from careers.models import Level, LevelRequirement, Track, TrackKind, Transition
from core.schemas import (
    Exactly,
    FileModel,
    InvalidFile,
    OneOf,
    Problem,
    Slug,
    Text,
    Tolerant,
    TolerantModel,
    Whole,
    check,
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


class LevelFile(FileModel):
    slug: Slug
    name: Name
    rank: Rank
    summary: Markdown = ""
    responsibilities: Markdown = ""
    years_min: Years = 0
    years_max: Years | None = None  # null: "and more"
    requirements: dict[str, Requirement] = {}  # skill slug → minimum proficiency

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
    levels: list[LevelFile]


class TransitionFile(FileModel):
    from_: str = Field(alias="from")  # track/level
    to: str
    note: Annotated[str, Text(300)] = ""


class TracksFile(FileModel):
    format: Annotated[str, Exactly(FORMAT)]
    tracks: list[TrackFile]
    transitions: list[TransitionFile] = []


# Validation ------------------------------------------------------------------------------


def validate(data: Any) -> TracksFile:
    """Check the whole file against the format and the database; raise with every problem."""
    tracks, problems = check(TracksFile, data, _relations)
    if tracks is None:
        raise TracksImportError(problems)
    return tracks


class _LevelRefs(TolerantModel):
    slug: Tolerant[Slug] = None
    rank: Tolerant[Rank] = None
    requirements: Tolerant[dict[str, Tolerant[Requirement]]] = None


class _TrackRefs(TolerantModel):
    slug: Tolerant[Slug] = None
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


def _relations(data: Any) -> list[Problem]:
    """Problems between the file's valid parts and with the database: slugs and ranks used
    twice, unknown skills, ranks held by stored levels, transitions between unknown levels."""
    refs = tolerant(_TracksRefs, data)
    problems: list[Problem] = []
    tracks_at: dict[str, str] = {}
    tracks: dict[str, _TrackAt] = {}
    needed: dict[str, list[str]] = {}  # skill slug → the paths that require it
    for i, track in enumerate((refs.tracks if refs else None) or []):
        if track is None:
            continue
        path = f"tracks[{i}]"
        if track.slug is not None and _note(tracks_at, track.slug, f"{path}.slug", problems):
            tracks[track.slug] = _levels(track, path, needed, problems)
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
            Problem(
                where,
                _("duplicate %(kind)s slug “%(slug)s” (first at %(first)s)")
                % {"kind": kind, "slug": value, "first": seen[value]},
            )
        )
        return False
    seen[value] = where.removesuffix(".slug")
    return True


def _levels(track: _TrackRefs, path: str, needed: dict, problems: list[Problem]) -> _TrackAt:
    """The track's valid level slugs and ranks; one used twice is a problem. Notes the
    skills its levels require in `needed`."""
    found = _TrackAt(path)
    slugs_at: dict[str, str] = {}
    ranks_at: dict[int, str] = {}
    for j, level in enumerate(track.levels or []):
        if level is None:
            continue
        level_path = f"{path}.levels[{j}]"
        if level.slug is not None and _note(slugs_at, level.slug, f"{level_path}.slug", problems):
            found.levels.add(level.slug)
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
    found.ranks = set(ranks_at)
    return found


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


def load_tracks(data: Any) -> str:
    """Validate, then create or update everything in one transaction; a one-line summary."""
    valid = validate(data)
    with transaction.atomic():
        changes = _write(valid)
        bump(CONTENT)  # bulk writes send no signals
    levels = sum(len(t.levels) for t in valid.tracks)
    requirements = sum(len(lv.requirements) for t in valid.tracks for lv in t.levels)
    return _(
        "Tracks: %(tracks)d tracks, %(levels)d levels, %(reqs)d requirements, "
        "%(moves)d transitions (%(changes)d rows written)."
    ) % {
        "tracks": len(valid.tracks),
        "levels": levels,
        "reqs": requirements,
        "moves": len(valid.transitions),
        "changes": changes,
    }


def _assign(obj: Any, **values: Any) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _write(valid: TracksFile) -> int:
    changes = 0
    skill_ids = dict(
        Skill.objects.filter(
            slug__in={s for t in valid.tracks for lv in t.levels for s in lv.requirements}
        ).values_list("slug", "pk")
    )
    levels_by_key: dict[str, Level] = {}
    for i, row in enumerate(valid.tracks):
        values = {
            "name": row.name,
            "kind": row.kind,
            "position": i if row.position is None else row.position,
            "summary": row.summary,
        }
        track, created = Track.objects.get_or_create(slug=row.slug, defaults=values)
        changes += created
        if not created:
            changed = _assign(track, **values)
            if changed:
                track.save(update_fields=changed)
                changes += 1
        changes += _write_levels(track, row, levels_by_key)
    for row in valid.tracks:
        for level_row in row.levels:
            level = levels_by_key[f"{row.slug}/{level_row.slug}"]
            changes += _write_requirements(level, level_row, skill_ids)
    changes += _write_transitions(valid, levels_by_key)
    return changes


def _write_levels(track: Track, row: TrackFile, levels_by_key: dict[str, Level]) -> int:
    changes = 0
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
        }
        level = existing.get(lr.slug)
        if level is None:
            level = Level.objects.create(track=track, slug=lr.slug, **values)
            changes += 1
        else:
            changed = _assign(level, **values)
            if changed:
                level.save(update_fields=changed)
                changes += 1
        level.track = track
        levels_by_key[f"{track.slug}/{lr.slug}"] = level
    return changes


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
