"""The roadmaps index: every roadmap a person may see, what it holds, the tracks it
serves and, signed in, their completion of it. Three queries however many roadmaps,
sections, skills and tracks
(five with the tracks each roadmap serves and their names).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from careers.models import LevelRequirement, RequirementGroup, Track
from skills.models import Roadmap
from tracking.models import roadmaps_with_progress
from tracking.pages import Tally

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True, slots=True)
class ServedTrack:
    """A track whose levels ask for skills of a roadmap."""

    slug: str
    name: str
    position: int

    @property
    def url(self) -> str:
        return reverse("careers:track_detail", args=[self.slug])


def roadmap_index(user: AbstractBaseUser | AnonymousUser) -> list[Roadmap]:
    """The roadmaps `user` may see (staff: drafts too), in order, each annotated with
    `section_count`, `skill_count`, `effort_hours` and `estimated_count` (skills with an
    estimate), with `tracks` (ServedTrack, in the tracks' order) and, signed in,
    `progress` (a tracking.pages.Tally: the roadmap page's figures)."""
    roadmaps = Roadmap.objects.visible_to(user).with_counts()
    if user.is_authenticated:
        roadmaps = roadmaps_with_progress(roadmaps, user)
    found = list(roadmaps)
    served = tracks_serving([roadmap.pk for roadmap in found])
    for roadmap in found:
        roadmap.tracks = served.get(roadmap.pk, [])
        if user.is_authenticated:
            roadmap.progress = Tally(
                name=roadmap.title,
                progress_total=roadmap.progress_total,
                progress_done=roadmap.progress_done,
                progress_learning=roadmap.progress_learning,
                progress_skipped=roadmap.progress_skipped,
            )
    return found


def tracks_serving(roadmap_ids: list[int]) -> dict[int, list[ServedTrack]]:
    """{roadmap id: the published tracks with a level that requires one of its skills,
    alone or in a requirement group}, in three queries: which tracks serve which roadmap
    (directly and through groups), then their names in the reader's language."""
    if not roadmap_ids:
        return {}
    # Each query reuses its filter's joins: the roadmap of the very placement matched.
    # Two queries, not a union: Django may list a union's columns in another order in
    # each half (a group's own foreign key before what its many-to-many reaches).
    required = LevelRequirement.objects.filter(
        skill__placements__section__roadmap__in=roadmap_ids, level__track__published=True
    ).values_list("level__track", "skill__placements__section__roadmap")
    in_groups = RequirementGroup.objects.filter(
        skills__placements__section__roadmap__in=roadmap_ids, level__track__published=True
    ).values_list("level__track", "skills__placements__section__roadmap")
    pairs = {*required.order_by().distinct(), *in_groups.order_by().distinct()}
    tracks = {
        track.pk: ServedTrack(track.slug, track.name, track.position)
        for track in Track.objects.filter(pk__in={track for track, _r in pairs}).only(
            "slug", "name", "position"
        )
    }
    served: dict[int, list[ServedTrack]] = {}
    for track_id, roadmap_id in pairs:
        served.setdefault(roadmap_id, []).append(tracks[track_id])
    return {
        roadmap_id: sorted(tracks, key=lambda t: (t.position, t.name))
        for roadmap_id, tracks in served.items()
    }
