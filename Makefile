# tinhgon: `make run` sets everything up and serves on 127.0.0.1:8000; `make test` runs the suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python >= 3.12; scripts/find-python picks one (pyenv or PATH).
PYTHON ?= $(shell scripts/find-python)

.PHONY: setup run test check lint format typecheck messages bench bench-services bench-staff clean browser axe screens

$(BIN)/tinhgon: pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (set PYTHON=...)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/tinhgon

# Idempotent: a second `make setup` installs nothing new and imports nothing new.
setup: $(BIN)/tinhgon messages
	$(BIN)/tinhgon migrate --no-input
	$(BIN)/tinhgon import-units
	$(BIN)/tinhgon generate-apparatus --province "Sơn La" --extra dan-toc-ton-giao --extra ngoai-vu
	$(BIN)/tinhgon services catalogue-import --valid-from 2025-07-01

messages: $(BIN)/tinhgon
	cd tinhgon && ../$(BIN)/tinhgon compilemessages --ignore '.venv' -v 0

# The scheduled job (portal sync, reminders, emails: `tinhgon jobs run`) runs beside the server
# in the background and stops with it; nothing else to install.
run: setup
	@trap 'kill $$jobs_pid 2>/dev/null' EXIT; \
	TINHGON_DEBUG=$${TINHGON_DEBUG:-1} $(BIN)/tinhgon jobs run & jobs_pid=$$!; \
	TINHGON_DEBUG=$${TINHGON_DEBUG:-1} $(BIN)/tinhgon runserver 127.0.0.1:8000

# The end-to-end tests drive Debian's Chromium; Playwright's own browser download is not used.
browser:
	@command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }

# axe-core, the accessibility check of the browser tests, from the npm registry (package.json).
axe: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -q && apt-get install -y -q npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Screenshots of the pages at desktop and phone sizes into docs/screens (re-run after a change).
screens: $(BIN)/tinhgon messages browser axe
	TINHGON_SCREENS=$(CURDIR)/docs/screens $(BIN)/pytest -q -k screens tinhgon/reports/tests/test_pages_in_a_browser.py

test: $(BIN)/tinhgon messages browser axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tinhgon
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=tinhgon.test_settings $(BIN)/tinhgon makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

format:
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

# On a fresh SQLite file unless DATABASE_URL says otherwise (the benchmark needs an empty registry).
bench: $(BIN)/tinhgon
	@if [ -z "$$DATABASE_URL" ]; then rm -f var/bench.sqlite3*; fi
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3} $(BIN)/tinhgon migrate -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3} $(BIN)/tinhgon benchmark

# Dossiers at national scale (docs/benchmarks.md): DOSSIERS dossiers, on a fresh SQLite file
# unless DATABASE_URL names an empty database.
DOSSIERS ?= 100000
bench-services: $(BIN)/tinhgon
	@if [ -z "$$DATABASE_URL" ]; then rm -f var/bench-services.sqlite3*; fi
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-services.sqlite3} $(BIN)/tinhgon migrate -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-services.sqlite3} $(BIN)/tinhgon benchmark services --dossiers $(DOSSIERS)

# The 2025 plan carrying OFFICIALS officials with their positions and assignments, against raw
# SQL (docs/benchmarks.md, "Staff"): on a fresh SQLite file unless DATABASE_URL names an empty
# database.
OFFICIALS ?= 100000
bench-staff: $(BIN)/tinhgon
	@if [ -z "$$DATABASE_URL" ]; then rm -f var/bench-staff.sqlite3*; fi
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-staff.sqlite3} $(BIN)/tinhgon migrate -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-staff.sqlite3} $(BIN)/tinhgon benchmark staff --officials $(OFFICIALS)

clean:
	rm -rf $(VENV) var node_modules
