"""Careerpath's own demo career tracks: `tracks.json` beside this file (careerpath.tracks/1).

Requirements name skills of the demo roadmap, so `skills.demo.load` runs first.
`load()` is run by `manage.py load_demo` and is idempotent.
"""

import json
from pathlib import Path

from careers.tracks_io import load_tracks

TRACKS_FILE = Path(__file__).resolve().parent / "tracks.json"


def load() -> str:
    """Create or update the demo tracks, levels, requirements and transitions."""
    return load_tracks(json.loads(TRACKS_FILE.read_text(encoding="utf-8")))
