"""Helpers shared by the test modules: tool runners, small configs, tiny models,
small synthetic datasets in the real on-disk formats.

Test modules import from here (and take fixtures from ``conftest.py``); they
never import from each other.
"""
import copy
import gzip
import importlib.util
import os
import os.path as osp
import socket
import subprocess
import sys
from functools import lru_cache
from types import ModuleType
from typing import Sequence

import numpy as np
import preloaded_python

from cckd_plugin.testing import TINY_RESNET, TINY_VIT, shrink_clip_teacher  # noqa: F401
from cckd_plugin.testing import synthetic_data as package_synthetic_data
from cckd_plugin.testing.synthetic_data import balanced_labels, class_images
from tools.tool_runs import scalar_records as scalars  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the CIFAR writer lives in the package (gpu_check's smoke run writes it too)
write_cifar = package_synthetic_data.write_cifar


def load_script(path: str) -> ModuleType:
    """A script of the repository (``benchmarks/...``, ``projects/...``,
    ``.dev_scripts/...``) imported as a module from its file, without touching
    ``sys.path``."""
    name = osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, osp.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def load_config(path: str):
    """The mmengine Config at ``path``, read once per test session (each
    xdist worker): callers must not change it (copy it first)."""
    from mmengine.config import Config
    return Config.fromfile(path)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that no process listens on now."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


TESTS = osp.dirname(osp.abspath(__file__))
#: the student export, as ``run_tool`` names it (under ``tools/``)
EXPORT = 'model_converters/export_student.py'
ACCKD_CONFIG = ('configs/distill/fashion_mnist_lt/'
                'acckd_resnet8_offline-ft_fashion-mnist-lt.py')
# the synthetic Fashion-MNIST-LT profile the tool tests train on (96 .. 6 images)
PROFILE = dict(imbalance_ratio=10, n_max=60)
# a randomly initialised ResNet-8 teacher; its checkpoint is the `small_teacher_ckpt`
# fixture of conftest.py
SMALL_TEACHER = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=8, in_channels=1, stem_stride=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))


def tiny_backbone(**kwargs) -> dict:
    """Config of a CLIPVisionBackbone on the tiny open_clip ViT."""
    cfg = dict(type='CLIPVisionBackbone', model_name='tiny-vit', model_cfg=TINY_VIT)
    cfg.update(kwargs)
    return cfg


def tiny_clip_teacher(peft, num_classes: int = 4):
    """An AF+LA-shaped teacher on the tiny CLIP tower with tuner ``peft``: cosine
    head (scale 25), logit-adjusted loss over counts 8, 4, 2, 1."""
    from mmpretrain.registry import MODELS
    return MODELS.build(dict(
        type='ImageClassifier', backbone=tiny_backbone(peft=copy.deepcopy(peft)),
        head=dict(type='CosineClsHead', num_classes=num_classes, in_channels=64,
                  scale=25.0, loss=dict(type='LogitAdjustLoss',
                                        class_counts=[8, 4, 2, 1]))))


def data_options(root: str, splits=('train', 'val', 'test')) -> list:
    """``--cfg-options`` that point the FMNIST configs at synthetic data."""
    opts = []
    for split in splits:
        prefix = f'{split}_dataloader.dataset'
        opts += [f'{prefix}.data_root={root}', f'{prefix}.download=False']
        opts += [f'{prefix}.{k}={v}' for k, v in PROFILE.items()]
    return opts


def run_script(script: str, *args, cwd: str = ROOT, env=None, timeout: int = 600,
               fresh: bool = False) -> subprocess.CompletedProcess:
    """``python SCRIPT ARGS`` from ``cwd``, warnings off, with ``env`` added to the
    environment: in a child of the preloaded server (``preloaded_python``), or in
    a new interpreter with ``fresh=True`` (for what only a new process shows)."""
    env = dict(os.environ, PYTHONWARNINGS='ignore', **(env or {}))
    if not fresh:
        return preloaded_python.run(script, list(args), cwd, env, timeout)
    return subprocess.run([sys.executable, script, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def error_lines(result: subprocess.CompletedProcess) -> list:
    """The non-empty lines a run wrote to stderr."""
    return [line for line in result.stderr.splitlines() if line.strip()]


def run_tool(repo_root: str, tool: str, *args, env=None,
             fresh: bool = False) -> subprocess.CompletedProcess:
    """Run ``tools/<tool>`` as ``run_script`` does, from the repository root (this
    folder on ``PYTHONPATH``)."""
    env = dict(env or {})
    env['PYTHONPATH'] = os.pathsep.join(
        [TESTS, env.get('PYTHONPATH', os.environ.get('PYTHONPATH', ''))])
    return run_script(osp.join('tools', tool), *args, cwd=repo_root, env=env,
                      fresh=fresh)


def train(repo_root: str, config: str, work_dir: str, *args, env=None,
          fresh: bool = False):
    """``tools/train.py CONFIG --work-dir WORK_DIR ARGS`` as ``run_tool`` runs it."""
    return run_tool(repo_root, 'train.py', config, '--work-dir', work_dir, *args,
                    env=env, fresh=fresh)


def small_acckd_config(tmp_path, repo_root: str, fmnist_root: str, teacher_ckpt: str,
                       epochs: int = 3, workers: int = 0, extra: str = '') -> str:
    """A small ACCKD run on synthetic Fashion-MNIST-LT (15 iterations per epoch)."""
    path = tmp_path / f'acckd_small_w{workers}.py'
    path.write_text(f'''
_base_ = [{osp.join(repo_root, ACCKD_CONFIG)!r}]
# the teacher has random weights, at chance on val on purpose: distil anyway
model = dict(teacher=dict(_delete_=True, **{SMALL_TEACHER!r}),
             teacher_ckpt={teacher_ckpt!r}, weak_teacher='warn')
profile = dict(data_root={fmnist_root!r}, n_max=60, imbalance_ratio=10, download=False)
train_dataloader = dict(batch_size=16, num_workers={workers},
                        dataset=dict(dataset=profile))
val_dataloader = dict(dataset=profile)
test_dataloader = dict(dataset=profile)
train_cfg = dict(max_epochs={epochs}, val_interval=1)
default_hooks = dict(logger=dict(interval=5),
                     checkpoint=dict(interval=1, max_keep_ckpts=3))
{extra}
''')
    return str(path)


def launch(repo_root: str, script: str, *args) -> subprocess.CompletedProcess:
    """``bash tools/SCRIPT ARGS`` (``dist_train.sh`` and the like) from the
    repository root, on a free port, one thread per process."""
    env = dict(os.environ, PYTHONWARNINGS='ignore', PYTHON=sys.executable,
               PORT=str(free_port()), OMP_NUM_THREADS='1')
    return subprocess.run(['bash', f'tools/{script}', *args], cwd=repo_root, env=env,
                          capture_output=True, text=True, timeout=600)


def assert_same_state(a: dict, b: dict) -> None:
    """Two state dicts with the same keys and bit-identical tensors."""
    import torch
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


# -- small synthetic datasets in the real on-disk formats ------------------------------
def _write_idx(path: str, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b''.join(
        int(d).to_bytes(4, 'big') for d in array.shape)
    with gzip.open(path, 'wb') as f:
        f.write(header + array.astype(np.uint8).tobytes())


def write_fashion_mnist(root: str, train_per_class=120, test_per_class=10) -> str:
    """Fashion-MNIST IDX files (gzipped) with 10 classes of 28x28 images."""
    os.makedirs(root, exist_ok=True)
    for prefix, per_class, seed in (('train', train_per_class, 0),
                                    ('t10k', test_per_class, 1)):
        labels = balanced_labels(10, per_class, seed)
        _write_idx(osp.join(root, f'{prefix}-images-idx3-ubyte.gz'),
                   class_images(labels, (28, 28), seed))
        _write_idx(osp.join(root, f'{prefix}-labels-idx1-ubyte.gz'), labels)
    return root


def write_list_dataset(root: str, split_file: str, labels: Sequence[int],
                       folder: str = 'images', size: int = 8) -> str:
    """PNG images plus a ``relative/path label`` split file."""
    import cv2
    os.makedirs(osp.join(root, folder), exist_ok=True)
    lines = []
    images = class_images(labels, (size, size, 3))
    for i, (img, y) in enumerate(zip(images, labels)):
        rel = f'{folder}/{osp.splitext(split_file)[0]}_{i:04d}.png'
        cv2.imwrite(osp.join(root, rel), img)
        lines.append(f'{rel} {int(y)}')
    with open(osp.join(root, split_file), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return osp.join(root, split_file)


class LabelsOnly:
    """A dataset of labels only, as samplers see one: ``counts[j]`` samples of
    class ``j`` in class order; an item is its label."""

    def __init__(self, counts: Sequence[int] = (100, 10, 1)):
        self.labels = np.repeat(np.arange(len(counts)), counts)

    def get_gt_labels(self) -> np.ndarray:
        return self.labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> int:
        return int(self.labels[i])
