#!/usr/bin/env python
"""Time (and with --profile, profile) a cold render of the signed-in Backend roadmap.

    .venv/bin/python bench/roadmap_render.py [--profile] [--requests 30]

In-process, as issue 14 measures it: Django's test client, a fresh SQLite database
(a temporary file) with `load_demo`'s content, a person signed in who tracked a
quarter of the skills, page and user caching off, one warm-up request. Prints the
HTML size and the time a request: CPU time (best of five batches: the steadiest figure
on a shared machine) and wall clock; with --profile, pyinstrument's tree.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/roadmaps/backend/")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--save", metavar="FILE", help="write the page's HTML to FILE")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="roadmap-render-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/db.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "careerpath.settings_test"
    os.environ.pop("CACHE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    settings.PAGE_CACHE = False
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_demo", verbosity=0)

    from skills.models import Roadmap
    from tracking.models import SkillProgress

    user = get_user_model().objects.create_user("bench", "bench@example.com", "x")
    roadmap = Roadmap.objects.get(slug="backend")
    skills = [p.skill for s in roadmap.sections.all() for p in s.placements.all()]
    for i, skill in enumerate(skills[::4]):
        status = ("done", "learning", "skipped")[i % 3]
        SkillProgress.objects.record(user, skill, {"status": status, "proficiency": i % 5})

    client = Client()
    client.force_login(user)
    first = client.get(args.path)
    assert first.status_code == 200, first.status_code
    print(f"{args.path}: {len(first.content) / 1000:.1f} KB of HTML, {len(skills)} skills")
    if args.save:
        Path(args.save).write_bytes(first.content)

    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    # Five batches: the best batch's CPU time is the steadiest figure on a shared machine.
    batch = max(1, args.requests // 5)
    walls, cpus = [], []
    for _ in range(5):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(batch):
            client.get(args.path)
        walls.append((time.perf_counter() - start) / batch)
        cpus.append((time.process_time() - cpu) / batch)
    if profiler is not None:
        profiler.stop()
    print(
        f"{min(cpus) * 1000:.1f} ms of CPU a request (best of 5 batches of {batch}), "
        f"{sum(walls) / 5 * 1000:.1f} ms wall clock (mean)"
    )
    if profiler is not None:
        print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
