import os

import pytest
import torch

import cckd_plugin  # noqa: F401  (registers the components)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='session')
def repo_root():
    return ROOT


@pytest.fixture(scope='session')
def fmnist_root(tmp_path_factory):
    from synthetic_data import write_fashion_mnist
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
