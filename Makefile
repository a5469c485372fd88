# Set-up, build and test on a fresh Debian 12 machine (as root, or with sudo).
# `make run` and `make test` install whatever Debian packages are missing.

BUILD ?= build
JOBS ?= $(shell nproc)
PYTHON ?= /usr/bin/python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# From Debian's apt, in three sets so that `make run` installs only what
# building and serving need (tests/wire/test_makefile.py holds it to that).
# Building the binary and serving (`make run`):
PACKAGES := cmake make g++ pkg-config git ca-certificates \
  libboost-dev libcli11-dev libyaml-dev libssl-dev zlib1g-dev libpugixml-dev
# The tests (`make build`, `make test`): unit tests, wire tests, the Python
# package's install into a venv (python3-venv), fuzzing and sanitizers
# (clang + its runtimes), TLS tests' self-signed certificates (openssl), and
# the status page's tests in headless Chromium (chromium).
TEST_PACKAGES := libgtest-dev libgmock-dev python3 python3-pytest python3-venv curl openssl \
  clang libclang-rt-14-dev chromium libc++-dev libc++abi-dev googletest
# The benchmarks (`make bench`): their libraries, load generators and baselines
# (bench/lamd_build.sh runs a real lamd build, whose makefiles call pandoc and gpp).
BENCH_PACKAGES := libbenchmark-dev wrk hyperfine nginx pandoc gpp

.PHONY: all deps deps-test deps-bench build build-server test test-unit test-wire run bench clean format

all: build

# Installs the Debian packages of $(1) that are missing.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null && \
	    $(SUDO) chmod 755 /usr/sbin/policy-rc.d && tmp_policy=1; fi; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	  rc=$$?; [ -n "$$tmp_policy" ] && $(SUDO) rm -f /usr/sbin/policy-rc.d; exit $$rc; \
	fi
endef

deps:
	$(call install_missing,$(PACKAGES))

deps-test:
	$(call install_missing,$(PACKAGES) $(TEST_PACKAGES))

deps-bench:
	$(call install_missing,$(PACKAGES) $(TEST_PACKAGES) $(BENCH_PACKAGES))

# The binary alone (no tests, no benchmarks): what `make run` serves with.
build-server: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DLYNGUINE_TESTS=OFF -DLYNGUINE_BENCH=OFF
	cmake --build $(BUILD) -j$(JOBS) --target lynguine

build: deps-test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DLYNGUINE_TESTS=ON -DLYNGUINE_BENCH=ON
	cmake --build $(BUILD) -j$(JOBS)

# The suite runs with a private TMPDIR and fails when it leaves anything there
# (every test removes what it made: fixture copies, servers' state, sockets).
TEST_TMP ?= $(abspath $(BUILD))/test-tmp

test: build
	@rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	TMPDIR=$(TEST_TMP) $(MAKE) --no-print-directory test-unit test-wire test-browser test-cluster \
	  fuzz-smoke test-libcxx
	@left=$$(find $(TEST_TMP) -mindepth 1 -maxdepth 2 | head -20); \
	if [ -n "$$left" ]; then \
	  echo "make test left files in its TMPDIR ($(TEST_TMP)):"; echo "$$left"; exit 1; \
	fi; rmdir $(TEST_TMP) && echo "make test: nothing left in TMPDIR"

test-unit:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 300

# Two runs: each folder has its own conftest.py.
test-wire:
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/wire
	$(PYTHON) -m pytest -q -p no:cacheprovider python/tests

# Starts the server on the example project (a lamd talk and a lynguine
# interface) in the foreground; try the commands it prints.
run: build-server
	@echo "lynguine server on http://127.0.0.1:8765 serving examples/project; try:"
	@echo "  curl -s -X POST http://127.0.0.1:8765/api/talk/field -d '{\"field\":\"title\",\"markdown_file\":\"talk.md\",\"config_files\":[\"_lamd.yml\"]}'"
	@echo "  curl -s -X POST http://127.0.0.1:8765/api/read_data -d '{\"interface_file\":\"_lynguine.yml\"}'"
	@echo "  (cd examples/project && ../../$(BUILD)/bin/lynguine field title talk.md --server)"
	cd examples/project && ../../$(BUILD)/bin/lynguine serve --host 127.0.0.1 --port 8765

# Every benchmark script (bench/*: those with a `# bench-rows:` line) and one
# table of figures beside their baselines; lynguine's reference kit is looked
# for in LYNGUINE_ORACLE (default /tmp/lynguine-oracle).
bench: deps-bench build
	BUILD=$(BUILD) bash bench/run_all.sh

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)

# ---- Packaging and the cluster test (packaging/, tests/cluster/) ----
.PHONY: package test-cluster

# build/lynguine_<version>_<arch>.deb (cpack in the build dir; see CMakeLists.txt).
package: build
	cd $(BUILD) && cpack -G DEB

# Three `lynguine serve` behind nginx (installed here if missing), one killed mid-run.
# nginx is only a test tool here: a policy-rc.d keeps apt from starting its
# system service on port 80 (the test runs its own, unprivileged, in a temp dir).
test-cluster: build
	LYNGUINE_BIN=$(CURDIR)/$(BUILD)/bin/lynguine $(PYTHON) -m pytest -q -p no:cacheprovider -rs tests/cluster
# ---- end of packaging and the cluster test ----

# ---- Fuzzing, sanitizers and soak (fuzz/, bench/soak*.{py,cc}) ----
.PHONY: fuzz-build fuzz-smoke fuzz test-sanitize soak
FUZZ_BUILD ?= build-fuzz
ASAN_BUILD ?= build-asan
FUZZ_TARGETS := yaml csv bibtex json liquid toml
# fuzz-smoke: each target for FUZZ_SMOKE_RUNS inputs (part of `make test`);
# fuzz: each target for FUZZ_SECONDS. Both fail on the first crash, leak or
# timeout; the input is saved as $(FUZZ_BUILD)/artifacts/<target>-crash-*.
# New corpus entries go to $(FUZZ_BUILD)/corpus/<target> (the seeds in
# fuzz/corpus/<target> are read, never written).
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SECONDS ?= 600
FUZZ_FLAGS ?= -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1

fuzz-build: deps-test
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DLYNGUINE_FUZZ=ON -DLYNGUINE_STATIC=OFF -DLYNGUINE_TESTS=OFF -DLYNGUINE_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

define run-fuzzers
	@mkdir -p $(FUZZ_BUILD)/artifacts
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  echo "== fuzz_$$t ($(1))"; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(FUZZ_BUILD)/bin/fuzz_$$t $(FUZZ_FLAGS) $(1) \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
	    $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t 2>$(FUZZ_BUILD)/fuzz_$$t.log \
	    || { tail -n 60 $(FUZZ_BUILD)/fuzz_$$t.log; echo "fuzz_$$t FAILED (log: $(FUZZ_BUILD)/fuzz_$$t.log)"; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" $(FUZZ_BUILD)/fuzz_$$t.log | tr '\n' ' '; echo; \
	done
endef

# The smoke run in `make test` is deterministic (fixed seed, fixed count) so
# that CI gives the same answer as the machine it was checked on.
fuzz-smoke: fuzz-build
	$(call run-fuzzers,-seed=1 -runs=$(FUZZ_SMOKE_RUNS))

fuzz: fuzz-build
	$(call run-fuzzers,-max_total_time=$(FUZZ_SECONDS))

# The whole suite under AddressSanitizer + UBSan: ctest, then the wire tests
# against the sanitized binary.
test-sanitize: deps-test
	@# -O1: the usual level for ASan, and gcc compiles it several times faster than -O3.
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" \
	  -DLYNGUINE_SANITIZE=ON -DLYNGUINE_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS) --timeout 600
	@# Two pytest runs: tests/wire and python/tests each have a conftest.py.
	LYNGUINE_BIN=$(CURDIR)/$(ASAN_BUILD)/bin/lynguine UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/wire
	LYNGUINE_BIN=$(CURDIR)/$(ASAN_BUILD)/bin/lynguine UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(PYTHON) -m pytest -q -p no:cacheprovider python/tests

# 1,000,000 mixed requests (or SOAK_SECONDS) against build/bin/lynguine serve
# in a copy of examples/project; reports req/s, errors and the server's RSS.
SOAK_REQUESTS ?= 1000000
SOAK_SECONDS ?= 120
soak: build
	$(PYTHON) bench/soak.py --requests $(SOAK_REQUESTS) --seconds $(SOAK_SECONDS) \
	  --binary $(CURDIR)/$(BUILD)/bin/lynguine --client $(CURDIR)/$(BUILD)/bin/soak_client
# ---- end of fuzzing, sanitizers and soak ----

# ---- Observability: the status page in headless Chromium (tests/browser) ----
# Part of `make test` (chromium is in TEST_PACKAGES; without it the tests fail,
# they never skip). Keeps screenshots of the page at 1280 and 400 px:
# $(BUILD)/artifacts/status-1280.png and status-400.png.
.PHONY: test-browser
test-browser: build
	LYNGUINE_BIN=$(CURDIR)/$(BUILD)/bin/lynguine $(PYTHON) -m pytest -q -p no:cacheprovider tests/browser
# ---- end of observability ----

# ---- Portability: clang + libc++ with the POSIX fallbacks (src/core/platform.h) ----
# As near to the macOS build as Linux gets: clang with libc++ (not
# libstdc++), dynamically linked, and core/platform.h's generic POSIX paths
# forced in place of Linux's own calls (-DLYNGUINE_PORTABLE_FALLBACKS=ON).
# GoogleTest is built from Debian's source package, since libgtest-dev is
# built for libstdc++. Only the binary and the unit tests are built; the unit
# tests and the wire tests then run against them.
LIBCXX_BUILD ?= build-libcxx
.PHONY: test-libcxx
test-libcxx: deps-test
	CC=clang CXX=clang++ cmake -S . -B $(LIBCXX_BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS=-stdlib=libc++ -DCMAKE_EXE_LINKER_FLAGS=-stdlib=libc++ \
	  -DLYNGUINE_STATIC=OFF -DLYNGUINE_TESTS=ON -DLYNGUINE_BENCH=OFF \
	  -DLYNGUINE_PORTABLE_FALLBACKS=ON -DLYNGUINE_GTEST_SOURCE=/usr/src/googletest
	cmake --build $(LIBCXX_BUILD) -j$(JOBS) --target lynguine lynguine_tests
	cd $(LIBCXX_BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 300
	LYNGUINE_BIN=$(CURDIR)/$(LIBCXX_BUILD)/bin/lynguine $(PYTHON) -m pytest -q -p no:cacheprovider tests/wire
# ---- end of portability ----
