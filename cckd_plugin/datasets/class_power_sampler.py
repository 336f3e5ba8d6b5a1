"""Class-aware, square-root and progressive sampling: one sampler, one power knob."""
import math
from typing import Iterator, Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmpretrain.registry import DATA_SAMPLERS
from torch.utils.data import Sampler

from .class_counts import dataset_labels


@DATA_SAMPLERS.register_module()
class ClassPowerSampler(Sampler):
    """Draws each epoch's indices class first, then instance.

    A class ``j`` is drawn with probability ``p_j ∝ n_j ** power``, then one of
    its images uniformly (with replacement): ``power=0`` is class-aware
    (class-balanced) sampling (Shen et al. 2016), ``0.5`` square-root sampling
    (Mahajan et al. 2018), ``1`` instance-balanced. ``progressive=True`` (Kang et
    al. 2020) moves from instance-balanced to ``power`` over the epochs:
    ``p(t) = (1 - t / T) p^{IB} + (t / T) p^{power}`` at 0-based epoch ``t`` of
    ``T = max_epochs - 1`` (so the last epoch samples at ``power``).

    An epoch holds ``num_samples`` indices (the dataset's length by default),
    drawn by a generator seeded with ``(seed, epoch)`` alone: every rank draws
    the same sequence, pads it to a multiple of the world size with its own
    first indices and takes every ``world_size``-th from its rank on, so the ranks
    are disjoint and together cover the sequence, and a resumed run draws what
    the uninterrupted one drew. The epoch comes from mmengine's
    ``DistSamplerSeedHook`` through :meth:`set_epoch`, as for its
    ``DefaultSampler``.

    Args:
        dataset: any dataset with labels (``get_gt_labels``, ``get_cat_ids`` or
            ``gt_label`` in its data info), wrappers such as
            ``ClassBalancedPairDataset`` included.
        power: exponent of the class counts (``0`` <= power <= ``1``).
        progressive: interpolate from instance-balanced over the epochs.
        max_epochs: ``T + 1`` for ``progressive``: the run's
            ``train_cfg.max_epochs``, which ``tools/train.py`` fills in
            (:func:`fill_sampler_epochs`; a different value is refused).
        num_samples: indices per epoch over all ranks.
        seed: base seed; ``None`` takes a seed shared by all ranks.
        shuffle: accepted so that a config's ``DefaultSampler(shuffle=True)``
            can be swapped by its ``type`` alone; the draws are random anyway,
            and ``False`` is refused.
    """

    def __init__(self, dataset, power: float = 0.0, progressive: bool = False,
                 max_epochs: Optional[int] = None, num_samples: Optional[int] = None,
                 seed: Optional[int] = None, shuffle: bool = True):
        if not shuffle:
            raise ValueError('ClassPowerSampler: draws at random; shuffle=False has '
                             'no meaning here')
        if not 0.0 <= power <= 1.0:
            raise ValueError(f'ClassPowerSampler: power must be in [0, 1], got {power}')
        if progressive and (max_epochs is None or max_epochs < 1):
            raise ValueError('ClassPowerSampler: progressive=True needs max_epochs '
                             '(the run\'s train_cfg.max_epochs)')
        labels = dataset_labels(dataset)
        if labels is None or not len(labels):
            raise ValueError(f'ClassPowerSampler: {type(dataset).__name__} gives no '
                             f'labels to sample classes from')
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else int(seed)
        self.power = float(power)
        self.progressive = progressive
        self.max_epochs = max_epochs
        self.num_samples = len(labels) if num_samples is None else int(num_samples)
        self.per_rank = math.ceil(self.num_samples / self.world_size)
        # the dataset's indices grouped by class: class j's are order[starts[j]:][:n_j]
        self.order = np.argsort(labels, kind='stable')
        _, self.starts, counts = np.unique(labels[self.order], return_index=True,
                                           return_counts=True)
        self.counts = counts.astype(np.float64)
        self.epoch = 0

    def class_probabilities(self, epoch: int) -> np.ndarray:
        """``(C',)`` class probabilities at ``epoch`` over the classes present."""
        target = self.counts**self.power
        target /= target.sum()
        if not self.progressive:
            return target
        t = min(epoch / max(self.max_epochs - 1, 1), 1.0)
        return (1.0 - t) * self.counts / self.counts.sum() + t * target

    def epoch_indices(self, epoch: int) -> np.ndarray:
        """The epoch's ``num_samples`` indices over all ranks."""
        rng = np.random.default_rng([self.seed, epoch])
        classes = rng.choice(len(self.counts), size=self.num_samples,
                             p=self.class_probabilities(epoch))
        within = (rng.random(self.num_samples) * self.counts[classes]).astype(np.int64)
        return self.order[self.starts[classes] + within].astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        indices = self.epoch_indices(self.epoch)
        total = self.per_rank * self.world_size
        indices = np.concatenate([indices, indices[:total - len(indices)]])
        return iter(indices[self.rank:total:self.world_size].tolist())

    def __len__(self) -> int:
        return self.per_rank

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)


def fill_sampler_epochs(cfg) -> None:
    """Give a progressive ``ClassPowerSampler`` in ``cfg.train_dataloader`` the
    run's ``train_cfg.max_epochs``: it must end its schedule with the run.

    Raises:
        ValueError: the sampler names another ``max_epochs`` than the run.
    """
    sampler = (cfg.get('train_dataloader') or {}).get('sampler') or {}
    if sampler.get('type') not in ('ClassPowerSampler', ClassPowerSampler) or \
            not sampler.get('progressive'):
        return
    run_epochs = (cfg.get('train_cfg') or {}).get('max_epochs')
    if run_epochs is None:
        return
    if sampler.get('max_epochs') is None:
        sampler['max_epochs'] = run_epochs
    elif sampler['max_epochs'] != run_epochs:
        raise ValueError(
            f'train_dataloader.sampler.max_epochs={sampler["max_epochs"]} but '
            f'train_cfg.max_epochs={run_epochs}: progressive sampling reaches its '
            f'target at the last epoch of the run; leave max_epochs unset')
