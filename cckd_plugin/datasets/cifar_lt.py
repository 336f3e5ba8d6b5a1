"""Long-tailed CIFAR-10 / CIFAR-100 (Cui et al. 2019) on MMPretrain's CIFAR files,
with a balanced ``val`` split carved from the training images ``train`` leaves."""
from typing import List, Optional

import numpy as np
from mmengine.fileio import exists, join_path
from mmpretrain.datasets import CIFAR10, CIFAR100
from mmpretrain.datasets.utils import check_md5
from mmpretrain.registry import DATASETS

from .batched_pipeline import InMemoryBatchMixin
from .long_tail_profile import long_tail_counts, select_long_tail


class _CifarLTMixin(InMemoryBatchMixin):
    """Subsamples the official training images with the exponential profile;
    batches run through the batched form of the pipeline (the images are in
    memory).

    Each class's training images are shuffled once with ``seed`` (LDAM-DRW's
    shuffle with ``ldam_subset``); ``train`` keeps the first ``n_i`` and
    ``val`` the last ``val_per_class``, which ``train`` never reaches (it may
    take at most ``available - val_per_class`` of a class), so the two are
    disjoint by construction whatever the ratio and ``n_max`` of each, as long
    as both use the same ``seed`` and ``val_per_class``. The ``test`` split is
    the untouched official test set; ``val`` and ``test`` report the training
    profile as ``class_counts`` so that an evaluation knows the shot groups.
    """

    default_n_max: int = 0
    SPLITS = ('train', 'val', 'test')

    def _setup_profile(self, split: str, imbalance_ratio: float, n_max: Optional[int],
                       seed: int, verify_md5: bool, ldam_subset: bool,
                       val_per_class: int) -> str:
        """Check and keep the profile; returns the official split to read."""
        name = type(self).__name__
        if split not in self.SPLITS:
            raise ValueError(f'{name}: split must be one of {self.SPLITS}, '
                             f'got {split!r}')
        if imbalance_ratio < 1:
            raise ValueError(f'{name}: imbalance_ratio must be >= 1, '
                             f'got {imbalance_ratio}')
        self.imbalance_ratio = imbalance_ratio
        self.n_max = self.default_n_max if n_max is None else int(n_max)
        if self.n_max > self.default_n_max:
            raise ValueError(f'{name}: n_max={self.n_max} exceeds the '
                             f'{self.default_n_max} training images each class has')
        self.val_per_class = int(val_per_class)
        if self.val_per_class < 0:
            raise ValueError(f'{name}: val_per_class must be >= 0, got {val_per_class}')
        if split == 'val' and self.val_per_class == 0:
            raise ValueError(f"{name}: split='val' needs val_per_class > 0 (images per "
                             f'class carved from the unused training images)')
        self.lt_split = split
        self.lt_seed = seed
        self.ldam_subset = ldam_subset
        self.verify_md5 = verify_md5
        return 'test' if split == 'test' else 'train'

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        if self.lt_split == 'test':
            return data_list
        labels = [info['gt_label'] for info in data_list]
        num_classes = len(self.METAINFO['classes'])
        chosen = select_long_tail(labels, num_classes, self.imbalance_ratio,
                                  self.n_max, self.lt_seed,
                                  ldam_shuffle=self.ldam_subset)
        for c, rest in enumerate(chosen['unused']):
            if len(rest) < self.val_per_class:
                room = chosen['counts'][c] + len(rest) - self.val_per_class
                raise ValueError(
                    f'{type(self).__name__}: n_max={self.n_max} leaves class {c} '
                    f'({self.METAINFO["classes"][c]}) {len(rest)} unused training '
                    f'images, fewer than val_per_class={self.val_per_class} for the '
                    f'val split; use n_max <= {room}, or val_per_class=0 (no val '
                    f'split: validate on test)')
        if self.lt_split == 'train':
            indices = chosen['indices']
        else:  # the end of each class's shuffle, which train never reaches
            indices = np.sort(np.concatenate(
                [rest[len(rest) - self.val_per_class:] for rest in chosen['unused']]))
        return [data_list[i] for i in indices]

    def _check_integrity(self) -> bool:
        """Whether the files are there (and, with ``verify_md5``, official).

        Raises:
            ValueError: a file is there but its md5 is not the official one
                (a re-encoded copy); MMPretrain would download CIFAR again.
        """
        root = self.data_prefix['root']
        for name, md5 in self.train_list + self.test_list:
            path = join_path(root, self.base_folder, name)
            if not exists(path):
                return False
            if self.verify_md5 and not check_md5(path, md5):
                raise ValueError(
                    f'{type(self).__name__}: {path} is not the official file (its md5 '
                    f'differs from {md5}, e.g. a re-encoded copy); set the '
                    f"dataset's verify_md5=False to read it as it is")
        return True

    @property
    def class_counts(self) -> List[int]:
        """Training images per class, ``(C,)`` ints."""
        num_classes = len(self.METAINFO['classes'])
        if self.lt_split == 'train':
            labels = np.asarray(self.get_gt_labels(), dtype=np.int64)
            return np.bincount(labels, minlength=num_classes).tolist()
        return long_tail_counts(num_classes, self.n_max, self.imbalance_ratio)

    def extra_repr(self) -> List[str]:
        return [f'Split: \t{self.lt_split}',
                f'Imbalance ratio: \t{self.imbalance_ratio}',
                f'n_max: \t{self.n_max}']


_ARGS_DOC = """
    Args:
        data_root: folder holding ``{folder}``.
        split: ``'train'`` (long-tailed), ``'val'`` (``val_per_class`` images
            per class that ``train`` does not use) or ``'test'`` (the official
            balanced test set, untouched).
        imbalance_ratio: ``n_max / n_min``, at least 1.
        n_max: images of class 0, at most {n} - ``val_per_class`` (default {n}).
        seed: seed of the per-class shuffle ``train`` and ``val`` are cut from.
        ldam_subset: keep the images that Cao et al.'s LDAM-DRW code keeps for
            the same ``seed`` (its ``rand_number``; the paper follows their
            CIFAR-LT), instead of the plugin's own per-class draw.
        verify_md5: refuse files whose md5 differs from the official one.
        val_per_class: images per class reserved for ``val`` (0: no ``val``).
        **kwargs: passed to :class:`mmpretrain.datasets.{parent}`.
"""


@DATASETS.register_module()
class CIFAR10LT(_CifarLTMixin, CIFAR10):
    __doc__ = ('CIFAR-10-LT; ratio 100 keeps 12,406 training images (5,000 down to '
               '50).\n' + _ARGS_DOC.format(folder='cifar-10-batches-py', n=5000,
                                           parent='CIFAR10'))

    default_n_max = 5000

    def __init__(self, data_root: str = '', split: str = 'train',
                 imbalance_ratio: float = 100, n_max: Optional[int] = None,
                 seed: int = 0, ldam_subset: bool = True, verify_md5: bool = True,
                 val_per_class: int = 0, **kwargs):
        split = self._setup_profile(split, imbalance_ratio, n_max, seed, verify_md5,
                                    ldam_subset, val_per_class)
        super().__init__(data_root=data_root, split=split, **kwargs)


@DATASETS.register_module()
class CIFAR100LT(_CifarLTMixin, CIFAR100):
    __doc__ = ('CIFAR-100-LT; ratio 100 keeps 10,847 training images (500 down to '
               '5).\n' + _ARGS_DOC.format(folder='cifar-100-python', n=500,
                                          parent='CIFAR100'))

    default_n_max = 500

    def __init__(self, data_root: str = '', split: str = 'train',
                 imbalance_ratio: float = 100, n_max: Optional[int] = None,
                 seed: int = 0, ldam_subset: bool = True, verify_md5: bool = True,
                 val_per_class: int = 0, **kwargs):
        split = self._setup_profile(split, imbalance_ratio, n_max, seed, verify_md5,
                                    ldam_subset, val_per_class)
        super().__init__(data_root=data_root, split=split, **kwargs)
