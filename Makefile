# Two commands do all the set-up on a fresh Debian machine with Swift:
#   make run    installs missing system libraries, builds, starts the REPL (offline demo backend)
#   make test   the same set-up (plus tmux for the terminal tests and PostgreSQL, whose throw-away
#               clusters the tests start themselves), then the whole suite; the openai-python suite
#               runs twice: on one SQLite-backed serve, then on two serve instances sharing PostgreSQL
#   make install  release build, one self-contained stripped binary in $(PREFIX)/bin (default
#               ~/.local) plus bash/zsh/fish completions; make uninstall removes them
#   make fuzz   each libFuzzer target in Fuzz/ for FUZZ_TIME seconds (600), then a long schemathesis
#               run of serve against docs/openapi.yaml (docs/reliability.md)
#   make bench  installs into .build/bench-install, builds threadline-bench, runs every case
#               (docs/performance.md; BENCH=case picks cases, BENCH_ARGS passes options)
SWIFT ?= swift
BIN := .build/debug/threadline
# The Swift runtime and Foundation linked in: the installed binary needs only the system's libraries.
RELEASE := -c release --static-swift-stdlib
PREFIX ?= $(HOME)/.local
# The revision `threadline --version` prints (Sources/CBuildInfo reads it; never in git).
REVISION_H := .build/threadline-revision.h

VENV := .venv
BENCH ?= sse-decode startup turn big-thread serve
BENCH_ARGS ?=

.PHONY: run test fuzz build deps test-deps revision venv bench-venv bench install uninstall format clean

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh test

# Rewritten only when the revision changes, so an unchanged one rebuilds nothing.
revision:
	@mkdir -p .build
	@line="#define THREADLINE_REVISION \"$$(git describe --always --dirty 2>/dev/null || echo unknown)\""; \
	  [ "$$(cat $(REVISION_H) 2>/dev/null)" = "$$line" ] || echo "$$line" > $(REVISION_H)

build: deps revision
	$(SWIFT) build --product threadline

run: build
	$(BIN) --config config

# Every test command runs with THREADLINE_TEST_RUN set to this run's id, which the processes the tests
# start inherit; at the end (whether the tests passed or not) none of them may still be alive.
TEST_RUN := $(shell date +%s)-$(shell echo $$PPID)
TESTING := THREADLINE_TEST_RUN=$(TEST_RUN)

# One test at a time: many tests drive real processes, terminals and servers with leases and
# timeouts, and on two cores running them all at once starved their heartbeats and deadlines.
test: test-deps venv revision
	$(SWIFT) build --build-tests
	@status=0; \
	( set -x; $(TESTING) $(SWIFT) test --skip-build --no-parallel \
	  && $(TESTING) python3 Tests/Fixtures/test_assistants_backend.py $(BIN) \
	  && $(TESTING) $(VENV)/bin/python3 Tests/Fixtures/test_serve_sdk.py $(BIN) \
	  && $(TESTING) scripts/with-test-postgres.sh $(VENV)/bin/python3 Tests/Fixtures/test_serve_sdk.py $(BIN) \
	  && $(TESTING) scripts/schema-check.sh $(BIN) $(SCHEMA_EXAMPLES) $(SCHEMA_TIME) ) || status=1; \
	scripts/check-test-leftovers.sh $(TEST_RUN) || status=1; \
	exit $$status

# `serve` against docs/openapi.yaml (scripts/schema-check.sh): make test runs a short check
# (SCHEMA_EXAMPLES per operation, at most SCHEMA_TIME seconds), make fuzz a long one.
SCHEMA_EXAMPLES ?= 5
SCHEMA_TIME ?= 60

# libFuzzer targets (Fuzz/), each run FUZZ_TIME seconds by make fuzz; FUZZ picks targets.
FUZZ ?= FuzzSSE FuzzMessageDelta FuzzChatStream FuzzResponsesStream FuzzConfig
FUZZ_TIME ?= 600

# The official openai-python SDK, for the serve conformance tests and the bench baseline; the
# official mcp-server-time (a stdio MCP server nobody here wrote) and MCP Python SDK, for the MCP
# tests; schemathesis, for the checks of serve against its OpenAPI description.
venv:
	@test -x $(VENV)/bin/python3 || python3 -m venv $(VENV)
	@$(VENV)/bin/python3 -c 'import openai' 2>/dev/null || $(VENV)/bin/pip install -q openai
	@test -x $(VENV)/bin/st || $(VENV)/bin/pip install -q schemathesis
	@$(VENV)/bin/python3 -c 'import mcp_server_time, mcp' 2>/dev/null || $(VENV)/bin/pip install -q mcp-server-time mcp

# Each fuzz target for FUZZ_TIME seconds (its minimised corpus written back to Fuzz/Corpus/NAME),
# then schemathesis against serve for 200 examples per operation (at most 20 minutes). Built with
# the fuzz flags into .build-fuzz, apart from the normal build.
fuzz: deps venv revision
	@status=0; for target in $(FUZZ); do scripts/fuzz.sh $$target $(FUZZ_TIME) || status=1; done; \
	$(SWIFT) build --product threadline && scripts/schema-check.sh $(BIN) 200 1200 || status=1; \
	exit $$status

# llm (PyPI) for the start-up comparison: only the benchmarks need it.
bench-venv: venv
	@test -x $(VENV)/bin/llm || $(VENV)/bin/pip install -q llm

# The benchmarks are their own executable (Benchmarks/threadline-bench), not part of threadline.
# They measure the installed binary: `make install` into .build/bench-install, beside a Swift
# hello-world built and stripped the same way. BENCH lists the cases (BENCH_ARGS goes to each).
# Without the venv the bench still runs and says the baselines were not run
# (BENCH_ARGS=--require-baseline makes that an error for sse-decode).
BENCH_PREFIX := $(CURDIR)/.build/bench-install
bench: deps
	@scripts/ensure-deps.sh bench
	@$(MAKE) -s bench-venv || echo "bench: no venv with openai-python and llm; the Python baselines will not run" >&2
	@$(MAKE) -s install PREFIX=$(BENCH_PREFIX)
	$(SWIFT) build $(RELEASE) --product threadline-hello
	$(SWIFT) build $(RELEASE) --product threadline-bench
	install -m 755 -s .build/release/threadline-hello $(BENCH_PREFIX)/bin/threadline-hello
	@for b in $(BENCH); do echo "== threadline-bench $$b"; .build/release/threadline-bench $$b $(BENCH_ARGS) || exit 1; done

install: revision
	@scripts/ensure-deps.sh install
	$(SWIFT) build $(RELEASE) --product threadline
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 -s .build/release/threadline $(DESTDIR)$(PREFIX)/bin/threadline
	.build/release/threadline --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/threadline
	.build/release/threadline --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_threadline
	.build/release/threadline --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/threadline.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/threadline $(DESTDIR)$(PREFIX)/share/bash-completion/completions/threadline \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_threadline $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/threadline.fish

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks Package.swift

clean:
	rm -rf .build
