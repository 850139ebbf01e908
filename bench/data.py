"""Benchmark-sized data, and a session for the benchmark's signed-in person.

Benchmark-only, so no command of the production apps: bench/run.py imports this once
Django is set up on its throw-away database (migrated, with load_demo's content).
10,000 people with realistic progress, 300 skills, 10 tracks and 1,000,000 salary points
by default; the salary points go through `import_salaries`, the real import path.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import Profile, Visibility
from careers.models import Level, LevelRequirement, Track, TrackKind
from skills.models import Prerequisite, Roadmap, Section, Skill, SkillKind, SkillPlacement
from tracking.models import ProgressEvent, SkillProgress, Status

BENCH_PASSWORD = "bench-password-123"  # throw-away benchmark accounts
BENCH_PERSON = "bench-person-1"  # the signed-in person of every benchmark
BATCH = 10_000


def session_cookie() -> str:
    """A new signed-in session for the benchmark person, as a Cookie header's value."""
    user = get_user_model().objects.get(username=BENCH_PERSON)
    session: SessionBase = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def generate(
    people: int = 10_000,
    skills: int = 300,
    tracks: int = 10,
    salary_points: int = 1_000_000,
    seed: int = 2026,
    out: TextIO = sys.stdout,
) -> None:
    """Add the benchmark data; one line of progress per kind of data goes to `out`."""
    if get_user_model().objects.filter(username__startswith="bench-person-").exists():
        raise RuntimeError("This database already has benchmark data.")
    generator = Generator(out, random.Random(seed))
    with transaction.atomic():
        all_skills = generator.skills(skills)
        generator.tracks(tracks, all_skills)
        generator.people(people, all_skills)
    generator.salaries(salary_points)


class Generator:
    def __init__(self, out: TextIO, rng: random.Random) -> None:
        self.stdout = out
        self.rng = rng

    def skills(self, total: int) -> list[Skill]:
        roadmap = Roadmap.objects.get(slug="backend")
        existing = Skill.objects.count()
        missing = max(0, total - existing)
        position = roadmap.sections.count()
        created: list[Skill] = Skill.objects.bulk_create(
            Skill(
                slug=f"bench-skill-{n}",
                name=f"Benchmark skill {n}",
                description=f"Generated skill number {n}, for benchmarks.",
            )
            for n in range(missing)
        )
        for start in range(0, len(created), 30):
            position += 1
            section = Section.objects.create(
                roadmap=roadmap,
                slug=f"bench-section-{position}",
                title=f"Benchmark section {position}",
                position=position,
            )
            chunk = created[start : start + 30]
            SkillPlacement.objects.bulk_create(
                SkillPlacement(
                    section=section,
                    skill=skill,
                    position=i + 1,
                    kind=SkillKind.CORE if i % 3 else SkillKind.OPTIONAL,
                )
                for i, skill in enumerate(chunk)
            )
            Prerequisite.objects.bulk_create(
                Prerequisite(skill=chunk[i], requires=chunk[i - 1]) for i in range(1, len(chunk), 2)
            )
        all_skills = list(Skill.objects.order_by("pk"))
        self.stdout.write(f"  skills: {len(all_skills)} ({missing} generated)")
        return all_skills

    def tracks(self, total: int, all_skills: list[Skill]) -> None:
        rng = self.rng
        missing = max(0, total - Track.objects.count())
        for n in range(missing):
            track = Track.objects.create(
                slug=f"bench-track-{n}",
                name=f"Benchmark track {n}",
                kind=TrackKind.SPECIALISATION,
                position=100 + n,
            )
            chosen = rng.sample(all_skills, 60)
            for rank in range(1, 6):
                level = Level.objects.create(
                    track=track,
                    slug=f"level-{rank}",
                    name=f"Level {rank}",
                    rank=rank,
                    years_min=rank * 2,
                    years_max=rank * 2 + 2,
                )
                LevelRequirement.objects.bulk_create(
                    LevelRequirement(level=level, skill=skill, proficiency=min(4, 1 + rank // 2))
                    for skill in chosen[: 20 + rank * 8]
                )
        self.stdout.write(f"  tracks: {Track.objects.count()} ({missing} generated)")

    def people(self, total: int, all_skills: list[Skill]) -> None:
        rng = self.rng
        User = get_user_model()
        password = make_password(BENCH_PASSWORD)
        users = User.objects.bulk_create(
            User(
                username=f"bench-person-{n}",
                email=f"bench-person-{n}@example.com",
                password=password,
            )
            for n in range(1, total + 1)
        )
        backend_levels = list(Level.objects.filter(track__slug="backend").order_by("rank"))
        countries = ["US", "DE", "GB", "FR", "NL", "PL", "ES", "CA", "IN", "BR"]
        profiles = []
        for user in users:
            at = rng.randrange(len(backend_levels) - 1)
            profiles.append(
                Profile(
                    user=user,
                    handle=user.username,
                    track=backend_levels[0].track,
                    current_level=backend_levels[at],
                    target_level=backend_levels[at + 1],
                    country=rng.choice(countries),
                    years_experience=rng.randint(0, 25),
                    visibility=Visibility.PUBLIC if rng.random() < 0.2 else Visibility.PRIVATE,
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=BATCH)

        now = timezone.now()
        statuses = [Status.DONE, Status.DONE, Status.LEARNING, Status.NOT_STARTED, Status.SKIPPED]
        progress: list[SkillProgress] = []
        events: list[ProgressEvent] = []
        rows = 0
        for user in users:
            # bench-person-1 is the benchmark's signed-in person: every skill tracked.
            count = len(all_skills) if user.username == BENCH_PERSON else rng.randint(10, 200)
            for skill in rng.sample(all_skills, count):
                status = rng.choice(statuses)
                level = rng.randint(2, 4) if status == Status.DONE else rng.randint(0, 2)
                when = now - timezone.timedelta(days=rng.randint(0, 365))
                progress.append(
                    SkillProgress(
                        user=user, skill=skill, status=status, proficiency=level, created_at=when
                    )
                )
                if (status, level) == (Status.NOT_STARTED, 0):
                    continue  # no change from the default: no event (event_changes_something)
                events.append(
                    ProgressEvent(
                        user=user,
                        skill=skill,
                        created_at=when,
                        from_status=Status.NOT_STARTED,
                        to_status=status,
                        from_proficiency=0,
                        to_proficiency=level,
                    )
                )
            if len(progress) >= BATCH:
                rows += self.flush(progress, events)
        rows += self.flush(progress, events)
        self.stdout.write(f"  people: {total:,} with {rows:,} progress rows and their events")

    @staticmethod
    def flush(progress: list, events: list) -> int:
        SkillProgress.objects.bulk_create(progress)
        ProgressEvent.objects.bulk_create(events)
        written = len(progress)
        progress.clear()
        events.clear()
        return written

    def salaries(self, total: int) -> None:
        rng = self.rng
        if total <= 0:
            return
        levels = list(Level.objects.filter(track__kind=TrackKind.IC).select_related("track"))
        countries = ["US", "DE", "GB", "FR", "NL", "PL", "ES", "CA", "IN", "BR"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench-salaries.csv"
            with path.open("w") as out:
                out.write("role,level,country,currency,amount,year\n")
                for _ in range(total):
                    level = rng.choice(levels)
                    amount = round(rng.lognormvariate(11.0 + level.rank * 0.15, 0.35), 2)
                    out.write(
                        f"{level.track.slug},{level.slug},{rng.choice(countries)},USD,"
                        f"{amount},{rng.randint(2020, 2025)}\n"
                    )
            call_command(
                "import_salaries", str(path), "--source", "Benchmark data", stdout=self.stdout
            )
        self.stdout.write(f"  salary points: {total:,} imported")
