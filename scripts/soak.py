#!/usr/bin/env python3
"""Soak test: `make soak` (SOAK_ARGS="--duration 60 --concurrency 8").

Starts the app as in production (docker/entrypoint.sh: migrate, demo content,
collectstatic, gunicorn with 2 workers) on a fresh database — PostgreSQL on
127.0.0.1:5432 when it answers, else SQLite — and drives a mixed load from several
threads on loopback for --duration seconds:

- reads: the public pages that exist (home, roadmaps, careers, salaries) and /healthz;
- writes: `PUT /api/v1/me/progress/<skill>` with a personal API token, one person per
  thread. Active once the API serves that endpoint (its OpenAPI schema lists it).

Then it checks nothing was lost: every acknowledged write's last value per person and
skill is what `GET /api/v1/me/progress` answers afterwards. It prints the figures and
exits 1 on any failed request or lost write. Figures go to docs/reliability.md.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
POSTGRES = "postgres://postgres@127.0.0.1:5432"
READ_PAGES = [
    "/",
    "/roadmaps/",
    "/roadmaps/backend/",
    "/careers/",
    "/careers/backend/",
    "/careers/backend/senior/",
    "/salaries/",
    "/salaries/?track=backend&level=senior",
    "/api/v1/roadmaps/backend/",
    "/api/v1/salaries/stats?track=backend",
]
STATUSES = ["not_started", "learning", "done", "skipped"]
WRITE_SHARE = 0.3  # of requests, when writes are active


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- set-up, run in a child process with the soak database's settings -----------------


def setup_people(count: int) -> None:
    """Create `count` people, a token each when the API app can make one; print JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.apps import apps
    from django.contrib.auth import get_user_model

    people, reason = [], None
    for n in range(count):
        user = get_user_model().objects.create_user(
            f"soak{n}", f"soak{n}@example.com", secrets.token_urlsafe(16)
        )
        person = {"username": user.username, "token": None}
        if apps.is_installed("api"):
            try:
                from api.models import ApiToken

                person["token"] = ApiToken.objects.create_for(user, "soak")[1]
            except (ImportError, AttributeError, TypeError) as exc:
                reason = f"cannot create an API token: {exc}"
        else:
            reason = "the api app is not installed"
        people.append(person)
    skills = []
    if apps.is_installed("skills"):
        skills = list(apps.get_model("skills", "Skill").objects.values_list("slug", flat=True))
    print(json.dumps({"people": people, "skills": skills, "reason": reason}))


# --- the load -------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    # (username, skill) -> the last value the server acknowledged
    acknowledged: dict[tuple[str, str], dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One keep-alive connection per thread, reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed meanwhile: send it again on a
                # new one (reads and PUTs are both safe to repeat).
                self.connection.close()
                if attempt == 2:
                    raise
            except Exception:
                self.connection.close()  # a fresh state for the next request
                raise
        raise AssertionError("unreachable")


def worker(
    port: int,
    deadline: float,
    reads: list[str],
    person: dict | None,
    skills: list[str],
    tally: Tally,
    seed: int,
) -> None:
    rng = random.Random(seed)
    client = Client(port)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        write = person is not None and skills and rng.random() < WRITE_SHARE
        try:
            started = time.perf_counter()
            if write:
                skill = rng.choice(skills)
                chosen = rng.choice(STATUSES)
                value = {
                    "status": chosen,
                    # A skill not started is at most aware (tracking's one rule).
                    "proficiency": rng.randint(0, 1 if chosen == "not_started" else 4),
                    "notes": f"soak {person['username']} #{n}",
                }
                status, body = client.request(
                    "PUT",
                    f"/api/v1/me/progress/{urllib.parse.quote(skill)}",
                    json.dumps(value).encode(),
                    {
                        "Authorization": f"Bearer {person['token']}",
                        "Content-Type": "application/json",
                    },
                )
                kind = "write"
            else:
                path = rng.choice(reads)
                status, body = client.request("GET", path)
                kind = "read"
            elapsed = time.perf_counter() - started
        except Exception as exc:
            with tally.lock:
                tally.failures.append(f"{type(exc).__name__}: {exc}")
            continue
        with tally.lock:
            tally.latencies[kind].append(elapsed)
            tally.statuses[status] += 1
            if status != 200:
                target = f"PUT {skill}" if write else f"GET {path}"
                tally.failures.append(f"{status} on {target}: {body[:200]!r}")
            elif write:
                tally.acknowledged[(person["username"], skill)] = value


def lost_writes(port: int, people: list[dict], tally: Tally) -> list[str]:
    """Every acknowledged write's last value must be what the API answers now."""
    lost = []
    client = Client(port)
    for person in people:
        stored: dict[str, dict] = {}
        while True:  # a plain list, or pages of {"items", "count"} (limit/offset)
            status, body = client.request(
                "GET",
                f"/api/v1/me/progress?limit=100&offset={len(stored)}",
                headers={"Authorization": f"Bearer {person['token']}"},
            )
            if status != 200:
                return [f"GET /api/v1/me/progress answered {status} for {person['username']}"]
            data = json.loads(body)
            entries = data["items"] if isinstance(data, dict) else data
            stored.update((entry["skill"], entry) for entry in entries)
            if not isinstance(data, dict) or not entries or len(stored) >= data["count"]:
                break
        for (username, skill), value in tally.acknowledged.items():
            if username != person["username"]:
                continue
            entry = stored.get(skill)
            if entry is None or any(entry.get(k) != v for k, v in value.items()):
                lost.append(f"{username}/{skill}: sent {value}, stored {entry}")
    return lost


# --- orchestration --------------------------------------------------------------------


@contextlib.contextmanager
def soak_database(use_sqlite: bool, keep: bool):
    if not use_sqlite and port_open(5432):
        import psycopg

        name = f"careerpath_soak_{uuid.uuid4().hex[:8]}"
        admin = POSTGRES.replace("postgres://", "postgresql://") + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES}/{name}"
        finally:
            if not keep:
                with psycopg.connect(admin, autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="careerpath-soak-") as folder:
            yield f"sqlite:///{folder}/soak.sqlite3"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--sqlite", action="store_true", help="SQLite even if PostgreSQL runs")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--require-writes", action="store_true", help="fail without writes")
    parser.add_argument("--setup-people", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_people is not None:
        setup_people(args.setup_people)
        return 0

    with (
        soak_database(args.sqlite, args.keep) as database_url,
        tempfile.TemporaryDirectory(prefix="careerpath-soak-log-") as logs,
    ):
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DJANGO_SETTINGS_MODULE": "careerpath.settings",
            "PYTHON": PYTHON,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "soak-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "API_RATE_LIMIT": "0",  # the soak is one address making many requests
            "LOAD_DEMO": "1",
            "BIND": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(args.workers),
            "LOG_LEVEL": "WARNING",
        }
        log_path = Path(logs) / "gunicorn.log"
        print(f"Database: {database_url.split('@')[-1]}; starting gunicorn on :{port}", flush=True)
        server = subprocess.Popen(
            [str(ROOT / "docker" / "entrypoint.sh")],
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return soak(args, port, env, server, log_path)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)


def soak(args, port: int, env: dict, server: subprocess.Popen, log_path: Path) -> int:
    deadline = time.monotonic() + 120
    client = Client(port)
    while True:
        if server.poll() is not None:
            print(log_path.read_text()[-3000:], file=sys.stderr)
            print("The server did not start.", file=sys.stderr)
            return 1
        with contextlib.suppress(OSError, http.client.HTTPException):
            if client.request("GET", "/healthz")[0] == 200:
                break
        if time.monotonic() > deadline:
            print("The server did not answer /healthz in 120 s.", file=sys.stderr)
            return 1
        time.sleep(0.5)

    made = subprocess.run(
        [PYTHON, __file__, "--setup-people", str(args.concurrency)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if made.returncode != 0:
        print(made.stderr, file=sys.stderr)
        return 1
    setup = json.loads(made.stdout.strip().splitlines()[-1])

    reads = ["/healthz"]
    missing = []
    for path in READ_PAGES:
        (reads if client.request("GET", path)[0] == 200 else missing).append(path)

    people, skills = setup["people"], setup["skills"]
    writes_active = False
    status, body = client.request("GET", "/api/v1/openapi.json")
    if status == 200:
        paths = json.loads(body).get("paths", {})
        writes_active = any(
            p.startswith("/api/v1/me/progress/") and "put" in ops for p, ops in paths.items()
        )
    why_not = None
    if not writes_active:
        why_not = "PUT /api/v1/me/progress/<skill> is not served yet"
    elif not all(person["token"] for person in people):
        writes_active, why_not = False, setup["reason"] or "no API tokens"
    elif not skills:
        writes_active, why_not = False, "there are no skills to track"
    if args.require_writes and not writes_active:
        print(f"Writes are required but inactive: {why_not}.", file=sys.stderr)
        return 1

    print(f"Reads: {', '.join(reads)}", flush=True)
    if missing:
        print(f"Not served yet (left out): {', '.join(missing)}", flush=True)
    if writes_active:
        print("Writes: PUT /api/v1/me/progress/<skill>, one person per thread", flush=True)
    else:
        print(f"Writes: inactive, {why_not}", flush=True)
    print(
        f"Load: {args.concurrency} threads for {args.duration:g} s against "
        f"{args.workers} gunicorn workers...",
        flush=True,
    )

    tally = Tally()
    end = time.monotonic() + args.duration
    threads = [
        threading.Thread(
            target=worker,
            args=(port, end, reads, people[n] if writes_active else None, skills, tally, n),
        )
        for n in range(args.concurrency)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    lost = lost_writes(port, people, tally) if writes_active else []
    total = sum(tally.statuses.values())
    print(f"\nRequests: {total:,} in {elapsed:.1f} s = {total / elapsed:,.0f}/s")
    for kind, values in tally.latencies.items():
        if values:
            print(
                f"  {kind}: {len(values):,}, latency p50 {percentile(values, 0.5) * 1000:.1f} ms,"
                f" p95 {percentile(values, 0.95) * 1000:.1f} ms,"
                f" p99 {percentile(values, 0.99) * 1000:.1f} ms"
            )
    print(f"Statuses: {dict(sorted(tally.statuses.items()))}")
    print(f"Failed requests: {len(tally.failures)}")
    for failure in tally.failures[:10]:
        print(f"  {failure}")
    if writes_active:
        print(
            f"Writes acknowledged: {len(tally.latencies['write']):,} "
            f"({len(tally.acknowledged):,} person/skill pairs); lost: {len(lost)}"
        )
        for entry in lost[:10]:
            print(f"  lost {entry}")
    if server.poll() is not None:
        print("The server died during the soak.", file=sys.stderr)
        return 1
    ok = not tally.failures and not lost and total > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
