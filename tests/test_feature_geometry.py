"""The feature analyses (Figures 3, 4 and 9) against direct computations on
small hand-made features."""
import math

import numpy as np
import pytest

from cckd_plugin.evaluation.feature_geometry import (feature_deviation, ncm_accuracy,
                                                     separability)


def unit(angle_deg):
    a = math.radians(angle_deg)
    return [math.cos(a), math.sin(a)]


def test_ncm_accuracy_by_hand():
    # centres (from a balanced split) at 0 and 90 degrees
    centre_x = np.array([unit(-10), unit(10), unit(80), unit(100)])
    centre_y = np.array([0, 0, 1, 1])
    # class 0 test samples at 20 and 60 degrees (the second is nearer class 1's
    # centre), class 1 at 70 degrees
    test_x = np.array([unit(20), unit(60), unit(70)])
    test_y = np.array([0, 0, 1])
    np.testing.assert_allclose(ncm_accuracy(centre_x, centre_y, test_x, test_y),
                               [50.0, 100.0])
    # scale does not matter (cosine), an absent class is nan
    acc = ncm_accuracy(centre_x * 7, centre_y, test_x * 0.1, test_y, num_classes=3)
    assert acc[:2].tolist() == [50.0, 100.0] and math.isnan(acc[2])


def test_feature_deviation_is_the_cosine_distance_of_class_means():
    rng = np.random.default_rng(0)
    train_x, test_x = rng.normal(size=(40, 3)), rng.normal(size=(30, 3))
    train_y, test_y = rng.integers(0, 3, 40), rng.integers(0, 3, 30)
    got = feature_deviation(train_x, train_y, test_x, test_y)
    for c in range(3):
        a, b = train_x[train_y == c].mean(0), test_x[test_y == c].mean(0)
        expected = 1 - a @ b / np.linalg.norm(a) / np.linalg.norm(b)
        assert got[c] == pytest.approx(expected)
    same = feature_deviation(train_x, train_y, train_x, train_y)
    np.testing.assert_allclose(same, 0.0, atol=1e-12)


def test_separability_by_direct_computation():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(24, 4))
    y = np.repeat([0, 1, 2], 8)
    got = separability(x, y)

    def cos_dist(a, b):
        return 1 - a @ b / np.linalg.norm(a) / np.linalg.norm(b)

    centres = [x[y == c].mean(0) for c in range(3)]
    for c in range(3):
        ratios = []
        for xi in x[y == c]:
            own = cos_dist(xi, centres[c])
            others = np.mean([cos_dist(xi, centres[k]) for k in range(3) if k != c])
            ratios.append(own / others)
        assert got[c] == pytest.approx(np.mean(ratios))
    # tight, far-apart clusters are more separable (smaller ratio)
    tight = np.concatenate([np.array(unit(a)) + rng.normal(0, 0.01, (8, 2))
                            for a in (0, 120, 240)])
    loose = np.concatenate([np.array(unit(a)) + rng.normal(0, 0.5, (8, 2))
                            for a in (0, 120, 240)])
    assert separability(tight, y).max() < separability(loose, y).min()
