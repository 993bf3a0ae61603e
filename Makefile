# The two commands: `make run` (server with demo data) and `make test` (the whole suite).
VENV ?= .venv
PYTHON ?= python3
FLASK = $(VENV)/bin/flask --app manage
PORT ?= 5000

.PHONY: run test install lint bench reliability soak

$(VENV)/.installed: pyproject.toml
	@echo "==> [1/2] creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	@echo "==> [2/2] installing Sauti and its dependencies into $(VENV) (a minute or two)"
	$(VENV)/bin/pip install --progress-bar on -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Random secrets for this checkout, once (git-ignored).
.env: | $(VENV)/.installed
	$(VENV)/bin/python -c "import secrets; print('\n'.join(f'{k}={secrets.token_urlsafe(24)}' for k in ('SECRET_KEY', 'SESSION_SIGNING_KEY', 'PIN_PEPPER', 'AT_CALLBACK_TOKEN', 'HUBTEL_CALLBACK_TOKEN')))" > $@

# The designer's server: edited and added definitions are picked up without a restart
# (a broken edit keeps the file's last valid version in service). MENUS_HOT_RELOAD=0 turns
# that off.
run: install .env
	@echo "==> building the database and loading the demo data"
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) users demo
	@echo "Console: http://127.0.0.1:$(PORT)/console/"
	@echo "USSD callback URL: http://127.0.0.1:$(PORT)/ussd/africastalking/$$(sed -n 's/^AT_CALLBACK_TOKEN=//p' .env)"
	@echo "Definitions in $${MENUS_DIR:-app/menus} reload when edited (MENUS_HOT_RELOAD=$${MENUS_HOT_RELOAD:-1})"
	MENUS_HOT_RELOAD=$${MENUS_HOT_RELOAD:-1} $(FLASK) run --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint .env
	$(VENV)/bin/python -m pytest -q
	$(FLASK) menus validate

# Real redis-server, PostgreSQL (initdb), gunicorn and nginx on free ports: load, faults,
# bad input. RELIABILITY_LOAD_SECONDS=60 for the full-length load test (CI: the default 12).
reliability: install
	$(VENV)/bin/python -m pytest -q -s -m "reliability and not slow" -p no:randomly tests/reliability tests/test_security.py

# 20 minutes at half of saturation: RSS, keys without a TTL, pool use (never in CI).
soak: install
	$(VENV)/bin/python -m pytest -q -s -m slow tests/reliability/test_soak.py

bench: install
	$(VENV)/bin/python -m bench.ussd_load --spawn --users 8 --duration 20
