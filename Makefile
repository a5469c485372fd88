# Set-up, build and test on a fresh Debian 12 machine (as root, or with sudo).
# `make run` and `make test` install whatever Debian packages are missing.

BUILD ?= build
JOBS ?= $(shell nproc)
PYTHON ?= /usr/bin/python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Everything the build, the tests and the benchmarks use, from Debian's apt.
PACKAGES := cmake make g++ pkg-config git ca-certificates \
  libboost-dev nlohmann-json3-dev libyaml-cpp-dev libssl-dev zlib1g-dev libpugixml-dev \
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-pytest curl wrk hyperfine

.PHONY: all deps build test test-unit test-wire run bench clean format

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

test: build test-unit test-wire

test-unit:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 300

test-wire:
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/wire python/tests

# Starts the server on the example project (a lamd talk and a lynguine
# interface) in the foreground; try the commands it prints.
run: build
	@echo "lynguine server on http://127.0.0.1:8765 serving examples/project; try:"
	@echo "  curl -s -X POST http://127.0.0.1:8765/api/talk/field -d '{\"field\":\"title\",\"markdown_file\":\"talk.md\",\"config_files\":[\"_lamd.yml\"]}'"
	@echo "  curl -s -X POST http://127.0.0.1:8765/api/read_data -d '{\"interface_file\":\"_lynguine.yml\"}'"
	@echo "  (cd examples/project && ../../$(BUILD)/bin/lynguine field title talk.md --server)"
	cd examples/project && ../../$(BUILD)/bin/lynguine serve --host 127.0.0.1 --port 8765

bench: build
	bash bench/run_all.sh

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
