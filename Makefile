# Two commands set everything up on a fresh machine with Python 3.11 and make:
#   make run    virtualenv, install, migrate, load the seed story, serve on 127.0.0.1:8000
#               (make run PORT=8001, make run HOST=0.0.0.0 PORT=8001 to serve elsewhere)
#   make test   the same set-up, then the whole suite
# A second run skips what is already done: installs are redone only when a requirements file changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1
# Two workers (pytest-xdist), each file on one worker so module-level fixtures load once.
PYTEST_ARGS ?= -n 2 --dist loadfile

# Where `make run` serves. Only values given on make's command line count: some shells put the
# machine's name in HOST, and platforms their own port in PORT.
RUN_HOST := $(if $(filter command line,$(origin HOST)),$(HOST),127.0.0.1)
RUN_PORT := $(if $(filter command line,$(origin PORT)),$(PORT),8000)

.PHONY: run test setup install install-dev migrate lint format browser serve clean bench

run: install migrate
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py runserver $(RUN_HOST):$(RUN_PORT)

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

# The API speed benchmark (docs/performance.md): BENCH_ARGS="--sizes 10000,100000,1000000" for all sizes.
bench: install
	$(BIN)/python bench/speed.py $(BENCH_ARGS)

# The production way, locally: DEBUG off, gunicorn (gunicorn.conf.py), whitenoise's hashed and
# compressed static files, on http://127.0.0.1:8000 over plain HTTP (so without the HTTPS-only
# protections). Uses DATABASE_URL (default: the SQLite file) and REDIS_URL when set; a random
# SECRET_KEY when none is given. See docs/deploy.md.
serve: migrate
	@set -e; export DEBUG=0 ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
		SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" SECURE_COOKIES="$${SECURE_COOKIES:-0}" \
		SECURE_HSTS_SECONDS="$${SECURE_HSTS_SECONDS:-0}"; \
	if [ -z "$$SECRET_KEY" ]; then \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; export SECRET_KEY; \
		echo "SECRET_KEY is not set: using a random one for this run (sign-ins end when the server stops)."; \
	fi; \
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0; \
	echo "Serving on http://$${GUNICORN_BIND:-127.0.0.1:8000} with gunicorn, DEBUG off (Ctrl-C stops)."; \
	exec $(BIN)/gunicorn -c gunicorn.conf.py tracker.wsgi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
