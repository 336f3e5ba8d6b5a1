import numpy as np
import pytest

from cckd_plugin.datasets import long_tail_counts, select_long_tail


def test_cifar100_profile_has_10847_images():
    counts = long_tail_counts(100, 500, 100)
    assert counts[0] == 500 and counts[-1] == 5
    assert sum(counts) == 10847
    assert all(a >= b for a, b in zip(counts, counts[1:]))


def test_cifar10_and_fashion_mnist_profiles():
    assert sum(long_tail_counts(10, 5000, 100)) == 12406
    assert long_tail_counts(10, 500, 100) == [500, 299, 179, 107, 64, 38, 23, 13, 8, 5]
    assert long_tail_counts(4, 7, 1) == [7, 7, 7, 7]


def test_select_long_tail_exact_counts_and_reproducible():
    labels = np.repeat(np.arange(5), 40)
    a = select_long_tail(labels, 5, imbalance_ratio=10, n_max=40, seed=3)
    b = select_long_tail(labels, 5, imbalance_ratio=10, n_max=40, seed=3)
    expected = [int(40 * 0.1**(i / 4)) for i in range(5)]
    assert a['counts'] == expected == [40, 22, 12, 7, 4]
    assert np.bincount(labels[a['indices']], minlength=5).tolist() == expected
    np.testing.assert_array_equal(a['indices'], b['indices'])
    for c, unused in enumerate(a['unused']):
        assert len(unused) == 40 - expected[c]
        assert not set(unused) & set(a['indices'])
    c = select_long_tail(labels, 5, imbalance_ratio=10, n_max=40, seed=4)
    assert not np.array_equal(a['indices'], c['indices'])


def test_profile_bad_input():
    with pytest.raises(ValueError, match='imbalance_ratio must be >= 1'):
        long_tail_counts(10, 100, 0.5)
    with pytest.raises(ValueError, match='n_max=50 asks for 50 images of class 0, '
                       'which has only 40'):
        select_long_tail(np.repeat(np.arange(3), 40), 3, 10, n_max=50)
    with pytest.raises(ValueError, match=r'labels must lie in \[0, 3\)'):
        select_long_tail([0, 1, 3], 3, 10)
