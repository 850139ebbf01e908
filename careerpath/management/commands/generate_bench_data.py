"""Fill a database with benchmark-sized data (run after migrate and load_demo).

10,000 people with realistic progress, 300 skills, 10 tracks and 1,000,000 salary points
by default; the salary points go through `import_salaries`, the real import path.
Run it only against a throw-away database (`make bench` makes one).
"""

import random
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, Visibility
from careers.models import Level, LevelRequirement, Track, TrackKind
from skills.models import Prerequisite, Roadmap, Section, Skill, SkillKind, SkillPlacement
from tracking.models import ProgressEvent, SkillProgress, Status

BENCH_PASSWORD = "bench-password-123"  # noqa: S105  (throw-away benchmark accounts)
BATCH = 10_000


class Command(BaseCommand):
    help = "Generate benchmark data: people, progress, skills, tracks and salary points."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--skills", type=int, default=300)
        parser.add_argument("--tracks", type=int, default=10)
        parser.add_argument("--salary-points", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(
        self, *args, people: int, skills: int, tracks: int, salary_points: int, seed: int, **options
    ) -> None:
        if get_user_model().objects.filter(username__startswith="bench-person-").exists():
            raise CommandError("This database already has benchmark data.")
        rng = random.Random(seed)
        with transaction.atomic():
            all_skills = self.skills(skills)
            self.tracks(tracks, all_skills, rng)
            self.people(people, all_skills, rng)
        self.salaries(salary_points, rng)

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

    def tracks(self, total: int, all_skills: list[Skill], rng: random.Random) -> None:
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

    def people(self, total: int, all_skills: list[Skill], rng: random.Random) -> None:
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
            count = len(all_skills) if user.username == "bench-person-1" else rng.randint(10, 200)
            for skill in rng.sample(all_skills, count):
                status = rng.choice(statuses)
                level = rng.randint(2, 4) if status == Status.DONE else rng.randint(0, 2)
                when = now - timezone.timedelta(days=rng.randint(0, 365))
                progress.append(
                    SkillProgress(
                        user=user, skill=skill, status=status, proficiency=level, created_at=when
                    )
                )
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
        self.stdout.write(f"  people: {total:,} with {rows:,} progress rows and as many events")

    @staticmethod
    def flush(progress: list, events: list) -> int:
        SkillProgress.objects.bulk_create(progress)
        ProgressEvent.objects.bulk_create(events)
        written = len(progress)
        progress.clear()
        events.clear()
        return written

    def salaries(self, total: int, rng: random.Random) -> None:
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
