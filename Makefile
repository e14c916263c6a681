# M3uProxy.Edge — the README's commands. `make run` starts the native proxy on port 8085;
# `make test` installs what the tests need (on Debian) and runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CONFIG  ?= Release
RID     ?= linux-x64
OUT     ?= artifacts
APP     := src/M3uProxy.Edge/M3uProxy.Edge.csproj
SLN     := M3uProxy.Edge.sln
BINARY  := $(OUT)/m3u-proxy

.PHONY: help run publish test deps build format format-check smoke dockerfile-check bench bench-compare ci clean
.PHONY: loadgen loadtest

help:
	@echo "make run            build the native binary and start it (port 8085, in-memory)"
	@echo "make test           install test dependencies (Debian) and run every test"
	@echo "make publish        Native AOT binary into $(OUT)/ (trim/AOT warnings are errors)"
	@echo "make smoke          start the published binary and exercise it"
	@echo "make bench          measure start-up time and idle memory of the published binary"
	@echo "make bench-compare  origin vs nginx vs this proxy with ../shared/bench (~15 min; needs nginx, wrk)"
	@echo "make format         apply dotnet format; make format-check verifies it"
	@echo "make loadgen        build the load generator (loadtests/, see loadtests/README.md)"
	@echo "make loadtest       load generator: origin vs nginx vs this proxy, all scenarios (~10 min)"

run: publish
	./$(BINARY) $(ARGS)

publish:
	dotnet publish $(APP) -c $(CONFIG) -r $(RID) -o $(OUT) -p:TreatWarningsAsErrors=true
	@ls -l $(BINARY)

deps:
	@./scripts/install-test-deps.sh

build:
	dotnet build $(SLN)

test: deps
	./scripts/run-tests.sh $(SLN)

format:
	dotnet format $(SLN)

format-check:
	dotnet format $(SLN) --verify-no-changes

smoke:
	./scripts/smoke-native.sh $(BINARY)

dockerfile-check:
	./scripts/check-dockerfile.sh Dockerfile.alpine

bench: publish
	./scripts/bench-startup.sh $(BINARY)

bench-compare: publish
	./scripts/bench-compare.sh $(BINARY)

loadgen:
	dotnet build loadtests/M3uProxy.Edge.LoadTests -c $(CONFIG)

loadtest: publish
	./scripts/loadtest-compare.sh $(BINARY)

ci: test format-check publish smoke dockerfile-check

clean:
	rm -rf $(OUT) src/*/bin src/*/obj tests/*/bin tests/*/obj loadtests/*/bin loadtests/*/obj
