#!/usr/bin/env python
"""Lighthouse (mobile) and pa11y (WCAG 2 AA) over the main pages, cold and cached:
`python scripts/quality.py` (docs/quality.md has the figures and how to read them).

Serves the app as `make bench` does (bench/run.py: a fresh PostgreSQL database with the
demo content, collectstatic, gunicorn with 2 workers, production settings over plain
HTTP) with Redis as the shared cache, and signs a demo person in (a session made in the
database; its cookie is passed to both tools). Lighthouse measures each page in --runs
pairs: cold (gunicorn started afresh and this run's cache entries deleted, so the page
is built) and cached (the same page again); the table gives the median and the range.
pa11y checks each page once. Lighthouse and pa11y are Node tools, not part
of the project: install them anywhere and name the folder of their executables with
--tools (or put them on PATH); Chromium comes from CHROME_PATH (default
/usr/bin/chromium). Results (JSON) go to --out; a summary table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import bench_env, manage, prepare_database, start_gunicorn  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/careerpath_quality"
KEY_PREFIX = "cp-quality"
DEFAULT_CACHE = f"redis://127.0.0.1:6379/0?key_prefix={KEY_PREFIX}"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {  # numericValue: milliseconds, except CLS
    "server-response-time": "TTFB",  # the page's own response: built, or from the cache
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}
# (name, path, signed in)
PAGES = [
    ("home", "/", False),
    ("roadmap", "/roadmaps/backend/", True),
    ("level", "/careers/backend/senior/", False),
    ("salaries", "/salaries/", False),
    ("dashboard", "/dashboard/", True),
]

# Run by `manage.py shell`: a demo person at Backend engineer II aiming at the next level,
# with part of the Backend roadmap tracked, signed in by a session; prints its key.
PERSON = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from accounts.models import profile_of
from careers.models import Level
from skills.models import Roadmap
from tracking.models import SkillProgress
user, _ = get_user_model().objects.get_or_create(
    username="quality", defaults={"email": "quality@example.com"})
middle = Level.objects.select_related("track").get(track__slug="backend", slug="middle")
profile = profile_of(user)
profile.track, profile.current_level = middle.track, middle
profile.save()
skills = [p.skill for s in Roadmap.objects.get(slug="backend").sections.all()
          for p in s.placements.select_related("skill")]
for i, skill in enumerate(skills[:60]):
    SkillProgress.objects.update_or_create(user=user, skill=skill, defaults={
        "status": "done" if i % 3 else "learning", "proficiency": 1 + i % 4})
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def say(message: str) -> None:
    print(message, flush=True)


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def tool(tools: str | None, name: str) -> str:
    found = shutil.which(name, path=tools) if tools else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (install it and pass --tools DIR)")
    return found


def forget_cached_pages(cache_url: str) -> None:
    """Delete this run's cache entries (its key prefix only: the Redis may be shared)."""
    import redis

    client = redis.Redis.from_url(cache_url.split("?")[0])
    keys = list(client.scan_iter(f"{KEY_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


def lighthouse(command: str, url: str, out: Path, headers: Path | None) -> dict:
    argv = [
        command,
        url,
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={out}",
    ]
    if headers:
        argv.append(f"--extra-headers={headers}")
    subprocess.run(argv, check=True)
    report = json.loads(out.read_text())
    audits = report["audits"]
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    metrics = {short: audits[a]["numericValue"] for a, short in METRICS.items()}
    below = sorted(
        ref["id"]
        for c in CATEGORIES
        for ref in report["categories"][c]["auditRefs"]
        if ref["weight"]
        and audits[ref["id"]]["score"] is not None
        and audits[ref["id"]]["score"] < 0.9
    )
    return {"scores": scores, "metrics": metrics, "below_90": below}


def pa11y(command: str, url: str, out: Path, config: Path) -> dict:
    result = subprocess.run(
        [command, "--standard", "WCAG2AA", "--reporter", "json", "--config", str(config), url],
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 2):  # 2: issues found
        raise SystemExit(f"pa11y failed on {url}:\n{result.stdout}\n{result.stderr}")
    out.write_text(result.stdout)
    issues = json.loads(result.stdout or "[]")
    errors = [i for i in issues if i["type"] == "error"]
    return {"errors": len(errors), "codes": sorted({i["code"] for i in errors})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE)
    parser.add_argument("--tools", help="folder of the lighthouse and pa11y executables")
    parser.add_argument("--out", default=str(ROOT / "test-results" / "quality"))
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--runs", type=int, default=3, help="cold and cached pairs per page")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--only", default="", help="page names, comma-separated")
    args = parser.parse_args()
    lighthouse_cmd, pa11y_cmd = tool(args.tools, "lighthouse"), tool(args.tools, "pa11y")
    os.environ.setdefault("CHROME_PATH", "/usr/bin/chromium")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    env = bench_env(SimpleNamespace(database_url=args.database_url, cache_url=args.cache_url))
    env["ALLOWED_HOSTS"] = "localhost,127.0.0.1"
    say(f"== database {args.database_url.rsplit('/', 1)[1]}, cache {args.cache_url}")
    prepare_database(SimpleNamespace(database_url=args.database_url, reuse=args.reuse), env)
    session = manage(env, "shell", "-c", PERSON)[2].strip().splitlines()[-1]
    headers = out / "signed-in-headers.json"
    headers.write_text(json.dumps({"Cookie": f"sessionid={session}"}))
    base = {
        "chromeLaunchConfig": {
            "executablePath": os.environ["CHROME_PATH"],
            "args": ["--no-sandbox", "--disable-gpu"],
        },
        "timeout": 60000,
    }
    anonymous = out / "pa11y-anonymous.json"
    anonymous.write_text(json.dumps(base))
    signed_in = out / "pa11y-signed-in.json"
    signed_in.write_text(json.dumps({**base, "headers": {"Cookie": f"sessionid={session}"}}))

    origin = f"http://localhost:{args.port}"
    results: dict[str, dict] = {}
    only = args.only.split(",") if args.only else [name for name, _, _ in PAGES]
    for name, path, private in [p for p in PAGES if p[0] in only]:
        url, extra = origin + path, headers if private else None
        say(f"== {name} {url}{' (signed in)' if private else ''}")
        row: dict = {"url": path, "signed_in": private, "cold": [], "cached": [], "load": []}
        for run in range(1, args.runs + 1):
            # Cold: new processes (no per-process caches) and no cache entry of this run.
            forget_cached_pages(args.cache_url)
            server = start_gunicorn(env, args.port)
            try:
                urllib.request.urlopen(f"{origin}/healthz", timeout=10).close()
                row["load"].append(os.getloadavg()[0])
                cold = lighthouse(lighthouse_cmd, url, out / f"{name}-cold-{run}.json", extra)
                cached = lighthouse(lighthouse_cmd, url, out / f"{name}-cached-{run}.json", extra)
                row["cold"].append(cold)
                row["cached"].append(cached)
                if run == 1:
                    config = signed_in if private else anonymous
                    row["pa11y"] = pa11y(pa11y_cmd, url, out / f"{name}-pa11y.json", config)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            say(f"  run {run}: cold {cold['scores']}, cached {cached['scores']}")
        results[name] = row
    (out / "summary.json").write_text(json.dumps(results, indent=2))
    report(results, args.runs)
    return 0


def spread(values: list[float], digits: int = 0) -> str:
    """The median, and the range when the runs differ."""
    low, mid, high = min(values), statistics.median(values), max(values)
    text = f"{mid:.{digits}f}"
    return text if low == high else f"{text} ({low:.{digits}f}–{high:.{digits}f})"


def report(results: dict[str, dict], runs: int) -> None:
    say(f"\nMedian of {runs} runs (range when they differ); load: 1-minute load average")
    say("| page | run | perf | a11y | best pr. | SEO | TTFB ms | LCP ms | TBT ms | CLS | load |")
    say("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, row in results.items():
        for kind in ("cold", "cached"):
            runs_ = row[kind]
            scores = {c: spread([r["scores"][c] for r in runs_]) for c in CATEGORIES}
            metric = {m: spread([r["metrics"][m] for r in runs_]) for m in ("TTFB", "LCP", "TBT")}
            cls = spread([r["metrics"]["CLS"] for r in runs_], 2)
            loads = f"{min(row['load']):.1f}–{max(row['load']):.1f}"
            say(
                f"| {name} | {kind} | {scores['performance']} | {scores['accessibility']} | "
                f"{scores['best-practices']} | {scores['seo']} | {metric['TTFB']} | "
                f"{metric['LCP']} | {metric['TBT']} | {cls} | {loads} |"
            )
    say("\n| page | pa11y WCAG2AA errors | codes | audits below 0.9 (any run) |")
    say("|---|---|---|---|")
    for name, row in results.items():
        below = sorted({a for r in row["cold"] + row["cached"] for a in r["below_90"]})
        errors = row["pa11y"]
        say(f"| {name} | {errors['errors']} | {', '.join(errors['codes'])} | {', '.join(below)} |")


if __name__ == "__main__":
    sys.exit(main())
