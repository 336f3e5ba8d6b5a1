"""Pairs every training sample with a class-balanced partner (ACCKD's D_mix)."""
from typing import List, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmpretrain.registry import DATASETS

from .class_counts import get_class_counts


@DATASETS.register_module()
class ClassBalancedPairDataset:
    """Item ``i`` is the wrapped dataset's item ``i`` plus a partner drawn
    class-balanced: a class uniformly among the non-empty ones, then an
    instance of it uniformly.

    The partner of ``i`` is a function of ``(seed, epoch, i)`` only, so runs,
    resumes and DDP ranks (which own disjoint indices) draw reproducibly, and
    together the ranks draw exactly what one process would. Call
    :meth:`set_epoch` before each epoch (the distiller's hook does); with
    dataloader workers keep ``persistent_workers=False`` so that they see it.

    Returned item: the wrapped item's keys plus ``partner_inputs`` and
    ``partner_data_samples``; without them when ``with_partner`` is False (set
    by ``TeacherPriorHook`` for objectives that do not mix, so no partner image
    is decoded in vain).

    Args:
        dataset: the long-tailed training set or its config.
        seed: seed of the partner draws.
    """

    def __init__(self, dataset: Union[BaseDataset, dict], seed: int = 0):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.seed = int(seed)
        self.epoch = 0
        self.with_partner = True
        labels = np.asarray(self.dataset.get_gt_labels(), dtype=np.int64)
        counts = get_class_counts(self.dataset)
        self.members: List[np.ndarray] = [np.flatnonzero(labels == c)
                                          for c in range(len(counts))]
        self.classes = np.asarray([c for c, m in enumerate(self.members) if len(m)])
        if not len(self.classes):
            raise ValueError('ClassBalancedPairDataset: the wrapped dataset is empty')

    @property
    def metainfo(self) -> dict:
        return self.dataset.metainfo

    @property
    def class_counts(self) -> List[int]:
        return [len(m) for m in self.members]

    def get_gt_labels(self) -> np.ndarray:
        return self.dataset.get_gt_labels()

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def partner_index(self, idx: int) -> int:
        """Index of the partner of sample ``idx`` in this epoch."""
        rng = np.random.default_rng([self.seed, self.epoch, int(idx)])
        cls = self.classes[rng.integers(len(self.classes))]
        members = self.members[cls]
        return int(members[rng.integers(len(members))])

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, idx: int) -> dict:
        item = dict(self.dataset[idx])
        if not self.with_partner:
            return item
        partner = self.dataset[self.partner_index(idx)]
        item['partner_inputs'] = partner['inputs']
        item['partner_data_samples'] = partner['data_samples']
        return item
