# Confee: one command to run the demo, one to run every test. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test setup setup-dev deploy-prep lint typecheck test-py test-spa ask serve local bench bench-spa eval clean

## demo: the Streamlit demo on http://127.0.0.1:8501 (offline model + sample catalogue, no AWS, no key)
demo: $(VENV)/.stamp-runtime
	$(PY) -m streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port 8501

## test: every check CI runs: lint, types, SPA unit + browser tests (builds spa/dist), Python tests (agent, proxy, Streamlit, CDK)
test: setup-dev lint typecheck test-spa test-py

setup: $(VENV)/.stamp-runtime
setup-dev: $(VENV)/.stamp-dev spa/node_modules/.stamp infra/node_modules/.stamp /usr/bin/chromium

## deploy-prep: what `cdk deploy` needs locally: the CDK Python libraries, the pinned CDK CLI, and spa/dist
deploy-prep: $(VENV)/.stamp-dev infra/node_modules/.stamp spa/dist/index.html

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==26.3

$(VENV)/.stamp-runtime: $(VENV)/bin/python requirements.txt agent/requirements.txt proxy/requirements.txt constraints.txt
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-runtime requirements-dev.txt constraints.txt
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

spa/node_modules/.stamp: spa/package.json spa/package-lock.json
	cd spa && npm ci --no-audit --no-fund
	touch $@

infra/node_modules/.stamp: infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund
	touch $@

/usr/bin/chromium:
	bash scripts/ensure-chromium.sh

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Two mypy workers (mypy 2's parallel mode; a cold run on a fresh clone: 80 s in one process, 45 s in two)
typecheck: $(VENV)/.stamp-dev
	$(VENV)/bin/mypy --num-workers 2 .

## Two xdist workers (one per core; test files stay whole, the CDK tests share one worker), then the schemathesis
## property tests on their own: under xdist they would test one API operation of three (tests/conftest.py).
PROPERTY_TESTS := tests/proxy/test_openapi_property.py
test-py: $(VENV)/.stamp-dev
	$(PY) -m pytest -q -n 2 --dist loadgroup --ignore=$(PROPERTY_TESTS)
	$(PY) -m pytest -q $(PROPERTY_TESTS)

test-spa: spa/node_modules/.stamp
	cd spa && npm run typecheck && npm test && npm run build && npm run size && npm run e2e

## ask: one question on the command line, e.g. make ask Q="来月大阪でRustの勉強会は？" (no Q: interactive)
ask: $(VENV)/.stamp-runtime
	$(PY) -m agent ask "$(Q)"

## serve: the AgentCore-compatible agent server on 127.0.0.1:8080
serve: $(VENV)/.stamp-runtime
	$(PY) -m agent serve --host 127.0.0.1 --port 8080

## local: the whole production path on one machine: built SPA + Chat API on :8000, agent server on :8081
local: $(VENV)/.stamp-runtime spa/dist/index.html
	$(PY) -m proxy.local --with-agent --host 127.0.0.1 --port 8000 --agent-port 8081

spa/dist/index.html: spa/node_modules/.stamp $(shell find spa/src spa/index.html spa/public -type f 2>/dev/null)
	cd spa && npm run build

## bench: speed and memory figures (see bench/README.md)
bench: $(VENV)/.stamp-dev
	$(PY) -m bench.run

## bench-spa: time to first text and to the complete answer in the SPA (Chromium, `make local`'s stack, offline
## model, 24 questions; p50/p90/max). Not part of `make test`.
bench-spa: $(VENV)/.stamp-runtime spa/node_modules/.stamp /usr/bin/chromium
	cd spa && npm run bench:stream

## eval: score the agent on the golden set (eval/golden.yaml) against CONFEE_AGENT (default: in process,
## CONFEE_MODEL offline|bedrock); Markdown on stdout, JSON in artifacts/eval/report.json; exits 1 below the
## thresholds. Flags via EVAL_ARGS, e.g. make eval EVAL_ARGS="--category english --min-precision 0.9"
eval: $(VENV)/.stamp-runtime
	$(PY) -m eval $(EVAL_ARGS)

clean:
	rm -rf $(VENV) spa/node_modules infra/node_modules spa/dist infra/cdk.out
