#!/bin/sh
# Container start-up: wait for the database, migrate, collect static files, serve.
# Also runs on a host with PYTHON=.venv/bin/python (tests/test_deployment.py does).
#   entrypoint.sh migrate   only wait, migrate (and load the demo), then exit: the
#                           one-off `migrate` service of docker-compose.yml
#   MIGRATE=0       skip migrations (when a one-off migrate service runs them)
#   LOAD_DEMO=1     load the demo content after migrating
#   PORT, WEB_CONCURRENCY  gunicorn's bind port and worker count
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}

MODE=${1:-serve}
if [ "$MODE" = "migrate" ]; then
    MIGRATE=1
elif [ "$MODE" != "serve" ]; then
    echo "usage: entrypoint.sh [serve|migrate]" >&2
    exit 2
fi

"$PYTHON" manage.py wait_for_db --timeout "${DB_WAIT_SECONDS:-60}"
if [ "${MIGRATE:-1}" = "1" ]; then
    "$PYTHON" manage.py migrate --noinput
fi
if [ "${LOAD_DEMO:-0}" = "1" ]; then
    "$PYTHON" manage.py load_demo
fi
if [ "$MODE" = "migrate" ]; then
    exit 0
fi
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

exec "$PYTHON" -m gunicorn careerpath.wsgi \
    --bind "${BIND:-0.0.0.0}:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --access-logfile - \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}"
