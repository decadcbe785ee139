# Two commands set everything up on a fresh machine with Python 3.11 and make:
#   make run    virtualenv, install, migrate, load the seed story, serve on 127.0.0.1:8000
#   make test   the same set-up, then the whole suite
# A second run skips what is already done: installs are redone only when a requirements file changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

.PHONY: run test setup install install-dev migrate lint format browser serve clean

run: install migrate
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev browser
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

# Browser tests drive Debian's chromium through Playwright; install it where we can (root on
# Debian), otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium is not installed: browser tests will be skipped"; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
