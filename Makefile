# Quick start: `make demo` (train and evaluate on Fashion-MNIST-LT), `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FMNIST_DEBIAN := /usr/share/datasets/fashion-mnist
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install data demo test clean

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

test: install
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(VENV) work_dirs *.egg-info
