"""Copying a track ("fork"): staff start their own ladder from ours or an imported one.

The copy has every level with its requirements, requirement groups and competencies, and
the track's themes; it remembers where it came from (`forked_from`) and keeps the
source and licence (a copy of an imported framework is still under its licence). It is
unpublished until staff publish it. Transitions are not copied: they are moves between
particular ladders, to be drawn again for the new one. A constant number of queries.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from careers.models import Competency, Level, LevelRequirement, RequirementGroup, Theme, Track
from core.schemas import SLUG_MAX_LENGTH
from core.versions import CONTENT, bump


def copy_slug(slug: str, taken: set[str]) -> str:
    """`<slug>-copy`, or `<slug>-copy-2`, … : the first one not taken."""
    base = f"{slug[: SLUG_MAX_LENGTH - 8]}-copy"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@transaction.atomic
@translation.override(settings.LANGUAGE_CODE)  # names are copied in English
def copy_track(track: Track) -> Track:
    """A new, unpublished track with everything `track` expects."""
    taken = set(Track.objects.filter(slug__startswith=track.slug).values_list("slug", flat=True))
    copy = Track.objects.create(
        slug=copy_slug(track.slug, taken),
        name=_copy_name(track.name),
        kind=track.kind,
        summary=track.summary,
        position=track.position,
        published=False,
        source_name=track.source_name,
        source_url=track.source_url,
        licence=track.licence,
        source_version=track.source_version,
        forked_from=track,
    )
    themes = list(track.themes.all())
    new_themes = Theme.objects.bulk_create(
        [
            Theme(
                track=copy,
                slug=t.slug,
                name=t.name,
                summary=t.summary,
                position=t.position,
                external_id=t.external_id,
            )
            for t in themes
        ]
    )
    theme_ids = {old.pk: new.pk for old, new in zip(themes, new_themes, strict=True)}
    levels = list(track.levels.order_by("rank"))
    new_levels = Level.objects.bulk_create(
        [
            Level(
                track=copy,
                slug=lv.slug,
                name=lv.name,
                rank=lv.rank,
                summary=lv.summary,
                responsibilities=lv.responsibilities,
                years_min=lv.years_min,
                years_max=lv.years_max,
                changes=lv.changes,
                external_id=lv.external_id,
            )
            for lv in levels
        ]
    )
    level_ids = {old.pk: new.pk for old, new in zip(levels, new_levels, strict=True)}
    LevelRequirement.objects.bulk_create(
        LevelRequirement(
            level_id=level_ids[r.level_id], skill_id=r.skill_id, proficiency=r.proficiency
        )
        for r in LevelRequirement.objects.filter(level__track=track)
    )
    Competency.objects.bulk_create(
        Competency(
            level_id=level_ids[c.level_id],
            theme_id=theme_ids[c.theme_id],
            criterion=c.criterion,
            examples=c.examples,
            proficiency=c.proficiency,
            links=c.links,
            position=c.position,
            external_id=c.external_id,
        )
        for c in Competency.objects.filter(level__track=track)
    )
    groups = list(RequirementGroup.objects.filter(level__track=track).prefetch_related("skills"))
    new_groups = RequirementGroup.objects.bulk_create(
        RequirementGroup(
            level_id=level_ids[g.level_id],
            name=g.name,
            at_least=g.at_least,
            proficiency=g.proficiency,
            position=g.position,
        )
        for g in groups
    )
    through = RequirementGroup.skills.through
    through.objects.bulk_create(
        through(requirementgroup_id=new.pk, skill_id=skill.pk)
        for old, new in zip(groups, new_groups, strict=True)
        for skill in old.skills.all()
    )
    bump(CONTENT)  # bulk writes send no signals
    return copy


def _copy_name(name: str) -> str:
    suffix = _(" (copy)")
    return name[: 200 - len(suffix)] + suffix
