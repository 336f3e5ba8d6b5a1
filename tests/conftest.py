import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cckd_plugin  # noqa: E402,F401  (registers the components)


@pytest.fixture(scope='session')
def repo_root():
    return ROOT


@pytest.fixture(scope='session')
def fmnist_root(tmp_path_factory):
    from synthetic_data import write_fashion_mnist
    return write_fashion_mnist(str(tmp_path_factory.mktemp('fashion_mnist')))
