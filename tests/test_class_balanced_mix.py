"""Class-balanced partners and Algorithm 1's mixing."""
import numpy as np
import pytest
import torch
from mmpretrain.registry import BATCH_AUGMENTS, DATASETS

from cckd_plugin.datasets import long_tail_counts


@pytest.fixture(scope='module')
def pairs(fmnist_root):
    return DATASETS.build(dict(
        type='ClassBalancedPairDataset', seed=3,
        dataset=dict(type='FashionMNISTLT', data_root=fmnist_root, n_max=60,
                     imbalance_ratio=30, download=False,
                     pipeline=[dict(type='PackInputs')])))


def test_partner_classes_are_uniform(pairs):
    counts = long_tail_counts(10, 60, 30)
    assert pairs.class_counts == counts and counts[-1] == 2
    labels = pairs.get_gt_labels()
    drawn = []
    for epoch in range(30):
        pairs.set_epoch(epoch)
        drawn += [labels[pairs.partner_index(i)] for i in range(len(pairs))]
    freq = np.bincount(drawn, minlength=10) / len(drawn)
    np.testing.assert_allclose(freq, 0.1, atol=0.015)  # 6,360 draws
    # while the plain data is long-tailed
    assert np.bincount(labels)[0] / len(labels) > 0.25


def test_partners_reproducible_per_seed_epoch_index(pairs):
    pairs.set_epoch(4)
    first = [pairs.partner_index(i) for i in range(len(pairs))]
    assert first == [pairs.partner_index(i) for i in range(len(pairs))]
    pairs.set_epoch(5)
    assert first != [pairs.partner_index(i) for i in range(len(pairs))]
    pairs.set_epoch(4)
    # two "ranks" owning disjoint halves draw exactly what one process draws
    rank0 = {i: pairs.partner_index(i) for i in range(0, len(pairs), 2)}
    rank1 = {i: pairs.partner_index(i) for i in range(1, len(pairs), 2)}
    assert {**rank0, **rank1} == dict(enumerate(first))
    item = pairs[7]
    assert item['partner_inputs'].shape == item['inputs'].shape == (1, 28, 28)
    assert int(item['partner_data_samples'].gt_label) == \
        pairs.get_gt_labels()[pairs.partner_index(7)]


def test_mixup_and_cutmix_follow_lambda():
    mix = BATCH_AUGMENTS.build(dict(type='ClassBalancedMix', alpha=0.5, mixup_prob=0.5))
    x = torch.zeros(2, 1, 28, 28)
    partner = torch.ones(2, 1, 28, 28)
    rng = np.random.default_rng(0)
    modes, lams = set(), []
    for _ in range(300):
        mixed, lam, mode = mix(x, partner, rng)
        modes.add(mode)
        lams.append(lam)
        assert lam >= 0.5
        if mode == 'mixup':
            torch.testing.assert_close(mixed, torch.full_like(x, lam))
        else:  # the share of pixels still from the partner is lambda
            assert set(mixed.unique().tolist()) <= {0.0, 1.0}
            assert float(mixed.mean()) == pytest.approx(lam, abs=1e-6)
    assert modes == {'mixup', 'cutmix'}
    assert 0.6 < np.mean(lams) < 0.9  # Beta(0.5, 0.5) folded above 0.5: mean 1/2 + 1/pi
    a = mix(x, partner, np.random.default_rng(5))
    b = mix(x, partner, np.random.default_rng(5))
    assert a[1:] == b[1:] and torch.equal(a[0], b[0])


@pytest.mark.parametrize('sampling', ['random+random', 'balanced+balanced'])
def test_mix_sampling_strategies(fmnist_root, sampling):
    """Figure 7: the two images of a mix drawn by two random samplers (partner
    classes follow the training counts) or two class-balanced ones (both uniform)."""
    pairs = DATASETS.build(dict(
        type='ClassBalancedPairDataset', seed=3, mix_sampling=sampling,
        dataset=dict(type='FashionMNISTLT', data_root=fmnist_root, n_max=60,
                     imbalance_ratio=30, download=False,
                     pipeline=[dict(type='PackInputs')])))
    labels = pairs.get_gt_labels()
    counts = np.bincount(labels, minlength=10)
    partner, other = [], []
    for epoch in range(30):
        pairs.set_epoch(epoch)
        for i in range(len(pairs)):
            if sampling == 'random+random':
                partner.append(labels[pairs.random_index(i)])
            else:
                partner.append(labels[pairs.partner_index(i)])
                other.append(labels[pairs.partner_index(i, draw=1)])
    freq = np.bincount(partner, minlength=10) / len(partner)
    if sampling == 'random+random':
        np.testing.assert_allclose(freq, counts / counts.sum(), atol=0.015)
        assert 'mix_inputs' not in pairs[3]
    else:
        np.testing.assert_allclose(freq, 0.1, atol=0.015)
        np.testing.assert_allclose(np.bincount(other, minlength=10) / len(other), 0.1,
                                   atol=0.015)
        assert np.mean(np.array(partner) == np.array(other)) < 0.2  # independent draws
        pairs.set_epoch(0)
        item = pairs[3]
        assert int(item['mix_data_samples'].gt_label) == labels[pairs.partner_index(
            3, 1)]
    with pytest.raises(
            ValueError, match=r"mix_sampling must be one of \['random\+balanced'"):
        DATASETS.build(dict(type='ClassBalancedPairDataset', mix_sampling='balanced',
                            dataset=pairs.dataset))
