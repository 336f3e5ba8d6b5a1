"""File-based views are a function of (seed, epoch, index, role): the same with
0 or 2 data-loader workers and in any batch, new with the epoch and the role,
and the caller's random states untouched. Persistent workers, which would keep
the first epoch's draws, are refused at start-up."""
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from helpers import write_list_dataset
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmpretrain.registry import DATASETS

from cckd_plugin.datasets import ClassBalancedPairDataset
from cckd_plugin.datasets.replayable_views import seeded_view, view_seed
from cckd_plugin.engine.hooks import EpochSeedHook

LABELS = [c for c, n in enumerate([8, 4, 2, 1, 1]) for _ in range(n)]  # 16 images
PIPELINE = [dict(type='LoadImageFromFile'),
            dict(type='RandomResizedCrop', scale=12),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='PackInputs')]


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('list'))
    write_list_dataset(root, 'ImageNet_LT_train.txt', LABELS, size=24)
    return root


def dataset(root, wrapper=None):
    data = dict(type='ImageNetLT', data_root=root, ann_file='ImageNet_LT_train.txt',
                pipeline=PIPELINE)
    if wrapper == 'pairs':
        data = dict(type='ClassBalancedPairDataset', seed=0, dataset=data)
    elif wrapper == 'pairs+repeat':
        data = dict(type='ClassBalancedPairDataset', seed=0, dataset=dict(
            type='ClassBalancedDataset', oversample_thr=0.2, dataset=data))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(data)


def views(data, workers: int, epoch: int = 1, seed: int = 7, batch_size: int = 4):
    """Every image of one epoch, by index: (sample, partner) tensors."""
    data.set_epoch(epoch, seed)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(dict(
            dataset=data, batch_size=batch_size, num_workers=workers,
            persistent_workers=False,
            sampler=dict(type='DefaultSampler', shuffle=True, seed=workers)), seed=0)
    out = {}  # image index -> its views (a repeated image has several)
    for batch in loader:
        for i, sample in enumerate(batch['data_samples']):
            partner = batch['partner_inputs'][i].numpy().tobytes() \
                if 'partner_inputs' in batch else b''
            out.setdefault(sample.sample_idx, []).append(
                (batch['inputs'][i].numpy().tobytes(), partner))
    return {index: sorted(seen) for index, seen in out.items()}


@pytest.mark.parametrize('wrapper', [None, 'pairs', 'pairs+repeat'])
def test_views_do_not_depend_on_workers_or_batches(root, wrapper):
    """Loaded in another order, batch size and number of workers, every index
    gets the same view (and partner view)."""
    a = views(dataset(root, wrapper), workers=0, batch_size=4)
    b = views(dataset(root, wrapper), workers=2, batch_size=3)
    assert a.keys() == set(range(len(LABELS)))
    assert a == b
    if wrapper == 'pairs+repeat':  # the repeated images got views of their own
        assert any(len(set(seen)) > 1 for seen in a.values())


def test_views_change_with_the_epoch_the_seed_and_the_role(root):
    data = dataset(root, 'pairs')
    first, second = views(data, 0, epoch=1), views(data, 0, epoch=2)
    other_seed = views(data, 0, epoch=1, seed=8)
    differ = lambda x, y: sum(x[i] != y[i] for i in x)  # noqa
    assert differ(first, second) > len(first) // 2
    assert differ(first, other_seed) > len(first) // 2
    # a sample and the same image drawn as a partner have different views
    data.set_epoch(1, 7)
    plain = data.dataset.fetch_batch([3], role=0)[0]['inputs']
    as_partner = data.dataset.fetch_batch([3], role=1)[0]['inputs']
    assert not torch.equal(plain, as_partner)
    assert torch.equal(plain, data.dataset.fetch_batch([3], role=0)[0]['inputs'])


def test_the_callers_random_states_are_restored():
    np.random.seed(1)
    random.seed(1)
    torch.manual_seed(1)
    expected = np.random.rand(), random.random(), torch.rand(1)
    np.random.seed(1)
    random.seed(1)
    torch.manual_seed(1)
    with seeded_view(0, 1, 2, 0):
        inside = np.random.rand()
    assert (np.random.rand(), random.random(), torch.rand(1)) == expected
    np.random.seed(view_seed(0, 1, 2, 0))
    assert inside == np.random.rand()  # the view's own seed
    assert len({view_seed(0, 1, 2, r) for r in range(3)} |
               {view_seed(0, 2, 2, 0), view_seed(1, 1, 2, 0)}) == 5


def test_persistent_workers_are_refused_for_an_epoch_aware_training_set(root):
    loader = SimpleNamespace(dataset=dataset(root, 'pairs'), persistent_workers=True)
    runner = SimpleNamespace(train_dataloader=loader, model=torch.nn.Linear(1, 1))
    with pytest.raises(ValueError, match=r'train_dataloader.persistent_workers=True: '
                       r"the workers would keep epoch 0's augmentation draws \(and "
                       r'partners\) of ClassBalancedPairDataset'):
        EpochSeedHook().before_train(runner)
    loader.persistent_workers = False
    EpochSeedHook().before_train(runner)
    assert isinstance(loader.dataset, ClassBalancedPairDataset)
