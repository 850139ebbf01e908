"""Careerpath's own demo career tracks: `tracks.json` beside this file (careerpath.tracks/1).

Requirements name skills of the demo roadmap, so `skills.demo.load` runs first.
`load()` is run by `manage.py load_demo` and is idempotent.
"""

import json
from pathlib import Path

from careers.models import Level, RequirementGroup, Theme, Track
from careers.tracks_io import load_tracks
from core.content_names import read_names, write_names

DEMO_DIR = Path(__file__).resolve().parent
TRACKS_FILE = DEMO_DIR / "tracks.json"


def load() -> str:
    """Create or update the demo tracks, levels, requirements and transitions, and their
    names in every language."""
    data = json.loads(TRACKS_FILE.read_text(encoding="utf-8"))
    summary = load_tracks(data)
    translate([track["slug"] for track in data["tracks"]])
    return summary


def translate(slugs: list[str]) -> int:
    """Names of the demo tracks, levels, themes and requirement groups from
    `names/<language>.json` (groups by their English name)."""
    names = read_names(DEMO_DIR / "names")
    mine = {"track__slug__in": slugs}
    levels = Level.objects.filter(**mine).select_related("track")
    themes = Theme.objects.filter(**mine).select_related("track")
    groups = list(RequirementGroup.objects.filter(level__track__slug__in=slugs))
    by_pk = {  # a group's name is translated alike wherever it is used
        language: {
            "groups": {str(g.pk): kinds.get("groups", {}).get(g.name_en, "") for g in groups}
        }
        for language, kinds in names.items()
    }
    return (
        write_names(
            {t.slug: t for t in Track.objects.filter(slug__in=slugs)}, "name", "tracks", names
        )
        + write_names({lv.key: lv for lv in levels}, "name", "levels", names)
        + write_names({f"{t.track.slug}/{t.slug}": t for t in themes}, "name", "themes", names)
        + write_names({str(g.pk): g for g in groups}, "name", "groups", by_pk)
    )
