# PayGate: `make run` starts everything, `make test` tests everything. Only Python 3.11 is needed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt clients/python/pyproject.toml | sha1sum | cut -c1-12)
FLASK := $(BIN)/flask --app "backend:create_app(seed=False)"
PORT ?= 8000
export PORT

.PHONY: run install migrate seed load-demo widget sdk-models test test-embedded test-clients test-browser test-postgres test-pgbouncer test-unit browser bench bench-scale demo compose-check clean

run: install migrate seed widget-check ## create the venv, install, migrate, seed, start api, worker, dashboard, checkout
	@mkdir -p var
	@echo "API http://127.0.0.1:$(PORT)  dashboard http://127.0.0.1:3000  checkout http://127.0.0.1:3001  (Ctrl-C stops all)"
	$(BIN)/honcho start -f Procfile -p $(PORT)

# The last step installs the Python SDK and the `paygate` CLI from this checkout (tests/clients tests them).
$(STAMP): requirements.txt clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q -e ./clients/python
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

# The SDK's generated files: its models from the API's OpenAPI document, its async resources from the sync
# ones. tests/clients checks that both are current.
sdk-models: install
	$(BIN)/python clients/python/generate_models.py
	$(BIN)/python clients/python/generate_async.py

widget-check:
	@test -f widget/dist/checkout.js || $(MAKE) widget

# Debian packages the tests use: chromium (browser tests), docker-compose (validates docker-compose.yml)
# and pgbouncer (the PgBouncer half; Debian installs it in /usr/sbin, outside a normal user's PATH).
browser:
	@if ! command -v chromium >/dev/null || ! command -v docker-compose >/dev/null || ! test -x /usr/sbin/pgbouncer; then \
		echo "installing Debian's chromium, docker-compose and pgbouncer for the tests"; \
		(apt-get update -qq || true); \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade chromium docker-compose pgbouncer >/dev/null \
			|| echo "WARNING: could not install chromium/docker-compose/pgbouncer: those tests will be skipped"; \
	fi

# Every part at once (tests/run.py): embedded, clients, browser, PostgreSQL + Redis, PgBouncer + multi-host.
test: install browser
	$(BIN)/python -m tests.run

# One part alone, in the foreground (extra pytest arguments: make test-postgres ARGS="-x -k refund").
test-embedded test-clients test-browser test-postgres test-pgbouncer:
	$(BIN)/python -m tests.run $(@:test-%=%) $(ARGS)

# The pure rules, the domain and the configuration: no server, under a minute.
test-unit:
	$(BIN)/python -m pytest tests/unit -q $(ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_PART)

# Read latencies at 10k, 100k and 1M payments (BENCH_SCALE_ARGS=--ten-million adds 10M; --own-server runs a
# PostgreSQL of its own, fsync off, when the shared one has no connections to spare) and their growth.
bench-scale: install
	$(BIN)/python -m bench.scale $(BENCH_SCALE_ARGS)

demo: install
	$(BIN)/python examples/merchant-site/server.py

compose-check:
	docker-compose config

clean:
	rm -rf $(VENV) var
