# M3uProxy.Edge — the README's commands. `make run` starts the native proxy on port 8085;
# `make test` installs what the tests need (on Debian) and runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CONFIG  ?= Release
RID     ?= linux-x64
# The x64 binary stays at artifacts/m3u-proxy; other RIDs get their own folder.
OUT     ?= $(if $(filter linux-x64,$(RID)),artifacts,artifacts/$(RID))
APP     := src/M3uProxy.Edge/M3uProxy.Edge.csproj
SLN     := M3uProxy.Edge.sln
BINARY  := $(OUT)/m3u-proxy
# Cross-compiling for arm64 on x64: strip with the cross binutils' objcopy (clang is the linker).
CROSS   := $(if $(and $(filter linux-arm64,$(RID)),$(filter x86_64,$(shell uname -m))),-p:ObjCopyName=aarch64-linux-gnu-objcopy)

.PHONY: help run publish toolchain test deps build format format-check smoke smoke-arm64 dockerfile-check image image-check openapi bench bench-compare ci clean
.PHONY: loadgen loadtest bench-cluster

help:
	@echo "make run            build the native binary and start it (port 8085, in-memory)"
	@echo "make test           install test dependencies (Debian) and run every test"
	@echo "make publish        Native AOT binary into $(OUT)/ (trim/AOT warnings are errors); RID=linux-arm64 cross-compiles"
	@echo "make smoke          start the published binary and exercise it (smoke-arm64: the arm64 one under qemu)"
	@echo "make image          the container image without Docker or a registry (buildah, mmdebstrap; ARCH=amd64 or arm64, default both)"
	@echo "make image-check    run the built image (chroot as uid 10001): /livez, ffmpeg, a proxied stream, a transcode"
	@echo "make openapi        regenerate src/M3uProxy.Edge/Pages/openapi.json from the routes"
	@echo "make bench          measure start-up time and idle memory of the published binary"
	@echo "make bench-compare  origin vs nginx vs this proxy with ../shared/bench (~15 min; needs nginx, wrk)"
	@echo "make bench-cluster  the cluster's timings: redis-server and three instances of the binary (~3 min; docs/cluster.md)"
	@echo "make format         apply dotnet format; make format-check verifies it"
	@echo "make loadgen        build the load generator (loadtests/, see loadtests/README.md)"
	@echo "make loadtest       load generator: origin vs nginx vs this proxy, all scenarios (~10 min)"

run: publish
	./$(BINARY) $(ARGS)

publish: toolchain
	dotnet publish $(APP) -c $(CONFIG) -r $(RID) -o $(OUT) -p:TreatWarningsAsErrors=true $(CROSS)
	@ls -l $(BINARY)

toolchain:
	@./scripts/check-native-toolchain.sh $(RID)

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

smoke-arm64:
	./scripts/smoke-arm64.sh artifacts/linux-arm64/m3u-proxy

# The Dockerfile's prebuilt path: needs root and a Debian mirror (docs: README, Distribution).
ARCH ?= amd64 arm64
image:
	./scripts/build-image.sh $(ARCH)

image-check:
	@for arch in $(ARCH); do ./scripts/image-check.sh $$arch; done

# The OpenAPI document the binary serves, made by Microsoft.AspNetCore.OpenApi from the app's routes.
openapi:
	dotnet build $(SLN) -c Release -v q -nologo
	cd tests/M3uProxy.Edge.Tests && UPDATE_OPENAPI=1 dotnet run -c Release --no-build -- -method 'M3uProxy.Edge.Tests.Pages.OpenApiDocumentTests.EmbeddedDocument_IsWhatTheGeneratorMakesFromTheApp'
	dotnet build $(SLN) -c Release -v q -nologo

dockerfile-check:
	./scripts/check-dockerfile.sh Dockerfile
	./scripts/check-dockerfile.sh Dockerfile.alpine
	./scripts/check-compose.sh docker-compose.yml
	./scripts/check-cluster-compose.sh docs/cluster

bench: publish
	./scripts/bench-startup.sh $(BINARY)

bench-compare: publish
	./scripts/bench-compare.sh $(BINARY)

bench-cluster: publish
	./scripts/bench-cluster.py --proxy-bin $(BINARY)

loadgen:
	dotnet build loadtests/M3uProxy.Edge.LoadTests -c $(CONFIG)

loadtest: publish
	./scripts/loadtest-compare.sh $(BINARY)

ci: test format-check publish smoke dockerfile-check

clean:
	rm -rf $(OUT) src/*/bin src/*/obj tests/*/bin tests/*/obj loadtests/*/bin loadtests/*/obj
