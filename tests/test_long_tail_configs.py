"""The long-tail menu's CIFAR-100-LT and ImageNet-LT configs load their training
data as the GPU runs will (synthetic CIFAR pickles and ImageNet-style list files):
the sampler, the repeat-factor wrapper and the pairs are the ones the config
names, a progressive sampler ends with the run, a batch comes out. (Every leaf's
model builds in test_config_leaves.py.)"""
import glob
import os.path as osp

import numpy as np
import pytest
from helpers import ROOT
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from synthetic_data import write_cifar, write_list_dataset

from cckd_plugin.datasets import ClassPowerSampler
from cckd_plugin.engine import prepare_cfg

pytestmark = pytest.mark.sweep

RESAMPLING = ('repeat-factor', 'class-aware-sampling', 'progressive-sampling')
CONFIGS = sorted(
    osp.relpath(p, ROOT) for data in ('cifar100-lt', 'imagenet-lt')
    for p in glob.glob(osp.join(ROOT, 'configs', '**', f'*_{data}.py'), recursive=True)
    if any(f'{r}_' in osp.basename(p) for r in RESAMPLING))


def test_every_dataset_has_the_three_resampling_methods_alone_and_under_acckd():
    assert len(CONFIGS) == 12


@pytest.fixture(scope='module')
def roots(tmp_path_factory):
    cifar = write_cifar(str(tmp_path_factory.mktemp('c100')), 100, 6, 1)
    imagenet = str(tmp_path_factory.mktemp('imagenet_lt'))
    labels = [c for c, n in enumerate([12, 6, 3, 2, 1]) for _ in range(n)]
    write_list_dataset(imagenet, 'ImageNet_LT_train.txt', labels, size=40)
    return dict(cifar=cifar, imagenet=imagenet)


def innermost(dataset: dict) -> dict:
    while 'dataset' in dataset:
        dataset = dataset['dataset']
    return dataset


@pytest.mark.parametrize('path', CONFIGS)
def test_training_data_loads(path, roots):
    cfg = Config.fromfile(osp.join(ROOT, path))
    data = innermost(cfg.train_dataloader.dataset)
    if 'cifar100' in path:
        data.update(data_root=roots['cifar'], n_max=6, imbalance_ratio=6,
                    ldam_subset=False, verify_md5=False, download=False)
    else:
        data.update(data_root=roots['imagenet'])
    cfg.train_dataloader.update(batch_size=4, num_workers=0)
    cfg = prepare_cfg(cfg)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    name = osp.basename(path)
    outer = type(loader.dataset).__name__
    assert outer == ('ClassBalancedPairDataset' if name.startswith('acckd')
                     else 'ClassBalancedDataset' if 'repeat-factor' in name
                     else type(loader.dataset).__name__)
    if 'repeat-factor' in name:
        wrapper = loader.dataset.dataset if name.startswith('acckd') else loader.dataset
        assert type(wrapper).__name__ == 'ClassBalancedDataset'
        assert wrapper.oversample_thr == 0.001
        # every image repeated ceil(max(1, sqrt(t / f_c))) times, f_c its class share
        labels = np.asarray(wrapper.dataset.get_gt_labels())
        share = np.bincount(labels)[labels] / len(labels)
        repeats = np.ceil(np.maximum(1.0, np.sqrt(0.001 / share)))
        assert len(wrapper) == int(repeats.sum())
    else:
        sampler = loader.sampler
        assert isinstance(sampler, ClassPowerSampler) and sampler.power == 0.0
        assert sampler.progressive == ('progressive' in name)
        if sampler.progressive:
            assert sampler.max_epochs == cfg.train_cfg.max_epochs == 200
    batch = next(iter(loader))
    size = 32 if 'cifar100' in path else 224
    assert tuple(batch['inputs'][0].shape) == (3, size, size)
    labels = np.array([int(s.gt_label) for s in batch['data_samples']])
    assert len(labels) == 4 and labels.max() < (100 if 'cifar100' in path else 1000)
