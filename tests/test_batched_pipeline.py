"""Batched fetching of in-memory datasets: the same results as the per-sample
pipeline, draws that depend on (seed, epoch, index, role) only."""
import numpy as np
import pytest
import torch
from helpers import write_cifar
from mmpretrain.registry import DATASETS

from cckd_plugin.datasets import BatchedPipeline

TRAIN = [dict(type='RandomCrop', crop_size=28, padding=2),
         dict(type='RandomFlip', prob=0.5, direction='horizontal'),
         dict(type='PackInputs')]


def fmnist(root, pipeline, split='train'):
    return DATASETS.build(dict(type='FashionMNISTLT', data_root=root, split=split,
                               n_max=60, imbalance_ratio=10, download=False,
                               pipeline=pipeline))


@pytest.mark.parametrize('split', ['train', 'test'])
def test_deterministic_pipeline_equals_the_per_sample_one(fmnist_root, split):
    ds = fmnist(fmnist_root, [dict(type='PackInputs')], split)
    indices = [0, 7, 3, len(ds) - 1]
    for item, i in zip(ds.__getitems__(indices), indices):
        plain = ds[i]
        assert item['inputs'].dtype == plain['inputs'].dtype == torch.uint8
        assert torch.equal(item['inputs'], plain['inputs'])
        assert int(item['data_samples'].gt_label) == int(plain['data_samples'].gt_label)
        assert item['data_samples'].sample_idx == i


def test_cifar_channels_last_images_are_packed_channels_first(tmp_path):
    root = write_cifar(str(tmp_path), 10, 6, 2)
    ds = DATASETS.build(
        dict(
            type='CIFAR10LT',
            data_root=root,
            imbalance_ratio=1,
            n_max=6,
            verify_md5=False,
            download=False,
            pipeline=[dict(type='PackInputs')]))
    item = ds.__getitems__([4])[0]
    assert item['inputs'].shape == (3, 32, 32)
    assert torch.equal(item['inputs'], ds[4]['inputs'])


def test_crop_and_flip_follow_their_draws(fmnist_root):
    """Each image is the padded image cropped at its drawn offset, flipped when
    its draw says so: what RandomCrop(padding=2) and RandomFlip do to it."""
    ds = fmnist(fmnist_root, TRAIN)
    plain = fmnist(fmnist_root, [dict(type='PackInputs')])
    ds.set_epoch(3, seed=11)
    indices = np.array([5, 1, 9, 40, 2])
    items = ds.__getitems__(indices)
    draws = ds._batched['draws'][0]
    for item, i in zip(items, indices):
        image = plain[i]['inputs'].numpy()[0]
        padded = np.pad(image, 2)
        oh, ow = draws['offset_h'][i], draws['offset_w'][i]
        expected = padded[oh:oh + 28, ow:ow + 28]
        if draws['flip'][i]:
            expected = expected[:, ::-1]
        np.testing.assert_array_equal(item['inputs'].numpy()[0], expected)
        assert item['data_samples'].flip == bool(draws['flip'][i])


def test_draws_depend_on_seed_epoch_index_and_role_only(fmnist_root):
    ds = fmnist(fmnist_root, TRAIN)
    ds.set_epoch(2, seed=5)
    together = ds.__getitems__([3, 8, 20])
    alone = ds.__getitems__([20]) + ds.__getitems__([8]) + ds.__getitems__([3])
    for a, b in zip(together, alone[::-1]):
        assert torch.equal(a['inputs'], b['inputs'])
    other_role = ds.fetch_batch([3, 8, 20], role=1)
    ds.set_epoch(3, seed=5)
    next_epoch = ds.__getitems__([3, 8, 20])
    ds.set_epoch(2, seed=6)
    other_seed = ds.__getitems__([3, 8, 20])
    for new in (other_role, next_epoch, other_seed):
        assert any(not torch.equal(a['inputs'], b['inputs'])
                   for a, b in zip(together, new))
    # over an epoch, offsets cover 0..4 evenly and about half the images flip
    ds.__getitems__(range(len(ds)))
    draws = ds._batched['draws'][0]
    assert set(np.unique(draws['offset_h'])) == {0, 1, 2, 3, 4}
    assert 0.35 < draws['flip'].mean() < 0.65


def test_other_pipelines_run_per_sample(fmnist_root):
    pipeline = [dict(type='Resize', scale=32), dict(type='PackInputs')]
    assert BatchedPipeline.compile(fmnist(fmnist_root,
                                          pipeline).pipeline.transforms) is None
    ds = fmnist(fmnist_root, pipeline)
    item = ds.__getitems__([4])[0]
    assert item['inputs'].shape == (1, 32, 32)
    assert torch.equal(item['inputs'], ds[4]['inputs'])
    reflect = [dict(type='RandomCrop', crop_size=28, padding=2, padding_mode='reflect'),
               dict(type='PackInputs')]
    assert BatchedPipeline.compile(fmnist(fmnist_root,
                                          reflect).pipeline.transforms) is None


def test_pairs_come_batched_with_their_partners(fmnist_root):
    pairs = DATASETS.build(
        dict(
            type='ClassBalancedPairDataset',
            seed=1,
            dataset=dict(
                type='FashionMNISTLT',
                data_root=fmnist_root,
                n_max=60,
                imbalance_ratio=10,
                download=False,
                pipeline=TRAIN)))
    pairs.set_epoch(4, seed=0)
    batch = pairs.__getitems__([2, 30])
    for item, i in zip(batch, [2, 30]):
        partner = pairs.partner_index(i)
        assert int(
            item['partner_data_samples'].gt_label) == pairs.get_gt_labels()[partner]
        assert item['partner_data_samples'].sample_idx == partner
        # a partner has draws of its own (role 1), not those of the image as a sample
        as_partner = pairs.dataset.fetch_batch([partner], role=1)[0]
        assert torch.equal(item['partner_inputs'], as_partner['inputs'])
