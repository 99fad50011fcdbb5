# The two commands of the README:
#   make demo   build and run the demo (the whole handshake, in memory)
#   make test   every check and test: formatting, lints, Rust tests, the wheel, pytest
#   make bench  every benchmark (figures printed; docs/benchmarks.md and docs/benchmarks.png written)
#   make fuzz   every fuzz target for FUZZ_SECONDS each (600 unless set); `make test` runs each
#               for FUZZ_SMOKE_SECONDS
# Each does its own set-up: the wasm32-wasip2 target, and (for test) a virtual environment in .venv.

VENV      := $(CURDIR)/.venv
PYTHON    := $(VENV)/bin/python
CARGO     := cargo
# The hostile test guest (tests/guests, its own workspace): built like the real component, in
# the same target directory, so the two share wit-bindgen's build.
GUEST_MANIFEST := tests/guests/Cargo.toml
GUESTS    := --manifest-path $(GUEST_MANIFEST) --target wasm32-wasip2 --profile component --target-dir target/component
# pyo3's build script needs an interpreter; use the project's.
export PYO3_PYTHON := $(PYTHON)

.PHONY: demo test rust-target lint guests rust-test wheel host-wheel wheel-test wheels wheels-test \
	wheels-test-if-built python-test upstream-suite bench clean \
	deny deny-advisories component fuzz-build fuzz fuzz-smoke

# Tools the project installs for itself (pinned; `cargo install --locked`), under target/.
TOOLS              := $(CURDIR)/target/tools
CARGO_DENY         := $(TOOLS)/bin/cargo-deny
CARGO_DENY_VERSION := 0.20.2
CARGO_FUZZ         := $(TOOLS)/bin/cargo-fuzz
CARGO_FUZZ_VERSION := 0.13.2

demo: rust-target
	$(CARGO) run --release --quiet --package data-interfaces-cli --bin data-interfaces -- demo

test: rust-target $(VENV)/.installed lint rust-test deny fuzz-smoke wheel python-test upstream-suite wheel-test wheels-test-if-built
	@echo "all checks passed"

rust-target:
	@rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2

$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

lint: rust-target $(VENV)/.installed
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	$(CARGO) clippy --package data-interfaces-core --target wasm32-wasip2 --profile component --target-dir target/component -- -D warnings
	$(CARGO) fmt --manifest-path $(GUEST_MANIFEST) --check
	$(CARGO) clippy $(GUESTS) -- -D warnings
	$(CARGO) fmt --manifest-path core/fuzz/Cargo.toml --check
	$(CARGO) fmt --manifest-path host-rust/fuzz/Cargo.toml --check
	$(CARGO) clippy --release --manifest-path core/fuzz/Cargo.toml --all-targets --target-dir target/fuzz-clippy -- -D warnings
	$(VENV)/bin/ruff check host-python tests/python tests/malformed tests/upstream tests/wheel examples tests/hooktools/double.py
	$(VENV)/bin/ruff format --check host-python tests/python tests/malformed tests/upstream tests/wheel examples tests/hooktools/double.py

# The misbehaving components of tests/rust/hostile_guest.rs (the test builds them too, if
# they are missing or stale).
guests: rust-target
	$(CARGO) build $(GUESTS)

# core and the host are tested in separate invocations: together, cargo would unify the
# features of crates they share (indexmap, sha2, serde_json) and build wasmtime a second
# time, differently from the demo's and the wheel's build.
rust-test: rust-target guests
	$(CARGO) test --release --package data-interfaces-core
	$(CARGO) test --release --package data-interfaces-host
	$(CARGO) test --release --package data-interfaces-cli

wheel: rust-target $(VENV)/.installed
	cd host-python && VIRTUAL_ENV=$(VENV) $(VENV)/bin/maturin develop --release --quiet
	# An editable install has no bytecode; a wheel installed by pip does (as the reference
	# library has): compile it, so imports are measured as charms see them.
	$(PYTHON) -m compileall -q host-python/python

python-test: wheel
	$(VENV)/bin/python -m pytest tests/python

# The wheel for this machine, as pip installs it, with the component precompiled inside (the
# same cargo build as `wheel`: only the packaging and the precompile run).
WHEEL_OUT := $(CURDIR)/target/wheels
CLEAN_VENV := $(CURDIR)/target/clean-venv

# $(call wheel-handshake,PYTHON COMMAND,PYTHONPATH): the README handshake against an installed
# wheel, with an empty HOME and no cache directory (tests/wheel/handshake.py).
define wheel-handshake
	home=$$(mktemp -d) && env -u DATA_INTERFACES_CACHE_DIR HOME=$$home XDG_CACHE_HOME= \
		PYTHONPATH=$(2) $(1) tests/wheel/handshake.py && rm -rf $$home
endef

# $(call clean-venv-handshake,WHEEL): that handshake in a fresh venv holding only the wheel
# and ops[testing] from PyPI.
define clean-venv-handshake
	rm -rf $(CLEAN_VENV) && python3 -m venv $(CLEAN_VENV)
	$(CLEAN_VENV)/bin/pip install --quiet --disable-pip-version-check 'ops[testing]==3.9.0' $(1)
	$(call wheel-handshake,$(CLEAN_VENV)/bin/python,)
endef

host-wheel: wheel
	rm -rf $(WHEEL_OUT)/host && mkdir -p $(WHEEL_OUT)/host
	cd host-python && $(VENV)/bin/maturin build --release --quiet --interpreter $(PYTHON) --out $(WHEEL_OUT)/host
	$(PYTHON) host-python/tools/add_precompiled.py $(WHEEL_OUT)/host/*.whl

# That wheel installed into a fresh venv with only ops[testing] from PyPI, and the README
# handshake run there with no cache directory: the component must be the wheel's. Then the
# example charm (examples/python-charm), its venv built offline from the wheel as charmcraft's
# charm plugin builds it, dispatched under ops.main over the hook-tool double.
wheel-test: host-wheel
	$(call clean-venv-handshake,$(WHEEL_OUT)/host/*.whl)
	$(PYTHON) tests/wheel/example_charm.py $(WHEEL_OUT)/host

# Release artifacts: abi3 wheels for x86_64 and aarch64 tagged manylinux_2_17 (cross-built with
# zig from PyPI), each with the component precompiled for its architecture's baseline (the
# aarch64 one by the wheel's own native module, under qemu-user and Debian's arm64 Python), and
# an sdist that embeds the prebuilt component (it builds without the wasm32-wasip2 target).
# Then auditwheel checks the wheels, and the README handshake runs against each as installed.
# Not part of `make test` (two more wasmtime builds: about 20 minutes here); `make test` runs
# `wheels-test` when the wheels exist.
WHEEL_TOOLS := $(CURDIR)/target/wheel-tools
DIST        := $(WHEEL_OUT)/dist
ARM64_ROOT  := $(CURDIR)/target/arm64-root
ARM64_SITE  := $(CURDIR)/target/arm64-site
ARM64_PY    := qemu-aarch64 -L $(ARM64_ROOT) $(ARM64_ROOT)/usr/bin/python3.11
SDIST_CHECK := $(CURDIR)/target/sdist-unpacked

$(WHEEL_TOOLS)/.installed: tests/wheel/requirements.txt
	rm -rf $(WHEEL_TOOLS) && python3 -m venv $(WHEEL_TOOLS)
	$(WHEEL_TOOLS)/bin/pip install --quiet --disable-pip-version-check -r tests/wheel/requirements.txt
	touch $@

wheels: rust-target component $(WHEEL_TOOLS)/.installed
	@rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
	sh tests/wheel/arm64_python.sh $(ARM64_ROOT)
	rm -rf $(DIST) && mkdir -p $(DIST)
	set -e; for arch in x86_64 aarch64; do \
		(cd host-python && PATH=$(WHEEL_TOOLS)/bin:$$PATH maturin build --release --quiet --zig \
			--compatibility manylinux2014 --target $$arch-unknown-linux-gnu --out $(DIST)); \
	done
	mkdir -p host-rust/prebuilt && cp $(COMPONENT) host-rust/prebuilt/data_interfaces.wasm
	cd host-python && $(WHEEL_TOOLS)/bin/maturin sdist --out $(DIST); \
		status=$$?; rm -rf ../host-rust/prebuilt; exit $$status
	$(WHEEL_TOOLS)/bin/python host-python/tools/add_precompiled.py $(DIST)/*_x86_64.whl
	$(WHEEL_TOOLS)/bin/python host-python/tools/add_precompiled.py --python "$(ARM64_PY)" $(DIST)/*_aarch64.whl
	$(MAKE) wheels-test

# The built wheels: auditwheel's verdict, then the handshake against each as installed (the
# aarch64 one under qemu-user, with ops[testing] installed for that platform by pip); then the
# unpacked sdist's host crate is checked, and must embed its prebuilt component.
wheels-test: $(WHEEL_TOOLS)/.installed
	$(WHEEL_TOOLS)/bin/python tests/wheel/check_wheels.py $(WHEEL_TOOLS)/bin/auditwheel $(DIST)
	$(call clean-venv-handshake,$(DIST)/*_x86_64.whl)
	sh tests/wheel/arm64_python.sh $(ARM64_ROOT)
	rm -rf $(ARM64_SITE)
	$(WHEEL_TOOLS)/bin/pip install --quiet --disable-pip-version-check --target $(ARM64_SITE) \
		--platform manylinux2014_aarch64 --implementation cp --python-version 3.11 \
		--only-binary=:all: 'ops[testing]==3.9.0' $(DIST)/*_aarch64.whl
	$(call wheel-handshake,$(ARM64_PY),$(ARM64_SITE))
	# The sdist's Rust side builds from the component it embeds (no nested wasm32 build).
	rm -rf $(SDIST_CHECK) && mkdir -p $(SDIST_CHECK) && tar xzf $(DIST)/*.tar.gz -C $(SDIST_CHECK)
	cd $(SDIST_CHECK)/*/ && CARGO_TARGET_DIR=$(CURDIR)/target/sdist-check \
		$(CARGO) check --release --package data-interfaces-host --lib > $(SDIST_CHECK)/check.log 2>&1; \
		status=$$?; tail -1 $(SDIST_CHECK)/check.log; exit $$status
	grep -q "embedding the prebuilt component" $(SDIST_CHECK)/check.log

# In `make test`: the release wheels' checks when `make wheels` has built them.
wheels-test-if-built:
	@if ls $(DIST)/*_aarch64.whl >/dev/null 2>&1; then $(MAKE) wheels-test; \
	else echo "no wheels in $(DIST): run \`make wheels\` to build and check them"; fi

# The library's own unit suite (dpcharmlibs-interfaces 1.2.2, fetched from PyPI and pinned by
# sha256), run against our package with only its import lines changed, and against the library
# itself: both counts are printed; tests/upstream/exclusions.toml lists the accepted failures.
upstream-suite: wheel
	$(PYTHON) tests/upstream/run.py

# Benchmarks print figures; they are never part of `make test`. The bench crate builds core
# natively next to the host (a second wasmtime build): its own cargo invocation.
BENCH_OUT := $(CURDIR)/target/bench

$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench: wheel $(VENV)/.bench-installed
	$(CARGO) build --release --quiet --package data-interfaces-cli --bin data-interfaces
	$(CARGO) build --release --quiet --package data-interfaces-bench
	rm -rf $(BENCH_OUT)/wheel && mkdir -p $(BENCH_OUT)
	cd host-python && $(VENV)/bin/maturin build --release --quiet --interpreter $(PYTHON) --out $(BENCH_OUT)/wheel
	$(CURDIR)/target/release/data-interfaces-bench --json $(BENCH_OUT)/rust.json --demo $(CURDIR)/target/release/data-interfaces
	$(PYTHON) bench/python_bench.py --json $(BENCH_OUT)/python.json
	$(PYTHON) bench/report.py $(BENCH_OUT)/rust.json $(BENCH_OUT)/python.json $(BENCH_OUT)/wheel

# Dependency policy (deny.toml): licenses, bans and sources need no network.
$(CARGO_DENY):
	$(CARGO) install --locked --quiet --root $(TOOLS) cargo-deny --version $(CARGO_DENY_VERSION)

deny: $(CARGO_DENY)
	$(CARGO_DENY) deny check --hide-inclusion-graph bans licenses sources

# Fetches the RustSec advisory database: run it where the network reaches it.
deny-advisories: $(CARGO_DENY)
	$(CARGO_DENY) deny check advisories

# Fuzzing (cargo-fuzz, libFuzzer): core/fuzz (targets `databag` and `hook`, the core natively)
# and host-rust/fuzz (target `component`, the component through the Rust host). Built with the
# project's stable toolchain and `--sanitizer none` (coverage instrumentation only: the code is
# safe Rust, and AddressSanitizer needs a nightly toolchain the machines do not have), each in
# its own target directory. Inputs kept in <crate>/regressions/<target>/ are replayed first on
# every run; the corpus grows in target/fuzz-corpus/<target>/.
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SEED          ?= 1
FUZZ_FLAGS         := --sanitizer none --release
COMPONENT          := $(CURDIR)/target/component/wasm32-wasip2/component/data_interfaces_core.wasm

$(CARGO_FUZZ):
	$(CARGO) install --locked --quiet --root $(TOOLS) cargo-fuzz --version $(CARGO_FUZZ_VERSION)

# The component, built as host-rust's build script builds it; the host fuzz crate embeds this
# file (DATA_INTERFACES_COMPONENT) rather than building it under the fuzzer's flags.
component: rust-target
	$(CARGO) build --quiet --package data-interfaces-core --target wasm32-wasip2 --profile component --target-dir target/component

# $(call fuzz-run,crate dir,target dir,fuzz target,seconds)
define fuzz-run
	mkdir -p target/fuzz-corpus/$(3) $(1)/regressions/$(3)
	DATA_INTERFACES_COMPONENT=$(COMPONENT) $(CARGO_FUZZ) fuzz run $(FUZZ_FLAGS) \
		--fuzz-dir $(1) --target-dir $(2) $(3) target/fuzz-corpus/$(3) $(1)/regressions/$(3) \
		-- -seed=$(FUZZ_SEED) -max_total_time=$(4) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
endef

fuzz-build: $(CARGO_FUZZ) component
	$(CARGO_FUZZ) fuzz build $(FUZZ_FLAGS) --fuzz-dir core/fuzz --target-dir target/fuzz-core
	DATA_INTERFACES_COMPONENT=$(COMPONENT) $(CARGO_FUZZ) fuzz build $(FUZZ_FLAGS) --fuzz-dir host-rust/fuzz --target-dir target/fuzz-host

fuzz-smoke: fuzz-build
	$(call fuzz-run,core/fuzz,target/fuzz-core,databag,$(FUZZ_SMOKE_SECONDS))
	$(call fuzz-run,core/fuzz,target/fuzz-core,hook,$(FUZZ_SMOKE_SECONDS))
	$(call fuzz-run,host-rust/fuzz,target/fuzz-host,component,$(FUZZ_SMOKE_SECONDS))

fuzz: fuzz-build
	$(call fuzz-run,core/fuzz,target/fuzz-core,databag,$(FUZZ_SECONDS))
	$(call fuzz-run,core/fuzz,target/fuzz-core,hook,$(FUZZ_SECONDS))
	$(call fuzz-run,host-rust/fuzz,target/fuzz-host,component,$(FUZZ_SECONDS))

clean:
	rm -rf target $(VENV)
