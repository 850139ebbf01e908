#!/usr/bin/env python
"""Profile one page, or an import, on the benchmark database with pyinstrument.

    .venv/bin/python bench/profile.py /roadmaps/backend/ [--signed-in] [--cache]
    .venv/bin/python bench/profile.py --import FILE.csv

Pages are requested in-process through Django's test client (10 times, after one
warm-up), by bench-person-1 when signed in; page caching is off unless
`--cache`. Uses BENCH_DATABASE_URL and BENCH_CACHE_URL like bench/run.py; run
`make bench` first. The findings are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/roadmaps/backend/")
    parser.add_argument("--signed-in", action="store_true")
    parser.add_argument("--cache", action="store_true", help="page caching on")
    parser.add_argument("--import", dest="import_file", help="profile importing this CSV")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    args.database_url = os.environ.get("BENCH_DATABASE_URL", run.DEFAULT_DB)
    args.cache_url = os.environ.get("BENCH_CACHE_URL", run.DEFAULT_CACHE)
    env = run.bench_env(args)
    env["PAGE_CACHE"] = "1" if args.cache else "0"
    run.setup_django(env)

    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    if args.import_file:
        from salaries.importing.run import Importer
        from salaries.importing.write import roll_back

        path = Path(args.import_file)
        profiler.start()
        start = time.perf_counter()
        with path.open("rb") as file:
            report = Importer(source_name="Profiled import", force=True).run(file, path.name)
        seconds = time.perf_counter() - start
        profiler.stop()
        print(f"{seconds:.2f} s: {report.summary()}")
        if report.batch:
            roll_back(report.batch)
    else:
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client()
        if args.signed_in:
            from bench.data import BENCH_PERSON

            client.force_login(get_user_model().objects.get(username=BENCH_PERSON))
        client.get(args.path)
        profiler.start()
        start = time.perf_counter()
        for _ in range(args.requests):
            response = client.get(args.path)
        seconds = (time.perf_counter() - start) / args.requests
        profiler.stop()
        print(f"{args.path}: HTTP {response.status_code}, {seconds * 1000:.1f} ms a request")
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
