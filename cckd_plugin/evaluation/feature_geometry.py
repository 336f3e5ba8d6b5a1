"""How well a feature encoder generalises, per class (the paper's Section 4.3).

All functions take features ``(N, D)`` and labels ``(N,)`` as numpy arrays and
return per-class values ``(C,)`` (``nan`` for a class without samples):

* :func:`ncm_accuracy` (Figure 3): classify test features by the nearest class
  centre, the centres computed on another (balanced) split; cosine distance.
* :func:`feature_deviation` (Figure 4a): the cosine distance between a class's
  mean feature on the training set and on the test set (Ye et al. 2020).
* :func:`separability` (Figure 4b): a test sample's distance to its own class
  centre over its mean distance to the other centres, averaged per class
  (lower is more separable); centres of the test features, cosine distance.
"""
from typing import Optional

import numpy as np


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def class_centres(features: np.ndarray, labels: np.ndarray,
                  num_classes: int) -> np.ndarray:
    """Mean feature of each class ``(C, D)`` (rows of ``nan`` for absent classes)."""
    features, labels = np.asarray(features, np.float64), np.asarray(labels)
    centres = np.full((num_classes, features.shape[1]), np.nan)
    for c in range(num_classes):
        if np.any(labels == c):
            centres[c] = features[labels == c].mean(0)
    return centres


def per_class_mean(values: np.ndarray, labels: np.ndarray,
                   num_classes: int) -> np.ndarray:
    out = np.full(num_classes, np.nan)
    for c in range(num_classes):
        if np.any(labels == c):
            out[c] = float(np.mean(values[labels == c]))
    return out


def cosine_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``1 - cos`` between every row of ``a`` ``(N, D)`` and of ``b`` ``(M, D)``:
    ``(N, M)``."""
    return 1.0 - _normalise(a) @ _normalise(b).T


def ncm_accuracy(centre_features: np.ndarray, centre_labels: np.ndarray,
                 test_features: np.ndarray, test_labels: np.ndarray,
                 num_classes: Optional[int] = None) -> np.ndarray:
    """Per-class accuracy (%) of nearest-class-mean classification of the test
    features, class centres from ``centre_features`` (cosine distance)."""
    num_classes = num_classes or int(max(np.max(centre_labels),
                                         np.max(test_labels))) + 1
    centres = class_centres(centre_features, centre_labels, num_classes)
    distances = cosine_distances(test_features, np.nan_to_num(centres))
    distances[:, np.isnan(centres).any(1)] = np.inf
    correct = (distances.argmin(1) == np.asarray(test_labels)).astype(float) * 100.0
    return per_class_mean(correct, np.asarray(test_labels), num_classes)


def feature_deviation(train_features: np.ndarray, train_labels: np.ndarray,
                      test_features: np.ndarray, test_labels: np.ndarray,
                      num_classes: Optional[int] = None) -> np.ndarray:
    """Per class, the cosine distance between its training and test mean features."""
    num_classes = num_classes or int(max(np.max(train_labels), np.max(test_labels))) + 1
    train = class_centres(train_features, train_labels, num_classes)
    test = class_centres(test_features, test_labels, num_classes)
    return 1.0 - np.sum(_normalise(train) * _normalise(test), axis=1)


def separability(features: np.ndarray, labels: np.ndarray,
                 num_classes: Optional[int] = None) -> np.ndarray:
    """Per class, the mean over its samples of (distance to the own class centre)
    / (mean distance to the other class centres); cosine distance."""
    labels = np.asarray(labels)
    num_classes = num_classes or int(np.max(labels)) + 1
    centres = class_centres(features, labels, num_classes)
    present = ~np.isnan(centres).any(1)
    distances = cosine_distances(features, np.nan_to_num(centres))  # (N, C)
    own = distances[np.arange(len(labels)), labels]
    others = np.where(present[None, :], distances, np.nan)
    others[np.arange(len(labels)), labels] = np.nan
    ratio = own / np.nanmean(others, axis=1)
    return per_class_mean(ratio, labels, num_classes)
