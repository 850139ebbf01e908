#!/usr/bin/env python
"""Careerpath benchmarks: figures as ratios against the limit, measured in one run.

Absolute times on a shared 2-core machine are noisy, so each figure is compared with its
limit measured in the same run on the same machine:
- pages: wrk throughput behind gunicorn (2 workers), as a ratio to /healthz;
- queries: SQL queries per page on the full data set;
- statistics: salary_stats() over all points against the very SQL it runs, raw in psql;
- import: import_salaries against `psql \\copy` of the same rows, with peak memory.
Prints every figure against its target; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/careerpath_bench"
DEFAULT_CACHE = "redis://127.0.0.1:6379/3"
RESULTS: list[tuple[str, str, str, str]] = []  # (figure, value, target, verdict)


def say(message: str) -> None:
    print(message, flush=True)


def record(figure: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "n/a" if ok is None else ("meets" if ok else "MISSES")
    RESULTS.append((figure, value, target, verdict))
    say(f"  {figure}: {value} (target {target}: {verdict})")


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="careerpath.settings",
        DATABASE_URL=args.database_url,
        CACHE_URL=args.cache_url,
        DEBUG="0",
        SECRET_KEY="benchmark-secret-key-" + "b" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        API_RATE_LIMIT="0",
    )
    return env


def manage(env: dict[str, str], *argv: str, timed: bool = False) -> tuple[float, int, str]:
    """Run manage.py; return (seconds, peak RSS in KiB or 0, output)."""
    command = [sys.executable, "manage.py", *argv]
    if timed and Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-v", *command]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    return seconds, int(peak.group(1)) if peak else 0, result.stdout


def psql_url(database_url: str) -> str:
    return database_url.replace("postgres://", "postgresql://", 1)


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> bool:
    """Migrate the benchmark database, made afresh unless --reuse; True when it is new
    (then `generate_data` fills it)."""
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    admin = psql_url(args.database_url.rsplit("/", 1)[0] + "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and args.reuse:
            say(f"== reusing database {name} (migrated to the current code)")
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "collectstatic", "--noinput", "-v", "0")
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"== building database {name}")
    manage(env, "migrate", "--noinput", "-v", "0")
    seconds, _, _ = manage(env, "load_demo")
    say(f"  load_demo: {seconds:.1f} s")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    return True


def generate_data(args: argparse.Namespace) -> None:
    """Fill the new database (bench/data.py), in this process once Django is set up."""
    from bench import data

    start = time.perf_counter()
    data.generate(people=args.people, salary_points=args.salary_points)
    say(f"  bench data: {time.perf_counter() - start:.1f} s")


# -- pages -------------------------------------------------------------------------


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "careerpath.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


BROWSER_ENCODINGS = "gzip, deflate, br"  # what browsers send (over plain HTTP)
CONNECTIONS = 16
TRACK_AND_VIEW = Path(__file__).with_name("track_and_view.lua")


def wrk(
    url: str,
    seconds: int,
    headers: list[str] = (),
    encodings: str = BROWSER_ENCODINGS,
    script: Path | None = None,
    script_env: dict[str, str] | None = None,
    connections: int = CONNECTIONS,
) -> tuple[float, int]:
    """Requests a second and failures (non-2xx/3xx responses, socket errors, time-outs)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for header in [*headers, f"Accept-Encoding: {encodings}" if encodings else ""]:
        if header:
            command[1:1] = ["-H", header]
    if script:
        command[1:1] = ["-s", str(script)]
    env = {**os.environ, **(script_env or {})}
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures = int(bad.group(1)) if bad else 0
    if errors:
        failures += sum(int(n) for n in errors.groups())
    return rps, failures


def tracked_row() -> tuple[str, str]:
    """The benchmark person's tracking POST for the first skill of the Backend roadmap, as
    htmx sends it from the roadmap page: its path and the row's own extra field."""
    from skills.models import SkillPlacement

    placement = (
        SkillPlacement.objects.filter(section__roadmap__slug="backend")
        .select_related("skill")
        .order_by("section__position", "position")
        .first()
    )
    return "/roadmaps/backend/track/", f"&skill={placement.skill.slug}"


def bench_pages(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Each page against /healthz in the same run, for each cache configuration: the
    embedded default (no CACHE_URL: each process keeps its own cache) and Redis."""
    if not shutil.which("wrk"):
        record("pages", "wrk is not installed (apt-get install wrk)", "see docs", None)
        return
    from bench.data import session_cookie

    csrf = secrets.token_hex(16)  # a CSRF secret: the cookie, and the header htmx sends
    cookie = f"Cookie: {session_cookie()}; csrftoken={csrf}"
    track_path, track_body = tracked_row()
    for name in args.caches.split(","):
        config = dict(env)
        if name == "default":
            config.pop("CACHE_URL", None)
        say(f"== pages with the {name} cache: wrk -c{CONNECTIONS} behind gunicorn (2 workers)")
        port = 18731
        server = start_gunicorn(config, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for label, path, signed_in, target in PAGES:
                headers = [cookie] if signed_in else []
                mix = (
                    {
                        "TRACK_PATH": track_path,
                        "VIEW_PATH": path,
                        "CSRF_TOKEN": csrf,
                        "TRACK_BODY": track_body,
                    }
                    if label == "track-and-view"
                    else None
                )
                script = TRACK_AND_VIEW if mix else None
                # Warm up: each worker process fills its own cache (the default) at its pace.
                wrk(base + path, 3, headers, script=script, script_env=mix, connections=2)
                # Other work on a shared machine moves both figures: alternate /healthz and
                # the page in short rounds and take the median of the rounds' ratios.
                ratios, pages, limits, failed = [], [], [], 0
                for _ in range(args.rounds):
                    limit, _ = wrk(base + "/healthz", args.wrk_seconds)
                    rps, failures = wrk(
                        base + path, args.wrk_seconds, headers, script=script, script_env=mix
                    )
                    ratios.append(rps / limit if limit else 0.0)
                    pages.append(rps)
                    limits.append(limit)
                    failed += failures
                ratio = statistics.median(ratios)
                goal = target[name]
                record(
                    f"[{name}] {label}",
                    f"{statistics.median(pages):,.0f} req/s, {ratio:.2f} × /healthz "
                    f"({statistics.median(limits):,.0f} req/s; rounds {min(ratios):.2f}–"
                    f"{max(ratios):.2f}), {failed} failed",
                    f"≥ {goal:.2f}, none failed",
                    ratio >= goal and failed == 0,
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


# (label, path, signed in, {cache configuration: target ratio to /healthz}): issue 14's
# targets; "track-and-view" alternates a tracking POST (as htmx sends it) and a GET of the
# roadmap, so every view follows a change (bench/track_and_view.lua).
PAGES = [
    ("signed-in roadmap", "/roadmaps/backend/", True, {"default": 0.25, "redis": 0.6}),
    ("dashboard", "/dashboard/", True, {"default": 0.35, "redis": 0.6}),
    ("salaries", "/salaries/?track=backend", False, {"default": 0.35, "redis": 0.6}),
    ("anonymous roadmap", "/roadmaps/backend/", False, {"default": 0.35, "redis": 0.6}),
    ("level page", "/careers/backend/senior/", False, {"default": 0.35, "redis": 0.6}),
    ("track-and-view", "/roadmaps/backend/", True, {"default": 0.3, "redis": 0.3}),
]


# -- queries and statistics (in this process, against the benchmark database) --------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def bench_queries() -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    say("== queries per page on the full data set (cold cache)")
    from bench.data import BENCH_PERSON

    person = get_user_model().objects.filter(username=BENCH_PERSON).first()
    for path, signed_in in dict.fromkeys((path, signed_in) for _, path, signed_in, _ in PAGES):
        client = Client()
        if signed_in and person:
            client.force_login(person)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        who = " (signed in)" if signed_in else ""
        record(
            f"queries {path}{who}",
            f"{len(queries)} with the cache cold, {len(warm)} warm (HTTP {response.status_code})",
            "≤ 15",
            len(queries) <= 15 and response.status_code == 200,
        )


def psql_time(database_url: str, sql: str, repeat: int) -> float:
    """Median milliseconds psql reports for the SQL run raw, `repeat` times."""
    script = "\\timing on\n" + "".join(f"{sql};\n" for _ in range(repeat))
    out = subprocess.run(
        ["psql", "-X", "-q", "-d", psql_url(database_url), "-o", "/dev/null"],
        input=script,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    times = [float(t) for t in re.findall(r"Time: ([\d.]+) ms", out)]
    return statistics.median(times)


def bench_stats(args: argparse.Namespace) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from careers.models import Track
    from salaries.stats import salary_stats

    say("== salary statistics for a track over all points, against the same SQL raw in psql")
    track = Track.objects.get(slug="backend")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        result = salary_stats(track=track)
    heaviest = max(queries.captured_queries, key=lambda q: float(q["time"]))["sql"]
    timings = []
    for _ in range(args.repeat):
        cache.clear()
        start = time.perf_counter()
        salary_stats(track=track)
        timings.append((time.perf_counter() - start) * 1000)
    ours = statistics.median(timings)
    raw = psql_time(args.database_url, heaviest, args.repeat)
    record(
        "statistics, cold cache",
        f"{ours:.1f} ms vs raw {raw:.1f} ms = {ours / raw:.2f}× over {result.count:,} points "
        f"({len(queries)} queries)",
        "≤ 1.5×",
        ours / raw <= 1.5,
    )
    with CaptureQueriesContext(connection) as warm:
        salary_stats(track=track)
    record("statistics, warm cache", f"{len(warm)} queries", "0 queries", len(warm) == 0)


# -- import ---------------------------------------------------------------------------


def write_csv(path: Path, rows: int) -> None:
    import random

    rng = random.Random(rows)
    levels = ["junior", "middle", "middle-plus", "senior", "lead", "principal"]
    countries = ["US", "DE", "GB", "FR", "NL", "PL", "ES", "CA", "IN", "BR"]
    with path.open("w") as out:
        out.write("role,level,country,currency,amount,year\n")
        for _ in range(rows):
            level = rng.randrange(len(levels))
            amount = round(rng.lognormvariate(11.0 + level * 0.18, 0.3), 2)
            country = rng.choice(countries)
            out.write(f"backend,{levels[level]},{country},USD,{amount},{rng.randint(2020, 2025)}\n")


def psql_copy(url: str, command: str) -> float:
    start = time.perf_counter()
    subprocess.run(["psql", "-X", "-q", "-d", url, "-c", command], check=True)
    return time.perf_counter() - start


def bench_import(args: argparse.Namespace, env: dict[str, str]) -> None:
    import psycopg

    from salaries.models import ImportBatch

    say("== import: import_salaries against psql \\copy of the same rows; peak memory")
    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    url = psql_url(args.database_url)
    table = "salaries_salarydatapoint"
    columns = (
        "source_id, batch_id, track_id, level_id, title, country, city, currency, amount,"
        " year, statistic, sample_size, employment_type, remote, source_url, status, outlier"
    )
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"bench-{rows}.csv"
            resolved = Path(tmp) / f"bench-{rows}-resolved.tsv"
            write_csv(path, rows)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("DROP TABLE IF EXISTS bench_copy")
                conn.execute(
                    "CREATE TABLE bench_copy (role text, level text, country text,"
                    " currency text, amount numeric(12,2), year int)"
                )
            # The bare limit: the CSV as it is into a table with no index or constraint.
            bare = psql_copy(url, f"\\copy bench_copy FROM '{path}' CSV HEADER")
            source = f"Benchmark {rows}"
            seconds, peak, _ = manage(
                env, "import_salaries", str(path), "--source", source, timed=True
            )
            peaks.append(peak)
            # The table's limit: the same rows, resolved, into the real table with its
            # indexes and foreign keys (what any import must pay in PostgreSQL).
            batch = ImportBatch.objects.filter(source__name=source).latest("pk").pk
            psql_copy(
                url,
                f"\\copy (SELECT {columns} FROM {table} WHERE batch_id = {batch}) TO '{resolved}'",
            )
            manage(env, "rollback_salary_import", "--source", source)
            same_table = psql_copy(url, f"\\copy {table} ({columns}) FROM '{resolved}'")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DELETE FROM {table} WHERE batch_id = %s", [batch])
                conn.execute("DROP TABLE bench_copy")
            record(
                f"import {rows:,} rows",
                f"{seconds:.2f} s vs psql \\copy {bare:.2f} s = {seconds / bare:.2f}×",
                "≤ 2× raw",
                seconds / bare <= 2,
            )
            record(
                f"import {rows:,} rows, same table",
                f"{seconds:.2f} s vs psql \\copy of the resolved rows into {table} "
                f"{same_table:.2f} s = {seconds / same_table:.2f}×",
                "≤ 2× raw",
                seconds / same_table <= 2,
            )
            record(f"import {rows:,} rows, peak memory", f"{peak / 1024:.0f} MiB", "flat", None)
    growth = max(peaks) / min(peaks) if min(peaks) else 0
    record(
        f"import peak memory {sizes[0]:,} → {sizes[-1]:,} rows",
        f"{min(peaks) / 1024:.0f} → {max(peaks) / 1024:.0f} MiB ({growth:.2f}×)",
        "flat (≤ 1.2×)",
        growth <= 1.2,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE))
    parser.add_argument("--quick", action="store_true", help="small data and short runs")
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--only", default="pages,queries,stats,import")
    parser.add_argument("--caches", default="default,redis", help="page runs: default,redis")
    args = parser.parse_args()
    args.people = 200 if args.quick else 10_000
    args.salary_points = 20_000 if args.quick else 1_000_000
    args.wrk_seconds = 2 if args.quick else 5
    args.rounds = 1 if args.quick else 3
    args.repeat = 5 if args.quick else 15
    only = set(args.only.split(","))

    env = bench_env(args)
    say("== load average at the start: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))
    built = prepare_database(args, env)
    setup_django(env)
    if built:
        generate_data(args)
    if "queries" in only:
        bench_queries()
    if "stats" in only:
        bench_stats(args)
    if "pages" in only:
        bench_pages(args, env)
    if "import" in only:
        bench_import(args, env)

    say("\n== load average at the end: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))
    say("== summary (figure | value | target | verdict)")
    for row in RESULTS:
        say(" | ".join(row))


if __name__ == "__main__":
    main()
