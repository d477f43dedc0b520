# Beredd: developer and CI entry points. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the running server unless SITE_URL says otherwise (e.g. behind a proxy).
SITE_URL ?= http://$(HOST):$(PORT)
WORKER_LOG ?= var/log/worker.log

.PHONY: compile install run serve demo migrate test test-sqlite test-postgres test-fast bench bench-smoke lint typecheck format migrations-check messages worker clean check-deploy loadtest loadtest-smoke

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml package.json
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	npm install --no-audit --no-fund --silent
	@touch $(STAMP)

# Compile the Swedish catalogues (.mo files are build output, not committed).
compile: install
	@$(MANAGE) compilemessages --ignore ".venv/*" --ignore "node_modules/*" >/dev/null

migrate: compile
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_reference

demo: migrate
	SITE_URL=$(SITE_URL) $(MANAGE) demo

run: demo
	@mkdir -p $(dir $(WORKER_LOG))
	@echo ""
	@echo "Beredd is starting on http://$(HOST):$(PORT)  (Ctrl-C stops it). Links in e-mails use $(SITE_URL)."
	@echo "The task worker runs alongside (restarted if it exits); its output goes to $(WORKER_LOG)."
	@trap 'kill 0' EXIT; export SITE_URL=$(SITE_URL); \
		( while true; do $(MANAGE) beredd_worker --interval 2 >>$(WORKER_LOG) 2>&1; \
		  echo "$$(date -u +%FT%TZ) worker exited with status $$?, restarting" >>$(WORKER_LOG); sleep 2; done ) & \
		$(MANAGE) runserver $(HOST):$(PORT)

# The task worker in the foreground; it exits with status 3 after repeated database errors (run it under a
# supervisor such as systemd with Restart=always).
worker: install
	$(MANAGE) beredd_worker

# Every benchmark module at a tiny size: proves they still run (and their correctness checks hold) in seconds.
bench-smoke: install
	DJANGO_ENV=test $(BIN)/python -m benchmarks.run --smoke

# The test command CI runs (README): the whole suite on the database named by DATABASE_URL
# (default: a temporary SQLite database).
test: compile
	DJANGO_ENV=test $(BIN)/pytest -n 2 --dist loadfile -q --create-db

test-sqlite: compile
	DJANGO_ENV=test DATABASE_URL= $(BIN)/pytest -n 2 --dist loadfile -q

test-postgres: compile
	DJANGO_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/beredd $(BIN)/pytest -n 2 --dist loadfile -q

bench: install
	DJANGO_ENV=test $(BIN)/python -m benchmarks.run

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/python scripts/check_register_access.py
	$(BIN)/python scripts/check_layers.py
	$(BIN)/python scripts/check_views.py

typecheck: install
	$(BIN)/mypy src

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

migrations-check: install
	DJANGO_ENV=test $(MANAGE) makemigrations --check --dry-run

check-deploy: install
	DJANGO_ENV=production DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=beredd.example.se \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REGISTER_KEYS=$$(head -c 32 /dev/urandom | base64) \
	  $(MANAGE) check --deploy --fail-level WARNING

messages: install
	cd src/beredd && ../../$(MANAGE) makemessages -l sv --no-obsolete --ignore 'static/*' --ignore 'reporting/*' --ignore 'register/*' --ignore 'preparedness/*'
	for app in reporting register preparedness; do (cd src/beredd/$$app && ../../../$(MANAGE) makemessages -l sv --no-obsolete); done
	cd src/beredd && ../../$(MANAGE) compilemessages

clean:
	rm -rf var/beredd.sqlite3* var/static var/mail

# Production topology on loopback under load and faults (benchmarks/loadtest/run.py; PostgreSQL primary and
# replica in a temporary directory, Redis, two app nodes, two workers, HAProxy, Locust). Not part of `make test`.
loadtest: compile
	$(BIN)/python -m benchmarks.loadtest.run $(if $(SHARE),--share $(SHARE))

loadtest-smoke: compile
	$(BIN)/python -m benchmarks.loadtest.run --smoke
