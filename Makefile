# The two commands: `make run` serves a working registry, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
WORKERS ?= 2
export REGISTRY_DATA_DIR ?= instance
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app registry
TRANSLATIONS := registry/web/translations

.PHONY: run test setup setup-dev lint bench translations clean

# Re-install only when the pinned requirements change.
$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) schemes load
	$(FLASK) keys generate --if-missing
	$(FLASK) log init-key --if-missing
	$(FLASK) demo seed --if-empty

setup-dev: $(VENV)/.installed-dev
	@sh scripts/ensure-chromium.sh

# gunicorn and the webhook worker run side by side; Ctrl-C (or either one exiting) stops both.
run: setup
	@echo "Serving the registry on http://localhost:$(PORT)/ with the webhook worker (Ctrl-C stops both)"
	@PORT=$(PORT) $(FLASK) worker & worker=$$!; \
	PORT=$(PORT) $(BIN)/gunicorn --preload --workers $(WORKERS) --bind 127.0.0.1:$(PORT) \
		--access-logfile - wsgi:app & server=$$!; \
	trap 'kill -TERM $$worker $$server 2>/dev/null' INT TERM; \
	while kill -0 $$worker 2>/dev/null && kill -0 $$server 2>/dev/null; do sleep 1; done; \
	kill -TERM $$worker $$server 2>/dev/null; wait $$worker $$server 2>/dev/null; true

# Lint first; then SQLite always, PostgreSQL too when REGISTRY_TEST_DATABASE_URL is set (.ci/run sets it).
test: setup-dev lint
	env -u REGISTRY_TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$REGISTRY_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL =="; \
		$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS); \
	fi

# Style, no _private name used across modules, then the layers: no import cycles between packages,
# the API and the site never import each other.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check registry tests bench migrations
	$(BIN)/ruff format --check registry tests bench migrations
	$(BIN)/python scripts/check_private_imports.py registry tests bench migrations
	$(BIN)/lint-imports --no-cache

# After changing UI strings: refresh the template and the zh catalog, translate, run again, commit all three files.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --project="Service Certificate Registry" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

bench: $(VENV)/.installed-dev
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) instance
