"""Per-sample random states for file-based pipelines: every view a function of
``(seed, epoch, index, role)``.

MMPretrain's per-sample transforms (``RandomResizedCrop``, ``RandomFlip``,
``RandAugment``, ...) draw from the global random states of NumPy, Python and
torch. Run per sample inside :func:`seeded_view`, they draw from states seeded by
the sample's own ``(seed, epoch, index, role)`` instead, so a view does not
depend on the data-loader worker that loads it, on the batch it falls in or on
what ran before; the caller's states are restored afterwards. Two runs with one
seed, a resumed run and any number of workers then see the same views.
"""
import random
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence

import numpy as np
import torch


def view_seed(seed: int, epoch: int, index: int, role: int) -> int:
    """A 32-bit seed drawn from ``(seed, epoch, index, role)`` (NumPy's
    SeedSequence; ``role`` 0 is a sample, 1 and 2 its partners)."""
    return int(np.random.SeedSequence([int(seed), int(epoch), int(index),
                                       int(role)]).generate_state(1)[0])


@contextmanager
def seeded_view(seed: int, epoch: int, index: int, role: int) -> Iterator[None]:
    """NumPy's, Python's and torch's (CPU) global states seeded for one view,
    and put back as they were on exit."""
    states = np.random.get_state(), random.getstate(), torch.random.get_rng_state()
    value = view_seed(seed, epoch, index, role)
    np.random.seed(value)
    random.seed(value)
    torch.random.manual_seed(value)
    try:
        yield
    finally:
        np.random.set_state(states[0])
        random.setstate(states[1])
        torch.random.set_rng_state(states[2])


def seeded_items(dataset, indices: Sequence[int], seed: int, epoch: int,
                 role: int = 0) -> List[dict]:
    """``dataset[i]`` for every index, each through :func:`seeded_view`."""
    items = []
    for index in indices:
        with seeded_view(seed, epoch, int(index), role):
            items.append(dataset[int(index)])
    return items


class ReplayableViewsMixin:
    """For an MMPretrain dataset whose pipeline runs per sample (image files):
    a data loader's fetch (``__getitems__``) and ``fetch_batch`` (the pair
    dataset's) run it under :func:`seeded_view` with the seed and epoch that
    :meth:`set_epoch` selected (``EpochSeedHook`` calls it before every training
    epoch; ``ClassBalancedPairDataset`` forwards it). Plain indexing
    (``dataset[i]``, as mmengine's wrappers do) is left unseeded; the pair
    dataset seeds a wrapper's items itself. Without a ``set_epoch`` call
    (validation, testing) the views are those of seed 0, epoch 0."""

    _view_seed: int = 0
    _view_epoch: int = 0

    def set_epoch(self, epoch: int, seed: Optional[int] = None) -> None:
        self._view_epoch = int(epoch)
        if seed is not None:
            self._view_seed = int(seed)

    def fetch_batch(self, indices: Sequence[int], role: int = 0) -> List[dict]:
        """Items of ``indices``, each view seeded with its role."""
        return seeded_items(self, indices, self._view_seed, self._view_epoch, role)

    def __getitems__(self, indices: Sequence[int]) -> List[dict]:
        return self.fetch_batch(indices)
