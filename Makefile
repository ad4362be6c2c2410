# PayGate: `make run` starts everything, `make test` tests everything. Only Python 3.11 is needed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
FLASK := $(BIN)/flask --app "backend:create_app(seed=False)"
PORT ?= 8000
export PORT

.PHONY: run install migrate seed load-demo widget test test-embedded test-postgres browser bench bench-scale demo compose-check clean

run: install migrate seed widget-check ## create the venv, install, migrate, seed, start api, worker, dashboard, checkout
	@mkdir -p var
	@echo "API http://127.0.0.1:$(PORT)  dashboard http://127.0.0.1:3000  checkout http://127.0.0.1:3001  (Ctrl-C stops all)"
	$(BIN)/honcho start -f Procfile -p $(PORT)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

migrate: install
	@mkdir -p var
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

# make load-demo PAYMENTS=100000 [EMAIL=test@example.com]: a large history for one merchant, in bulk.
load-demo: seed
	@test -n "$(PAYMENTS)" || { echo "usage: make load-demo PAYMENTS=N [EMAIL=merchant@example.com]"; exit 2; }
	$(FLASK) load-demo --payments $(PAYMENTS) $(if $(EMAIL),--email "$(EMAIL)")

# The built widget is committed so that `make run` needs no build step; `make widget` rebuilds it.
widget: install
	$(BIN)/python -m widget.build

widget-check:
	@test -f widget/dist/checkout.js || $(MAKE) widget

# Debian packages the tests use: chromium (browser tests) and docker-compose (validates docker-compose.yml).
browser:
	@if ! command -v chromium >/dev/null || ! command -v docker-compose >/dev/null; then \
		echo "installing Debian's chromium and docker-compose for the tests"; \
		(apt-get update -qq || true); \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium docker-compose >/dev/null \
			|| echo "WARNING: could not install chromium/docker-compose: those tests will be skipped"; \
	fi

# The whole suite on the embedded default and, concurrently, all but the browser tests on PostgreSQL + Redis.
test: install browser
	$(BIN)/python -m tests.run

test-embedded:
	@echo "=== tests on the embedded default (SQLite + Huey SQLite) ==="
	PAYGATE_TEST_BACKEND=embedded $(BIN)/pytest

test-postgres:
	@if $(BIN)/python -m tests.servers; then \
		echo "=== tests on PostgreSQL + Redis ==="; \
		PAYGATE_TEST_BACKEND=postgres $(BIN)/pytest -m "not browser"; \
	else \
		echo "SKIPPED: PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer; start them to run the PostgreSQL + Redis half"; \
	fi

bench: install
	$(BIN)/python -m bench

# Read latencies at 10k, 100k and 1M payments (BENCH_SCALE_ARGS=--ten-million adds 10M) and their growth.
bench-scale: install
	$(BIN)/python -m bench.scale $(BENCH_SCALE_ARGS)

demo: install
	$(BIN)/python examples/merchant-site/server.py

compose-check:
	docker-compose config

clean:
	rm -rf $(VENV) var
