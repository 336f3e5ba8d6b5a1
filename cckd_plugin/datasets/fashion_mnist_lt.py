"""Fashion-MNIST-LT: the offline benchmark of this plugin.

From the 60,000 official training images the ``train`` split keeps a
long-tailed subset (``n_max=500``, ratio 100: 500, 299, 179, 107, 64, 38, 23,
13, 8, 5). Two further balanced splits are cut only from the training images
the long-tailed split did not use: ``val`` (20 per class) and ``pool`` (all
the rest that keeps every class equal, 5,480 per class by default; the
offline teacher is pre-trained on it). ``test`` is the official balanced
10,000-image test set.
"""
import gzip
import os.path as osp
from typing import List, Optional, Sequence, Tuple
from urllib.parse import urljoin

import numpy as np
from mmpretrain.datasets import BaseDataset, FashionMNIST
from mmpretrain.datasets.categories import FASHIONMNIST_CATEGORITES
from mmpretrain.datasets.utils import download_and_extract_archive
from mmpretrain.registry import DATASETS

from .batched_pipeline import InMemoryBatchMixin
from .long_tail_profile import long_tail_counts, select_long_tail

DEBIAN_DIR = '/usr/share/datasets/fashion-mnist'
IDX_FILES = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: '>i2', 0x0C: '>i4', 0x0D: '>f4',
               0x0E: '>f8'}


def read_idx(path: str) -> np.ndarray:
    """Read an IDX file (optionally gzipped) into an array."""
    opener = gzip.open if path.endswith('.gz') else open
    try:
        with opener(path, 'rb') as f:
            data = f.read()
    except (EOFError, OSError) as err:  # a cut or corrupt download
        raise ValueError(f'IDX file {path} is truncated or corrupt ({err})') from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f'not an IDX file: {path}')
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    array = np.frombuffer(data, dtype=_IDX_DTYPES[data[2]], offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f'IDX file {path} is truncated: expected shape {shape}')
    return array.reshape(shape)


def _idx_path(folder: str, name: str) -> Optional[str]:
    for candidate in (osp.join(folder, name), osp.join(folder, name + '.gz')):
        if osp.isfile(candidate):
            return candidate
    return None


def find_fashion_mnist(data_root: str, download: bool,
                       source: str = 'train') -> Tuple[str, str]:
    """Locate the IDX files of ``source`` (``'train'`` or ``'test'``):
    ``data_root``, then Debian's folder, then download into ``data_root``.
    Without download, a ``data_root`` that holds some of the files but not all
    is an error, not a reason to read another copy.

    Returns:
        ``(images, labels)`` paths.

    Raises:
        FileNotFoundError: the files are nowhere and cannot be downloaded.
    """

    def complete(folder):
        paths = tuple(_idx_path(folder, n) for n in IDX_FILES[source])
        return paths if all(paths) else None

    if data_root and not download:  # (a download completes the folder)
        present = [n for n in IDX_FILES[source] if _idx_path(data_root, n)]
        if present and len(present) < len(IDX_FILES[source]):
            missing = [n for n in IDX_FILES[source] if n not in present]
            raise FileNotFoundError(
                f'data_root={data_root!r} holds {", ".join(present)} but not '
                f'{", ".join(missing)}: the Fashion-MNIST files there are incomplete '
                f'(restore them, or point data_root elsewhere)')
    for folder in (data_root, DEBIAN_DIR):
        if folder and complete(folder):
            return complete(folder)
    hint = (f'Fashion-MNIST files not found in data_root={data_root!r} nor in '
            f'{DEBIAN_DIR}: install the Debian package dataset-fashion-mnist '
            f'(apt-get install dataset-fashion-mnist) or copy the four IDX files '
            f'into data_root')
    if not download or not data_root:
        raise FileNotFoundError(hint)
    try:
        for name, md5 in FashionMNIST.train_list + FashionMNIST.test_list:
            download_and_extract_archive(
                urljoin(FashionMNIST.url_prefix, name),
                download_root=data_root,
                filename=name,
                md5=md5)
    except Exception as err:  # no network, bad mirror, ...
        raise FileNotFoundError(f'{hint} (download failed: {err})') from None
    if not complete(data_root):
        raise FileNotFoundError(hint)
    return complete(data_root)


@DATASETS.register_module()
class FashionMNISTLT(InMemoryBatchMixin, BaseDataset):
    """Long-tailed Fashion-MNIST with disjoint ``val`` and ``pool`` splits.

    The images are in memory, so a loader's batches run through the batched
    form of the pipeline (:class:`~cckd_plugin.datasets.BatchedPipeline`).

    Args:
        data_root: folder with the IDX files (raw or ``.gz``); Debian's
            ``/usr/share/datasets/fashion-mnist`` is used when they are not there.
        split: ``'train'`` (long-tailed), ``'val'``, ``'pool'`` or ``'test'``.
        imbalance_ratio: ``n_max / n_min``, at least 1.
        n_max: training images of class 0 (default 500).
        seed: seed of the per-class draw shared by ``train``, ``val`` and ``pool``.
        val_per_class: images per class in ``val``.
        pool_per_class: images per class in ``pool``; default: as many as every
            class can give.
        download: fetch the files as MMPretrain's ``FashionMNIST`` does when
            they are found nowhere.
        counts: the ``train`` split's images per class, instead of the
            exponential profile (e.g. ``[2000, 100, 5, 0, ...]``).
        label_map: after the splits are cut (so they stay disjoint), the new
            label of each of the 10 classes, or ``None`` to leave its images out
            (e.g. coarse classes for pre-training, a 3-class subset).
        classes: the names of the new labels (with ``label_map``).
        **kwargs: passed to :class:`mmpretrain.datasets.BaseDataset`.
    """

    METAINFO = {'classes': FASHIONMNIST_CATEGORITES}
    SPLITS = ('train', 'val', 'pool', 'test')

    def __init__(self, data_root: str = 'data/fashion_mnist', split: str = 'train',
                 imbalance_ratio: float = 100, n_max: int = 500, seed: int = 0,
                 val_per_class: int = 20, pool_per_class: Optional[int] = None,
                 download: bool = True, counts: Optional[Sequence[int]] = None,
                 label_map: Optional[Sequence[Optional[int]]] = None,
                 classes: Optional[Sequence[str]] = None, **kwargs):
        if split not in self.SPLITS:
            raise ValueError(f'FashionMNISTLT: split must be one of {self.SPLITS}, '
                             f'got {split!r}')
        if imbalance_ratio < 1:
            raise ValueError(f'FashionMNISTLT: imbalance_ratio must be >= 1, '
                             f'got {imbalance_ratio}')
        if val_per_class < 0 or (pool_per_class is not None and pool_per_class < 0):
            raise ValueError('FashionMNISTLT: val_per_class and pool_per_class must '
                             'be >= 0')
        self.split = split
        self.imbalance_ratio = imbalance_ratio
        self.n_max = int(n_max)
        self.lt_seed = seed
        self.val_per_class = int(val_per_class)
        self.pool_per_class = pool_per_class
        self.download = download
        self.counts = None if counts is None else [int(c) for c in counts]
        if self.counts is not None and len(
                self.counts) != len(FASHIONMNIST_CATEGORITES):
            raise ValueError(
                f'FashionMNISTLT: counts needs 10 entries, got {len(self.counts)}')
        self.label_map = None if label_map is None else list(label_map)
        metainfo = dict(kwargs.pop('metainfo', None) or {})
        if self.label_map is not None:
            kept = sorted({c for c in self.label_map if c is not None})
            if len(self.label_map) != 10 or kept != list(range(len(kept))):
                raise ValueError(
                    'FashionMNISTLT: label_map needs 10 entries mapping onto '
                    f'0..K-1 or None, got {self.label_map}')
            if classes is None or len(classes) != len(kept):
                raise ValueError(
                    f'FashionMNISTLT: label_map gives {len(kept)} classes; '
                    f'name them with classes=[...]')
            metainfo['classes'] = tuple(classes)
        super().__init__(ann_file='', data_root=data_root, metainfo=metainfo, **kwargs)

    def load_data_list(self) -> List[dict]:
        source = 'test' if self.split == 'test' else 'train'
        images, labels = (read_idx(p) for p in
                          find_fashion_mnist(self.data_root, self.download, source))
        if source == 'test':
            indices = np.arange(len(labels))
        else:
            indices = self._split_indices(labels)
        new = (lambda y: int(y)) if self.label_map is None else (
            lambda y: self.label_map[y])
        return [dict(img=images[i], gt_label=new(labels[i])) for i in indices
                if new(labels[i]) is not None]

    def _split_indices(self, labels: np.ndarray) -> np.ndarray:
        num_classes = len(FASHIONMNIST_CATEGORITES)
        try:
            chosen = select_long_tail(labels, num_classes, self.imbalance_ratio,
                                      self.n_max, self.lt_seed, counts=self.counts)
        except ValueError as err:
            raise ValueError(f'FashionMNISTLT: {err}') from None
        if self.split == 'train':
            return chosen['indices']
        rest = chosen['unused']
        room = min(len(r) for r in rest) - self.val_per_class
        if room < 0:
            raise ValueError(f'FashionMNISTLT: val_per_class={self.val_per_class} '
                             f'exceeds the unused images of some class')
        if self.split == 'val':
            parts = [r[:self.val_per_class] for r in rest]
        else:
            size = room if self.pool_per_class is None else int(self.pool_per_class)
            if size > room:
                raise ValueError(f'FashionMNISTLT: pool_per_class={size} exceeds the '
                                 f'{room} unused images every class can give')
            parts = [r[self.val_per_class:self.val_per_class + size] for r in rest]
        return np.sort(np.concatenate(parts))

    @property
    def class_counts(self) -> List[int]:
        """Images per class, ``(C,)`` ints, of this split when it is a training
        split (``train``, ``pool``); of the long-tailed training profile for
        ``val`` and ``test``, so that an evaluation knows the shot groups."""
        num_classes = len(self.metainfo['classes'])
        if self.split in ('train', 'pool'):
            labels = np.asarray(self.get_gt_labels(), dtype=np.int64)
            return np.bincount(labels, minlength=num_classes).tolist()
        fine = self.counts or long_tail_counts(10, self.n_max, self.imbalance_ratio)
        if self.label_map is None:
            return list(fine)
        out = [0] * num_classes  # the training profile, on the new labels
        for c, n in enumerate(fine):
            if self.label_map[c] is not None:
                out[self.label_map[c]] += n
        return out

    def extra_repr(self) -> List[str]:
        return [f'Split: \t{self.split}', f'Imbalance ratio: \t{self.imbalance_ratio}']
