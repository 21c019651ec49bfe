# The two commands a newcomer needs:  make run   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CRM_HOST ?= 127.0.0.1
export CRM_PORT ?= 8000

.PHONY: run test setup install migrate seed lint messages clean bench

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## The port is free, the database exists (created on PostgreSQL if missing), migrations
## are applied and the demo data is current: each step only when there is something to do.
setup: install
	$(BIN)/python manage.py prepare_dev

## Load the demo data again (make run does it once a day, or after a change).
seed: install
	$(BIN)/python manage.py seed_demo

## Run the app with demo data: web on http://127.0.0.1:8000, Celery worker + beat.
run: setup
	@echo ""
	@echo "  Log in as manager1 / supervisor1 / admin, password demo-pass-2026 (see the list above)."
	@echo "  CRM running on http://$(CRM_HOST):$(CRM_PORT)/  (Ctrl+C stops web, worker and beat)"
	@echo ""
	$(BIN)/python -m crm.devrun -f Procfile.dev start

## Run the whole test suite (SQLite by default; DATABASE_URL / REDIS_URL switch to PostgreSQL / Redis).
test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## Speed benchmark in a throw-away database: the key pages on a generated dataset
## (BENCH_ARGS="--scale large --load 60" for the full run), then planning a month for 1,000 clients.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/plan_month.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Refresh the translation catalogue after changing strings, then translate and compile.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
