# The two commands of the README:
#   make demo   build and run the demo (the whole handshake, in memory)
#   make test   every check and test: formatting, lints, Rust tests, the wheel, pytest
#   make bench  every benchmark (figures printed; docs/benchmarks.md and docs/benchmarks.png written)
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

.PHONY: demo test rust-target lint guests rust-test wheel python-test bench clean

demo: rust-target
	$(CARGO) run --release --quiet --package data-interfaces-host --bin data-interfaces -- demo

test: rust-target $(VENV)/.installed lint rust-test wheel python-test
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
	$(VENV)/bin/ruff check host-python tests/python tests/malformed
	$(VENV)/bin/ruff format --check host-python tests/python tests/malformed

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

wheel: rust-target $(VENV)/.installed
	cd host-python && VIRTUAL_ENV=$(VENV) $(VENV)/bin/maturin develop --release --quiet
	# An editable install has no bytecode; a wheel installed by pip does (as the reference
	# library has): compile it, so imports are measured as charms see them.
	$(PYTHON) -m compileall -q host-python/python

python-test: wheel
	$(VENV)/bin/python -m pytest tests/python

# Benchmarks print figures; they are never part of `make test`. The bench crate builds core
# natively next to the host (a second wasmtime build): its own cargo invocation.
BENCH_OUT := $(CURDIR)/target/bench

$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench: wheel $(VENV)/.bench-installed
	$(CARGO) build --release --quiet --package data-interfaces-host --bin data-interfaces
	$(CARGO) build --release --quiet --package data-interfaces-bench
	rm -rf $(BENCH_OUT)/wheel && mkdir -p $(BENCH_OUT)
	cd host-python && $(VENV)/bin/maturin build --release --quiet --interpreter $(PYTHON) --out $(BENCH_OUT)/wheel
	$(CURDIR)/target/release/data-interfaces-bench --json $(BENCH_OUT)/rust.json --demo $(CURDIR)/target/release/data-interfaces
	$(PYTHON) bench/python_bench.py --json $(BENCH_OUT)/python.json
	$(PYTHON) bench/report.py $(BENCH_OUT)/rust.json $(BENCH_OUT)/python.json $(BENCH_OUT)/wheel

clean:
	rm -rf target $(VENV)
