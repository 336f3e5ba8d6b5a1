"""The exponential long-tail profile and per-class subsampling.

Class ``i`` (of ``C``, in class-index order) keeps
``n_i = int(n_max * (1 / imbalance_ratio) ** (i / (C - 1)))`` images
(Cui et al. 2019). With ``n_max=500`` and ratio 100 on CIFAR-100 this keeps
10,847 images, 500 down to 5.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np


def long_tail_counts(num_classes: int, n_max: int, imbalance_ratio: float) -> List[int]:
    """Per-class image counts of the exponential profile.

    Args:
        num_classes: number of classes ``C``.
        n_max: images kept for class 0.
        imbalance_ratio: ``n_max / n_min``; 1 keeps ``n_max`` everywhere.

    Returns:
        ``C`` ints, non-increasing.
    """
    if imbalance_ratio < 1:
        raise ValueError(f'imbalance_ratio must be >= 1, got {imbalance_ratio}')
    if n_max < 1:
        raise ValueError(f'n_max must be >= 1, got {n_max}')
    if num_classes == 1:
        return [int(n_max)]
    return [
        int(n_max * (1.0 / imbalance_ratio)**(i / (num_classes - 1)))
        for i in range(num_classes)
    ]


def select_long_tail(labels: Sequence[int],
                     num_classes: int,
                     imbalance_ratio: float,
                     n_max: Optional[int] = None,
                     seed: int = 0,
                     ldam_shuffle: bool = False,
                     counts: Optional[Sequence[int]] = None) -> Dict[str, object]:
    """Choose which samples of a dataset form its long-tailed subset.

    Within each class the samples are shuffled with ``seed`` and the first
    ``n_i`` are kept; the rest are returned per class (shuffled) so that
    further disjoint splits can be cut from them. With ``ldam_shuffle`` the
    shuffle is the one of Cao et al.'s ``IMBALANCECIFAR`` (LDAM-DRW,
    ``imbalance_cifar.py``): NumPy's legacy generator seeded once with
    ``seed``, each class's indices shuffled in turn, so the same images are
    kept as in their CIFAR-LT (``rand_number=seed``).

    Args:
        labels: label of every sample, ``(N,)`` ints in ``[0, num_classes)``.
        num_classes: number of classes.
        imbalance_ratio: ``n_max / n_min``, at least 1.
        n_max: images of class 0; defaults to the smallest class size so that
            every class can be served.
        seed: seed of the per-class shuffle.
        ldam_shuffle: see above.
        counts: explicit images per class instead of the exponential profile.

    Returns:
        dict with ``indices`` (sorted kept indices), ``counts`` (per-class kept
        counts) and ``unused`` (per-class arrays of the indices not kept).
    """
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'labels must lie in [0, {num_classes}), got '
                         f'[{labels.min()}, {labels.max()}]')
    available = np.bincount(labels, minlength=num_classes)
    if counts is None:
        if n_max is None:
            n_max = int(available.min())
        counts = long_tail_counts(num_classes, int(n_max), imbalance_ratio)
    counts = [int(c) for c in counts]
    short = [c for c in range(num_classes) if counts[c] > available[c]]
    if short:
        c = short[0]
        raise ValueError(
            f'{f"n_max={n_max}" if n_max is not None else "counts"} asks for '
            f'{counts[c]} images of class {c}, which has only {available[c]}')
    rng = np.random.default_rng(seed)
    legacy = np.random.RandomState(seed)
    kept, unused = [], []
    for c in range(num_classes):
        if ldam_shuffle:
            members = np.flatnonzero(labels == c)
            legacy.shuffle(members)
        else:
            members = rng.permutation(np.flatnonzero(labels == c))
        kept.append(members[:counts[c]])
        unused.append(members[counts[c]:])
    indices = np.sort(np.concatenate(kept)) if kept else np.zeros(0, np.int64)
    return dict(indices=indices, counts=counts, unused=unused)
