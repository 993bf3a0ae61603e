# The two commands: `make run` (server with demo data) and `make test` (the whole suite).
VENV ?= .venv
PYTHON ?= python3
FLASK = $(VENV)/bin/flask --app manage
PORT ?= 5000

.PHONY: run test install lint bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Random secrets for this checkout, once (git-ignored).
.env: | $(VENV)/.installed
	$(VENV)/bin/python -c "import secrets; print('\n'.join(f'{k}={secrets.token_urlsafe(24)}' for k in ('SECRET_KEY', 'SESSION_SIGNING_KEY', 'PIN_PEPPER', 'AT_CALLBACK_TOKEN', 'HUBTEL_CALLBACK_TOKEN')))" > $@

run: install .env
	$(FLASK) db upgrade
	$(FLASK) seed
	@echo "USSD callback URL: http://127.0.0.1:$(PORT)/ussd/africastalking/$$(sed -n 's/^AT_CALLBACK_TOKEN=//p' .env)"
	$(FLASK) run --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint .env
	$(VENV)/bin/python -m pytest -q
	$(FLASK) menus validate

bench: install
	$(VENV)/bin/python -m bench.ussd_load --spawn --users 8 --duration 20
