# Two commands for a new user: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test venv lint bench check-deploy cluster cluster-stop cluster-load clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

demo: venv  ## install, migrate, load the demo data and serve the admin and API
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Admin:    http://$(HOST):$(PORT)/admin/"
	@echo "API docs: http://$(HOST):$(PORT)/api/docs/"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: venv  ## the test suite (SQLite unless DATABASE_URL says otherwise)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

check-deploy: venv  ## Django's deployment checks under production settings
	DJANGO_ENV=production DJANGO_ALLOWED_HOSTS=compliance.example.org \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: venv  ## benchmarks: figures and ratios, not pass/fail
	$(PY) bench/import_members.py
	$(PY) bench/police_pack.py
	$(PY) bench/upload_memory.py

cluster: venv  ## production topology on the loopback: 2 app servers, worker, beat, PostgreSQL, own Redis
	.ci/cluster start

cluster-stop:  ## stop what `make cluster` started, by pid
	.ci/cluster stop

cluster-load: venv  ## load and faults against `make cluster` (LOAD_ARGS, e.g. --all-faults)
	$(PY) bench/cluster_load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .cluster
