"""Pairs every training sample with a class-balanced partner (ACCKD's D_mix)."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmpretrain.registry import DATASETS

from ..registry_check import check_type
from .class_counts import dataset_labels, get_class_counts
from .replayable_views import seeded_items

#: draw streams of the per-epoch partner tables
_PARTNER, _SECOND_PARTNER, _RANDOM_PARTNER = 0, 1, 2


@DATASETS.register_module()
class ClassBalancedPairDataset:
    """Item ``i`` is the wrapped dataset's item ``i`` plus a partner drawn
    class-balanced: a class uniformly among the non-empty ones, then an
    instance of it uniformly.

    The partner of ``i`` is a function of ``(seed, epoch, i)`` only (one table
    per epoch for every index), so runs, resumes and DDP ranks (which own
    disjoint indices) draw reproducibly, and together the ranks draw exactly
    what one process would. :meth:`set_epoch` selects the epoch
    (``EpochSeedHook`` calls it before every training epoch); with data-loader
    workers keep ``persistent_workers=False`` so that they see it.

    Returned item: the wrapped item's keys plus ``partner_inputs`` and
    ``partner_data_samples``; without them when ``with_partner`` is False (set
    by ``EpochSeedHook`` for objectives that do not mix, so no partner image
    is decoded in vain). A loader fetches whole batches (``__getitems__``), so
    an in-memory dataset augments them batched.

    ``mix_sampling`` chooses the two samplers of a mixed pair (the paper's
    Appendix E / Figure 7): ``'random+balanced'`` (ACCKD: the sample itself
    and a class-balanced partner), ``'random+random'`` (the partner drawn
    uniformly over the training images) or ``'balanced+balanced'`` (two
    class-balanced draws; the second comes as ``mix_inputs`` /
    ``mix_data_samples`` and takes the sample's place in the mix, while the
    sample still feeds the losses on real data).

    Args:
        dataset: the long-tailed training set or its config (any dataset that
            gives its labels, mmengine's wrappers included).
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
        if isinstance(dataset, dict):
            check_type(
                DATASETS, dataset, 'train_dataloader.dataset.dataset', what='dataset')
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.seed = int(seed)
        self.epoch = 0
        self.view_seed = 0  # the run's seed, for the views (set_epoch)
        self.with_partner = True
        self.labels = dataset_labels(self.dataset)
        if self.labels is None or not len(self.labels):
            raise ValueError(
                'ClassBalancedPairDataset: the wrapped dataset is empty or '
                'gives no labels')
        num_classes = len((getattr(self.dataset, 'metainfo', None) or {}).get('classes')
                          or []) or int(self.labels.max()) + 1
        self.sizes = np.bincount(self.labels, minlength=num_classes)
        self.order = np.argsort(self.labels, kind='stable')  # indices grouped by class
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        self.classes = np.flatnonzero(self.sizes)
        self._tables: Dict[int, np.ndarray] = {}
        self._tables_epoch: Optional[int] = None

    def full_init(self) -> None:
        """Nothing to do: the pairs are ready when built (mmengine's runner
        calls it on every dataset)."""

    def get_cat_ids(self, idx: int) -> List[int]:
        """Asked only by ``ClassBalancedDataset`` around the pairs, which is
        refused: the pairs must be the outermost dataset (``EpochSeedHook``
        draws their partners per epoch), with any wrapper inside them."""
        raise ValueError(
            'ClassBalancedPairDataset must be train_dataloader.dataset itself: put '
            'ClassBalancedDataset inside it, as train_dataloader.dataset.dataset')

    @property
    def metainfo(self) -> dict:
        return self.dataset.metainfo

    @property
    def class_counts(self) -> List[int]:
        """Training images per class of the wrapped dataset (through mmengine's
        repeating wrappers: the images, not how often they are served)."""
        return get_class_counts(self.dataset)

    def get_gt_labels(self) -> np.ndarray:
        return self.labels.copy()

    def set_epoch(self, epoch: int, seed: Optional[int] = None) -> None:
        """Select the epoch's partners (and the views' augmentation draws,
        seeded with ``seed``, the run's)."""
        self.epoch = int(epoch)
        if seed is not None:
            self.view_seed = int(seed)
        if hasattr(self.dataset, 'set_epoch'):
            self.dataset.set_epoch(epoch, seed)

    def _fetch(self, indices: np.ndarray, role: int) -> List[dict]:
        """The wrapped dataset's items: fetched by it where it can (in-memory
        batches, seeded file views), else one by one, each view seeded by
        ``(seed, epoch, index, role)`` here (mmengine's wrappers)."""
        if hasattr(self.dataset, 'fetch_batch'):
            return self.dataset.fetch_batch(indices, role)
        return seeded_items(self.dataset, indices, self.view_seed, self.epoch, role)

    def _table(self, stream: int) -> np.ndarray:
        """This epoch's partner of every index ``(N,)`` for a draw stream."""
        if self._tables_epoch != self.epoch:
            self._tables, self._tables_epoch = {}, self.epoch
        if stream not in self._tables:
            rng = np.random.default_rng([self.seed, self.epoch, stream])
            n = len(self.labels)
            if stream == _RANDOM_PARTNER:
                table = rng.integers(0, n, n)
            else:  # a class uniformly among the non-empty ones, then one of its images
                cls = self.classes[rng.integers(0, len(self.classes), n)]
                pos = np.floor(rng.random(n) * self.sizes[cls]).astype(np.int64)
                table = self.order[self.starts[cls] + pos]
            self._tables[stream] = table
        return self._tables[stream]

    def partner_index(self, idx: int, draw: int = 0) -> int:
        """Index of the class-balanced partner of sample ``idx`` in this epoch
        (``draw=1``: the second, independent one of ``'balanced+balanced'``)."""
        return int(self._table(_SECOND_PARTNER if draw else _PARTNER)[int(idx)])

    def random_index(self, idx: int) -> int:
        """Index of a partner drawn uniformly over the training images."""
        return int(self._table(_RANDOM_PARTNER)[int(idx)])

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, idx: int) -> dict:
        return self.__getitems__([idx])[0]

    def __getitems__(self, indices: Sequence[int]) -> List[dict]:
        """The items of a batch of indices, each with its partner(s)."""
        indices = np.asarray(indices, dtype=np.int64)
        items = [dict(item) for item in self._fetch(indices, role=0)]
        if not self.with_partner:
            return items
        stream = _RANDOM_PARTNER if self.mix_sampling == 'random+random' else _PARTNER
        partners = self._fetch(self._table(stream)[indices], role=1)
        for item, partner in zip(items, partners):
            item['partner_inputs'] = partner['inputs']
            item['partner_data_samples'] = partner['data_samples']
        if self.mix_sampling == 'balanced+balanced':
            others = self._fetch(self._table(_SECOND_PARTNER)[indices], role=2)
            for item, other in zip(items, others):
                item['mix_inputs'] = other['inputs']
                item['mix_data_samples'] = other['data_samples']
        return items
