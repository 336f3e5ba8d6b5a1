"""A wrapper that makes any MMPretrain classification dataset long-tailed."""
import copy
from typing import List, Optional, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmpretrain.registry import DATASETS

from ..registry_check import check_type
from .class_counts import dataset_labels
from .long_tail_profile import select_long_tail
from .replayable_views import ReplayableViewsMixin, seeded_items


@DATASETS.register_module()
class LongTailDataset(ReplayableViewsMixin):
    """Subsample a dataset with the exponential long-tail profile.

    Example::

        train_dataloader = dict(dataset=dict(
            type='LongTailDataset', imbalance_ratio=50, n_max=300,
            dataset=dict(type='CustomDataset', data_root='data/flowers', ...)))

    Args:
        dataset: the dataset or its config; it must give labels through
            ``get_gt_labels()`` or ``get_cat_ids(i)`` and classes in its metainfo.
        imbalance_ratio: ``n_max / n_min``, at least 1.
        n_max: images of class 0; default: the smallest class size.
        seed: seed of the per-class subsampling.
        lazy_init: postpone loading the wrapped dataset.
    """

    def __init__(self, dataset: Union[BaseDataset, dict], imbalance_ratio: float = 100,
                 n_max: Optional[int] = None, seed: int = 0, lazy_init: bool = False):
        if imbalance_ratio < 1:
            raise ValueError(f'LongTailDataset: imbalance_ratio must be >= 1, '
                             f'got {imbalance_ratio}')
        if isinstance(dataset, dict):
            check_type(DATASETS, dataset, 'LongTailDataset.dataset', what='dataset')
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.imbalance_ratio = imbalance_ratio
        self.n_max = n_max
        self.seed = seed
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()
        classes = self._metainfo.get('classes')
        if classes is None:
            raise ValueError('LongTailDataset: the wrapped dataset has no '
                             "metainfo['classes']")
        labels = dataset_labels(self.dataset)
        if labels is None:
            raise ValueError('LongTailDataset: the wrapped dataset gives no labels')
        try:
            chosen = select_long_tail(labels, len(classes), self.imbalance_ratio,
                                      self.n_max, self.seed)
        except ValueError as err:
            raise ValueError(f'LongTailDataset: {err}') from None
        self._labels_kept = labels[chosen['indices']]
        self._class_counts = [int(c) for c in chosen['counts']]
        if hasattr(self.dataset,
                   'get_subset'):  # mmengine's own subset of a BaseDataset
            self.dataset = self.dataset.get_subset(chosen['indices'].tolist())
            self.indices = np.arange(len(chosen['indices']))
        else:  # wrappers: keep the mapping to the wrapped indices
            self.indices = chosen['indices']
        self._fully_initialized = True

    @property
    def class_counts(self) -> List[int]:
        """Training images per class after subsampling, ``(C,)`` ints."""
        self.full_init()
        return list(self._class_counts)

    def get_gt_labels(self) -> np.ndarray:
        self.full_init()
        return self._labels_kept.copy()

    def get_cat_ids(self, idx: int) -> List[int]:
        self.full_init()
        return [int(self._labels_kept[idx])]

    def get_data_info(self, idx: int) -> dict:
        self.full_init()
        return self.dataset.get_data_info(int(self.indices[idx]))

    def __getitem__(self, idx: int) -> dict:
        self.full_init()
        return self.dataset[int(self.indices[idx])]

    def fetch_batch(self, indices, role: int = 0) -> List[dict]:
        """Items of ``indices``: fetched by the wrapped dataset where it can
        (batched, seeded), else one by one with each view seeded by
        ``(seed, epoch, index, role)`` (``replayable_views``)."""
        self.full_init()
        inner = self.indices[np.asarray(indices, dtype=np.int64)]
        if hasattr(self.dataset, 'fetch_batch'):
            return self.dataset.fetch_batch(inner, role)
        return seeded_items(self.dataset, inner, self._view_seed, self._view_epoch,
                            role)

    def set_epoch(self, epoch: int, seed=None) -> None:
        super().set_epoch(epoch, seed)
        if hasattr(self.dataset, 'set_epoch'):
            self.dataset.set_epoch(epoch, seed)

    def __len__(self) -> int:
        self.full_init()
        return len(self.indices)
