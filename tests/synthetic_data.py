"""Small synthetic datasets written in the real on-disk formats."""
import gzip
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
