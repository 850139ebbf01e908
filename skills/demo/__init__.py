"""Careerpath's own demo roadmaps: the JSON files beside this file (careerpath.roadmap/1).

They are imported in `ROADMAP_FILES` order: a file's prerequisites may name skills of an
earlier file, and a skill listed in several files (one skill, shared by slug) has the same
entry in each. The text is written by the project (not copied from elsewhere); links point
to official documentation. `load()` is run by `manage.py load_demo` and is idempotent.
"""

from pathlib import Path

from skills.roadmap_io import import_roadmap, loads

DEMO_DIR = Path(__file__).resolve().parent
ROADMAP_FILES = [
    "backend.json",
    "frontend.json",
    "devops.json",
    "cloud-architect.json",
    "dba.json",
    "engineering-manager.json",
]


def load() -> str:
    """Create or update the demo roadmaps; a one-line summary."""
    return " ".join(
        import_roadmap(loads((DEMO_DIR / name).read_bytes())).summary() for name in ROADMAP_FILES
    )
