# Two commands do all the set-up on a fresh Debian machine with Swift:
#   make run    installs missing system libraries, builds, starts the REPL (offline demo backend)
#   make test   the same set-up (plus tmux for the terminal tests), then the whole suite
SWIFT ?= swift
BIN := .build/debug/threadline

.PHONY: run test build deps test-deps format clean

deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh test

build: deps
	$(SWIFT) build --product threadline

run: build
	$(BIN) --config config

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
