"""Careerpath's own demo roadmaps: the files in `ROADMAP_FILES` beside this file
(careerpath.roadmap/1), loaded in that order: backend first, whose skills the others share.

The text is written by the project (not copied from elsewhere); links point to official
documentation. `load()` is run by `manage.py load_demo` and is idempotent.
"""

from pathlib import Path

from skills.roadmap_io import import_roadmap, loads

DEMO_DIR = Path(__file__).resolve().parent
ROADMAP_FILES = ["backend.json", "frontend.json", "dba.json", "engineering-manager.json"]


def load() -> str:
    """Create or update the demo roadmaps; a one-line summary."""
    return " ".join(
        import_roadmap(loads((DEMO_DIR / name).read_bytes())).summary() for name in ROADMAP_FILES
    )
