"""Small synthetic datasets written in the real on-disk formats."""
import gzip
import os
import os.path as osp
from typing import Sequence

import numpy as np

# the CIFAR writer lives in the package (gpu_check's smoke run writes it too)
from cckd_plugin.testing.synthetic_data import (balanced_labels, class_images,
                                                write_cifar)


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


__all__ = ['LabelsOnly', 'balanced_labels', 'class_images', 'write_cifar',
           'write_fashion_mnist', 'write_list_dataset']
