#!/bin/sh
# Container start-up: wait for the database, migrate, collect static files, serve.
# Also runs on a host with PYTHON=.venv/bin/python (tests/test_deployment.py does).
#   entrypoint.sh [serve]     wait, migrate (unless MIGRATE=0), serve with gunicorn
#   entrypoint.sh migrate     only wait, migrate (and load the demo), then exit: the
#                             one-off `migrate` service / Kubernetes migration Job
#   entrypoint.sh worker [ARGS]     a task worker: manage.py db_worker ARGS
#   entrypoint.sh scheduler         the periodic jobs: manage.py run_schedule
# Whatever does not migrate itself (MIGRATE=0, worker, scheduler) waits until every
# migration is applied, so new code never runs against an old schema.
#   MIGRATE=0        skip migrations (when a one-off migrate service runs them)
#   LOAD_DEMO=1      load the demo content after migrating
#   COLLECTSTATIC=0  static files were collected into the image at build time (the
#                    Dockerfile does; the root filesystem may then be read-only)
#   PORT, WEB_CONCURRENCY  gunicorn's bind port and worker count
#   DB_WAIT_SECONDS  how long to wait for the database and migrations (default 60)
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}

MODE=${1:-serve}
if [ $# -gt 0 ]; then shift; fi
case "$MODE" in
    serve) ;;
    migrate) MIGRATE=1 ;;
    worker|scheduler) MIGRATE=0 LOAD_DEMO=0 ;;
    *)
        echo "usage: entrypoint.sh [serve|migrate|worker [db_worker options]|scheduler]" >&2
        exit 2
        ;;
esac

if [ "${MIGRATE:-1}" = "1" ]; then
    "$PYTHON" manage.py wait_for_db --timeout "${DB_WAIT_SECONDS:-60}"
    "$PYTHON" manage.py migrate --noinput
else
    "$PYTHON" manage.py wait_for_db --migrated --timeout "${DB_WAIT_SECONDS:-60}"
fi
if [ "${LOAD_DEMO:-0}" = "1" ]; then
    "$PYTHON" manage.py load_demo
fi

case "$MODE" in
    migrate) exit 0 ;;
    worker) exec "$PYTHON" manage.py db_worker "$@" ;;
    scheduler) exec "$PYTHON" manage.py run_schedule ;;
esac

if [ "${COLLECTSTATIC:-1}" = "1" ]; then
    "$PYTHON" manage.py collectstatic --noinput --verbosity 0
fi
exec "$PYTHON" -m gunicorn careerpath.wsgi \
    --bind "${BIND:-0.0.0.0}:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --access-logfile - \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}"
