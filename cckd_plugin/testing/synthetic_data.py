"""Small synthetic data sets in the real on-disk formats (tests and smoke runs)."""
import os
import os.path as osp
import pickle
from typing import Sequence

import numpy as np


def class_images(labels: Sequence[int], shape, seed: int = 0) -> np.ndarray:
    """uint8 images whose brightness and stripe period depend on the label, so
    that a small network separates the classes within a few iterations."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    h, w = shape[:2]
    images = rng.integers(0, 40, size=(len(labels), *shape), dtype=np.int64)
    rows = np.arange(h)[:, None] * np.ones((1, w))
    for i, y in enumerate(labels):
        pattern = 20 * y + 60 * (np.sin(rows * (y + 1) * np.pi / h) > 0)
        if len(shape) == 3:
            pattern = pattern[..., None]
        images[i] = np.clip(images[i] + pattern, 0, 255)
    return images.astype(np.uint8)


def balanced_labels(num_classes: int, per_class: Sequence[int] | int, seed: int = 0):
    per_class = [per_class] * num_classes if isinstance(per_class, int) else per_class
    labels = np.concatenate([np.full(n, c) for c, n in enumerate(per_class)])
    return np.random.default_rng(seed).permutation(labels)


def write_cifar(root: str, num_classes: int, train_per_class, test_per_class) -> str:
    """CIFAR-10 / CIFAR-100 python pickles in MMPretrain's layout."""
    if num_classes == 10:
        folder, train_files, test_file, key = (
            'cifar-10-batches-py', [f'data_batch_{i}' for i in range(1, 6)],
            'test_batch', 'labels')
    else:
        folder, train_files, test_file, key = (
            'cifar-100-python', ['train'], 'test', 'fine_labels')
    base = osp.join(root, folder)
    os.makedirs(base, exist_ok=True)

    def dump(name, labels, seed):
        data = class_images(labels, (32, 32, 3), seed).transpose(0, 3, 1, 2)
        entry = {'data': data.reshape(len(labels), -1), key: [int(y) for y in labels]}
        with open(osp.join(base, name), 'wb') as f:
            pickle.dump(entry, f)

    labels = balanced_labels(num_classes, train_per_class, 0)
    for i, chunk in enumerate(np.array_split(labels, len(train_files))):
        dump(train_files[i], chunk, i)
    dump(test_file, balanced_labels(num_classes, test_per_class, 1), 9)
    return root


def write_tiny_cifar10(root: str) -> str:
    """CIFAR-10 pickles of 60 training and 10 test images per class under
    ``root`` (the smoke runs' stand-in for the real files); returns ``root``."""
    return write_cifar(root, 10, 60, 10)
