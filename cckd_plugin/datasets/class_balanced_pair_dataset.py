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

    ``mix_sampling`` chooses the two samplers of a mixed pair (the paper's
    Appendix E / Figure 7): ``'random+balanced'`` (ACCKD: the sample itself
    and a class-balanced partner), ``'random+random'`` (the partner drawn
    uniformly over the training images) or ``'balanced+balanced'`` (two
    class-balanced draws; the second comes as ``mix_inputs`` /
    ``mix_data_samples`` and takes the sample's place in the mix, while the
    sample still feeds the losses on real data).

    Args:
        dataset: the long-tailed training set or its config.
        seed: seed of the partner draws.
        mix_sampling: one of :attr:`MIX_SAMPLINGS`.
    """

    MIX_SAMPLINGS = ('random+balanced', 'random+random', 'balanced+balanced')

    def __init__(self, dataset: Union[BaseDataset, dict], seed: int = 0,
                 mix_sampling: str = 'random+balanced'):
        if mix_sampling not in self.MIX_SAMPLINGS:
            raise ValueError(f'ClassBalancedPairDataset: mix_sampling must be one of '
                             f'{list(self.MIX_SAMPLINGS)}, got {mix_sampling!r}')
        self.mix_sampling = mix_sampling
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

    def partner_index(self, idx: int, draw: int = 0) -> int:
        """Index of the class-balanced partner of sample ``idx`` in this epoch
        (``draw=1``: the second, independent one of ``'balanced+balanced'``)."""
        key = [self.seed, self.epoch, int(idx)] + ([draw] if draw else [])
        rng = np.random.default_rng(key)
        cls = self.classes[rng.integers(len(self.classes))]
        members = self.members[cls]
        return int(members[rng.integers(len(members))])

    def random_index(self, idx: int) -> int:
        """Index of a partner drawn uniformly over the training images."""
        rng = np.random.default_rng([self.seed, self.epoch, int(idx)])
        return int(rng.integers(len(self.dataset)))

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, idx: int) -> dict:
        item = dict(self.dataset[idx])
        if not self.with_partner:
            return item
        if self.mix_sampling == 'random+random':
            partner = self.dataset[self.random_index(idx)]
        else:
            partner = self.dataset[self.partner_index(idx)]
        item['partner_inputs'] = partner['inputs']
        item['partner_data_samples'] = partner['data_samples']
        if self.mix_sampling == 'balanced+balanced':
            other = self.dataset[self.partner_index(idx, draw=1)]
            item['mix_inputs'] = other['inputs']
            item['mix_data_samples'] = other['data_samples']
        return item
