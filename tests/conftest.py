import os

import pytest
import torch

import cckd_plugin  # noqa: F401  (registers the components)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_collection_modifyitems(items):
    """Test files in the order the workers should take them: those with
    end-to-end tool runs (``e2e``, the slowest) first, then the per-config sweeps,
    then the quick unit tests, which fill the gaps at the end (the Makefile turns
    off xdist's own reordering by test count, which put the slowest files last)."""
    group = {}
    for item in items:
        rank = 0 if item.get_closest_marker('e2e') else \
            1 if item.get_closest_marker('sweep') else 2
        group[item.fspath] = min(rank, group.get(item.fspath, 2))
    first_seen = {}
    for item in items:
        first_seen.setdefault(item.fspath, len(first_seen))
    items.sort(key=lambda item: (group[item.fspath], first_seen[item.fspath]))


@pytest.fixture(scope='session')
def repo_root():
    return ROOT


@pytest.fixture(scope='session')
def fmnist_root(tmp_path_factory):
    from helpers import write_fashion_mnist
    return write_fashion_mnist(str(tmp_path_factory.mktemp('fashion_mnist')))


@pytest.fixture(scope='session')
def small_teacher_ckpt(tmp_path_factory):
    """A checkpoint of ``helpers.SMALL_TEACHER`` (seed 0, random weights)."""
    from helpers import SMALL_TEACHER
    from mmpretrain.registry import MODELS
    torch.manual_seed(0)
    teacher = MODELS.build(SMALL_TEACHER)
    teacher.init_weights()
    path = str(tmp_path_factory.mktemp('teacher') / 'teacher.pth')
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path
