# Quick start: `make demo` (train and evaluate on Fashion-MNIST-LT), `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FMNIST_DEBIAN := /usr/share/datasets/fashion-mnist
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install data demo lint test test-fast clean

# A local virtual environment with the package, its dependencies and pytest.
$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[tests]'
	touch $(STAMP)

install: $(STAMP)

# Fashion-MNIST from Debian's dataset-fashion-mnist where apt is available;
# elsewhere FashionMNISTLT downloads the files on first use.
data:
	@if [ -f $(FMNIST_DEBIAN)/train-images-idx3-ubyte.gz ]; then \
	  echo "Fashion-MNIST: $(FMNIST_DEBIAN)"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq dataset-fashion-mnist; \
	else \
	  echo "Fashion-MNIST: no apt-get here; the files will be downloaded to data/fashion_mnist"; \
	fi

demo: install data
	$(BIN)/python tools/demo.py

# style gate: flake8 and isort with the settings in setup.cfg, on the whole tree
lint: install
	$(BIN)/python -m flake8 .
	$(BIN)/python -m isort --check-only --quiet .

# the full suite (CI); `make test-fast` leaves out the end-to-end runs (`e2e`) and
# the config sweep (`sweep`).
# Both run in $(JOBS) pytest-xdist workers, a test file per worker at a time (its
# module fixtures are built once), each worker and the tools it runs with
# $(THREADS) CPU threads: OpenMP threads of several processes on the same cores
# spin against each other (a test took 3.5x as long beside a busy neighbour).
# Files go out in the order tests/conftest.py sorts them (slowest first), not by
# their number of tests (xdist's default).
JOBS ?= 2
THREADS ?= $(shell n=$$(( $$(nproc) / $(JOBS) )); [ $$n -gt 0 ] && echo $$n || echo 1)
PYTEST := OMP_NUM_THREADS=$(THREADS) MKL_NUM_THREADS=$(THREADS) \
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile --no-loadscope-reorder

test: lint
	$(PYTEST) tests

test-fast: install
	$(PYTEST) -m "not e2e and not sweep" tests

clean:
	rm -rf $(VENV) work_dirs *.egg-info
