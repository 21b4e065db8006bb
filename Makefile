# Suanli — developer and CI commands. `make help` lists them; scripts/README.md explains them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
SWIFT ?= swift
# Extra options for `suanli serve` in `make run`, e.g. make run ARGS="--port 9000"
ARGS ?=

.PHONY: help setup build release run test pg-test e2e bench clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/  make \1\t\2/' | expand -t 18

setup: ## install Debian packages and the Python venv (.venv)
	bash scripts/setup-system
	bash scripts/setup-venv

build: ## debug build (.build/debug/suanli)
	$(SWIFT) build

release: ## release build (.build/release/suanli)
	$(SWIFT) build -c release

run: ## build and serve locally on var/ (first run: migrate + demo logins; starts the model servers)
	bash scripts/setup-system
	bash scripts/setup-venv
	$(SWIFT) build
	bash scripts/run-local $(ARGS)

test: ## everything: Swift tests on SQLite and PostgreSQL, e2e on both, one summary line
	bash scripts/run-tests

pg-test: ## only the Swift tests on a private PostgreSQL
	bash scripts/run-tests swift-postgres

e2e: ## only the Python end-to-end tests (SQLite and PostgreSQL)
	bash scripts/run-tests e2e-sqlite e2e-postgres

bench: ## release build + wrk on loopback; results in artifacts/bench/
	bash scripts/setup-system
	bash scripts/setup-venv
	$(SWIFT) build -c release
	bash scripts/bench/run
bench-gateway: ; bash bench/gateway/run $(BENCH_ARGS) ## wrk: the /v1 gateway vs nginx and LiteLLM (bench/results/gateway-*)

clean: ## remove var/ and artifacts/ (not .build)
	if [ -d var/pg ]; then bash scripts/stop-postgres var/pg; fi
	rm -rf var artifacts
