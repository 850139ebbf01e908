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

Requirements name skills already in the database (load the roadmaps first). Everything is
validated first, every problem reported with its path; nothing is written unless all is
valid. Tracks and levels are matched by slug and updated in place; levels and tracks
missing from the file are left alone (salaries may point at them), while each listed
level's requirements and outgoing transitions become exactly the file's. Unchanged rows
are not written, so loading the same file twice changes nothing.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from careers.models import Level, LevelRequirement, Track, TrackKind, Transition
from core.versions import CONTENT, bump
from skills.models import Skill
from skills.roadmap_io import Checker, Problem, join_path

FORMAT = "careerpath.tracks/1"
FILE_KEYS = ("format", "tracks", "transitions")
TRACK_KEYS = ("slug", "name", "kind", "position", "summary", "levels")
LEVEL_KEYS = (
    "slug",
    "name",
    "rank",
    "summary",
    "responsibilities",
    "years_min",
    "years_max",
    "requirements",
)
TRANSITION_KEYS = ("from", "to", "note")


class TracksImportError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _LevelRow:
    slug: str
    name: str
    rank: int
    summary: str
    responsibilities: str
    years_min: int
    years_max: int | None
    requirements: dict[str, int]


@dataclass
class _TrackRow:
    slug: str
    name: str
    kind: str
    position: int
    summary: str
    levels: list[_LevelRow]


@dataclass
class ValidTracks:
    tracks: list[_TrackRow]
    transitions: list[tuple[str, str, str]]


def _whole(check: Checker, obj: dict, key: str, path: str, minimum: int, default=None):
    value = obj.get(key, default)
    if value is None and default is None and key not in obj:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        check.add(join_path(path, key), _("must be a whole number ≥ %(min)d") % {"min": minimum})
        return None
    return value


def validate(data: Any) -> ValidTracks:
    check = Checker()
    if not check.keys(data, "", FILE_KEYS, ("format", "tracks")):
        raise TracksImportError(check.problems)
    if data.get("format") != FORMAT:
        check.add("format", _("must be “%(format)s”") % {"format": FORMAT})
    tracks: list[_TrackRow] = []
    track_paths: dict[str, str] = {}
    needed_skills: dict[str, list[str]] = {}
    keys_in_file: set[str] = set()
    for i, raw in enumerate(check.items(data, "tracks", "")):
        path = join_path("tracks", i)
        if not check.keys(raw, path, TRACK_KEYS, ("slug", "name", "kind", "levels")):
            continue
        slug = check.slug(raw, "slug", path)
        check.unique(track_paths, slug, path, "track")
        track = _TrackRow(
            slug=slug,
            name=check.text(raw, "name", path, 200, required=True),
            kind=check.choice(raw, "kind", path, TrackKind),
            position=_whole(check, raw, "position", path, 0, default=i) or 0,
            summary=check.text(raw, "summary", path, 0, required=False),
            levels=[],
        )
        level_slugs: dict[str, str] = {}
        ranks: dict[int, str] = {}
        for j, raw_level in enumerate(check.items(raw, "levels", path)):
            level_path = join_path(join_path(path, "levels"), j)
            level = _validate_level(check, raw_level, level_path, needed_skills)
            if level is None:
                continue
            if check.unique(level_slugs, level.slug, level_path, "level") and level.slug:
                keys_in_file.add(f"{slug}/{level.slug}")
            if level.rank in ranks:
                check.add(
                    join_path(level_path, "rank"),
                    _("rank %(rank)d is used twice in this track (first at %(first)s)")
                    % {"rank": level.rank, "first": ranks[level.rank]},
                )
            elif level.rank:
                ranks[level.rank] = level_path
            track.levels.append(level)
        tracks.append(track)

    known_skills = set(Skill.objects.filter(slug__in=needed_skills).values_list("slug", flat=True))
    for skill_slug, paths in needed_skills.items():
        if skill_slug not in known_skills:
            for where in paths:
                check.add(
                    where,
                    _("unknown skill “%(slug)s”: load the roadmap that defines it first")
                    % {"slug": skill_slug},
                )
    _check_stored_ranks(check, tracks, track_paths)
    transitions = _validate_transitions(check, data, keys_in_file)
    if check.problems:
        raise TracksImportError(check.problems)
    return ValidTracks(tracks, transitions)


def _validate_level(check: Checker, raw: Any, path: str, needed: dict) -> _LevelRow | None:
    if not check.keys(raw, path, LEVEL_KEYS, ("slug", "name", "rank")):
        return None
    years_min = _whole(check, raw, "years_min", path, 0, default=0)
    years_max = raw.get("years_max")
    if years_max is not None:
        years_max = _whole(check, raw, "years_max", path, 0)
        if years_max is not None and years_min is not None and years_max < years_min:
            check.add(join_path(path, "years_max"), _("must not be less than years_min"))
    requirements: dict[str, int] = {}
    raw_requirements = raw.get("requirements", {})
    if not isinstance(raw_requirements, dict):
        check.add(join_path(path, "requirements"), _("must be an object of skill slug → 1..4"))
        raw_requirements = {}
    for skill_slug, proficiency in raw_requirements.items():
        where = join_path(join_path(path, "requirements"), skill_slug)
        if isinstance(proficiency, bool) or proficiency not in (1, 2, 3, 4):
            check.add(where, _("proficiency must be 1, 2, 3 or 4, not %(v)r") % {"v": proficiency})
            continue
        needed.setdefault(skill_slug, []).append(where)
        requirements[skill_slug] = proficiency
    return _LevelRow(
        slug=check.slug(raw, "slug", path),
        name=check.text(raw, "name", path, 200, required=True),
        rank=_whole(check, raw, "rank", path, 1) or 0,
        summary=check.text(raw, "summary", path, 0, required=False),
        responsibilities=check.text(raw, "responsibilities", path, 0, required=False),
        years_min=years_min or 0,
        years_max=years_max,
        requirements=requirements,
    )


def _check_stored_ranks(check: Checker, tracks: list[_TrackRow], paths: dict[str, str]) -> None:
    """A level kept in the database but not in the file must not hold a rank the file uses."""
    by_track = {t.slug: {lv.slug for lv in t.levels} for t in tracks}
    ranks = {t.slug: {lv.rank for lv in t.levels} for t in tracks}
    stored = Level.objects.filter(track__slug__in=by_track).select_related("track")
    for level in stored:
        track_slug = level.track.slug
        if level.slug not in by_track[track_slug] and level.rank in ranks[track_slug]:
            check.add(
                paths.get(track_slug, "tracks"),
                _("rank %(rank)d is taken by the level “%(level)s”, which is in the database "
                  "but not in this file")
                % {"rank": level.rank, "level": level.key},
            )  # fmt: skip


def _validate_transitions(check: Checker, data: dict, keys_in_file: set[str]) -> list:
    rows = check.items(data, "transitions", "")
    wanted = set()
    for raw in rows:
        if isinstance(raw, dict):
            wanted |= {raw.get("from"), raw.get("to")}
    stored = {
        level.key
        for level in Level.objects.select_related("track").filter(
            track__slug__in={k.split("/")[0] for k in wanted if isinstance(k, str) and "/" in k}
        )
    }
    transitions: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(rows):
        path = join_path("transitions", i)
        if not check.keys(raw, path, TRANSITION_KEYS, ("from", "to")):
            continue
        ends = []
        for key in ("from", "to"):
            value = raw.get(key)
            if not isinstance(value, str) or value not in keys_in_file | stored:
                check.add(
                    join_path(path, key),
                    _("“%(value)s” is not a known level (write it as track/level)")
                    % {"value": value},
                )
            ends.append(value)
        note = check.text(raw, "note", path, 300, required=False)
        if ends[0] == ends[1]:
            check.add(path, _("a level cannot lead to itself"))
        elif (ends[0], ends[1]) in seen:
            check.add(path, _("this transition is listed twice"))
        else:
            seen.add((ends[0], ends[1]))
            transitions.append((ends[0], ends[1], note))
    return transitions


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


def _write(valid: ValidTracks) -> int:
    changes = 0
    skill_ids = dict(
        Skill.objects.filter(
            slug__in={s for t in valid.tracks for lv in t.levels for s in lv.requirements}
        ).values_list("slug", "pk")
    )
    levels_by_key: dict[str, Level] = {}
    for row in valid.tracks:
        track, created = Track.objects.get_or_create(
            slug=row.slug,
            defaults={
                "name": row.name,
                "kind": row.kind,
                "position": row.position,
                "summary": row.summary,
            },
        )
        changes += created
        if not created:
            changed = _assign(
                track, name=row.name, kind=row.kind, position=row.position, summary=row.summary
            )
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


def _write_levels(track: Track, row: _TrackRow, levels_by_key: dict[str, Level]) -> int:
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


def _write_requirements(level: Level, row: _LevelRow, skill_ids: dict[str, int]) -> int:
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


def _write_transitions(valid: ValidTracks, levels_by_key: dict[str, Level]) -> int:
    """The file's levels get exactly the file's outgoing transitions."""
    in_file = {level.pk for level in levels_by_key.values()}
    others = {k for t in valid.transitions for k in t[:2]} - set(levels_by_key)
    for level in Level.objects.select_related("track").filter(
        track__slug__in={k.split("/")[0] for k in others}
    ):
        levels_by_key.setdefault(level.key, level)
    wanted = {(levels_by_key[a].pk, levels_by_key[b].pk): note for a, b, note in valid.transitions}
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
