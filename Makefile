# kiemchung — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the product needs at run time (OCR, fonts for generated fixtures)...
APT_RUNTIME := tesseract-ocr tesseract-ocr-vie fonts-dejavu-core fonts-liberation2 $(shell $(PYTHON) -c "import ensurepip" 2>/dev/null || echo python3-venv)
# ...and the services and tools the test suite talks to.
APT_TEST := redis-server redis-tools postgresql postgresql-client libreoffice-calc-nogui libreoffice-writer-nogui chromium
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help demo test lint bench screenshots install system-runtime system-test services clean

help:
	@echo "make demo   install everything into .venv and check the bundled example submission"
	@echo "make test   install if needed, start Redis and PostgreSQL if needed, run the whole test suite"
	@echo "make bench  run the benchmarks; results in bench/results/*.json"
	@echo "make lint   ruff and mypy (make test runs it)"
	@echo "make screenshots  docs/screenshots/*.png: each main screen at 1440x900 and 390x844"

# Install missing Debian packages: as root directly; otherwise stop with one line saying what to install.
define ensure_apt
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing — run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

system-runtime:
	$(call ensure_apt,$(APT_RUNTIME))

system-test:
	$(call ensure_apt,$(APT_TEST))

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: system-runtime $(STAMP)

demo: install
	@rc=0; $(BIN)/kiemchung check examples/submission-2024 --out out/demo || rc=$$?; \
	if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	echo "exit code $$rc (1 = some criteria are not supported by the evidence, as the example intends)"

# Make sure PostgreSQL and Redis answer on localhost, starting (or installing) them if needed.
services: system-test
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  echo "starting Redis"; mkdir -p /var/lib/redis /var/log/redis; \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	  for i in $$(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 -p 6379 config set maxmemory-policy noeviction >/dev/null
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not reachable on 127.0.0.1:6379"; exit 1; }

# ruff (pyflakes, isort, bugbear, pyupgrade) and mypy (strict on models/ and api/service/): pyproject.toml
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install services lint
	KIEMCHUNG_TEST_DATABASE_URL=$(PG_URL) KIEMCHUNG_TEST_REDIS_URL=$(REDIS_URL) $(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench.run

# each main screen of the web interface at 1440x900 and 390x844 (reads the example on a throwaway data dir)
screenshots: install system-test
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf out build *.egg-info .pytest_cache bench/work
