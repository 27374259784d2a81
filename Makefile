# Two commands do all the set-up on a fresh Debian machine with Swift:
#   make run    installs missing system libraries, builds, starts the REPL (offline demo backend)
#   make test   the same set-up (plus tmux for the terminal tests), then the whole suite
#   make bench  release build of threadline-bench, then Threadline's SSE decoding against openai-python
#               (docs/performance.md; BENCH=case picks another case, BENCH_ARGS passes options)
SWIFT ?= swift
BIN := .build/debug/threadline

VENV := .venv
BENCH ?= sse-decode
BENCH_ARGS ?=

.PHONY: run test build deps test-deps venv bench format clean

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh test

build: deps
	$(SWIFT) build --product threadline

run: build
	$(BIN) --config config

# Every test command runs with THREADLINE_TEST_RUN set to this run's id, which the processes the tests
# start inherit; at the end (whether the tests passed or not) none of them may still be alive.
TEST_RUN := $(shell date +%s)-$(shell echo $$PPID)
TESTING := THREADLINE_TEST_RUN=$(TEST_RUN)

# One test at a time: many tests drive real processes, terminals and servers with leases and
# timeouts, and on two cores running them all at once starved their heartbeats and deadlines.
test: test-deps venv
	$(SWIFT) build --build-tests
	@status=0; \
	( set -x; $(TESTING) $(SWIFT) test --skip-build --no-parallel \
	  && $(TESTING) python3 Tests/Fixtures/test_assistants_backend.py $(BIN) \
	  && $(TESTING) $(VENV)/bin/python3 Tests/Fixtures/test_serve_sdk.py $(BIN) ) || status=1; \
	scripts/check-test-leftovers.sh $(TEST_RUN) || status=1; \
	exit $$status

# The official openai-python SDK, for the serve conformance tests and the bench baseline; the
# official mcp-server-time (a stdio MCP server nobody here wrote) and MCP Python SDK, for the MCP tests.
venv:
	@test -x $(VENV)/bin/python3 || python3 -m venv $(VENV)
	@$(VENV)/bin/python3 -c 'import openai' 2>/dev/null || $(VENV)/bin/pip install -q openai
	@$(VENV)/bin/python3 -c 'import mcp_server_time, mcp' 2>/dev/null || $(VENV)/bin/pip install -q mcp-server-time mcp

# The benchmarks are their own executable (Benchmarks/threadline-bench), not part of threadline.
# Without the venv the bench still runs and says the baseline was not run
# (BENCH_ARGS=--require-baseline makes that an error).
bench: deps
	@$(MAKE) -s venv || echo "bench: no openai-python venv; the baseline will not run" >&2
	$(SWIFT) build -c release --product threadline-bench
	.build/release/threadline-bench $(BENCH) $(BENCH_ARGS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks Package.swift

clean:
	rm -rf .build
