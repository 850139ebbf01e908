# Careerpath: `make run` serves the app, `make test` runs the whole suite.
# Both create .venv with Python 3.12+ on a fresh machine (scripts/find-python).
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run worker test bench lint format soak quality backup restore clean messages

$(PY):
	@interp=$$(sh scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$interp"; \
	"$$interp" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# One worker in the foreground, running the tasks web processes queue in the database
# (TASKS_BACKEND=database; serve with `TASKS_BACKEND=database make run`). README, "Background tasks".
worker: $(VENV)/.runtime
	DEBUG=$${DEBUG:-1} TASKS_BACKEND=$${TASKS_BACKEND:-database} $(PY) manage.py db_worker

# In parallel with pytest-xdist, a test database per worker; TEST_WORKERS=0 runs serially.
# loadgroup: tests spread one by one, except an xdist_group's, which share a worker.
TEST_WORKERS ?= auto
test: $(VENV)/.dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(PY) bench/run.py $(BENCH_ARGS)

# Translations (docs/translations.md): refresh locale/*/LC_MESSAGES/django.po from the
# code and templates, then compile the .mo files (committed, so no build step needs gettext).
MESSAGES_OPTIONS := --ignore=.venv --ignore=bench --ignore=tests --ignore=scripts \
	--ignore=staticfiles --ignore=test-results --add-location=file
messages: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py makemessages -l de -l es -l fr -l ru $(MESSAGES_OPTIONS)
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Lighthouse and pa11y over the main pages, cold and cached (docs/quality.md); the two
# Node tools are installed apart: QUALITY_ARGS="--tools DIR" names their folder.
quality: $(VENV)/.dev
	$(PY) scripts/quality.py $(QUALITY_ARGS)

# Backups of the database DATABASE_URL names (default db.sqlite3): README "Backups".
backup: $(VENV)/.runtime
	DEBUG=$${DEBUG:-1} $(PY) scripts/backup.py $(BACKUP)

restore: $(VENV)/.runtime
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/FILE [RESTORE_ARGS=--clean]"; exit 2; }
	DEBUG=$${DEBUG:-1} $(PY) scripts/restore.py $(RESTORE_ARGS) $(BACKUP)

# A 60 s mixed read/write load against gunicorn on loopback (docs/reliability.md).
soak: $(VENV)/.dev
	$(PY) scripts/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
