"""Long-tailed CIFAR-10 / CIFAR-100 (Cui et al. 2019) on MMPretrain's CIFAR files."""
from typing import List, Optional

import numpy as np
from mmengine.fileio import exists, join_path
from mmpretrain.datasets import CIFAR10, CIFAR100
from mmpretrain.registry import DATASETS

from .batched_pipeline import InMemoryBatchMixin
from .long_tail_profile import long_tail_counts, select_long_tail


class _CifarLTMixin(InMemoryBatchMixin):
    """Subsamples the ``train`` split with the exponential profile; batches run
    through the batched form of the pipeline (the images are in memory).

    The ``test`` split is left untouched; its ``class_counts`` still report the
    training profile so that a test-only run knows the shot groups.
    """

    default_n_max: int = 0

    def _setup_profile(self, imbalance_ratio: float, n_max: Optional[int], seed: int,
                       verify_md5: bool, ldam_subset: bool) -> None:
        if imbalance_ratio < 1:
            raise ValueError(f'{type(self).__name__}: imbalance_ratio must be >= 1, '
                             f'got {imbalance_ratio}')
        self.imbalance_ratio = imbalance_ratio
        self.n_max = self.default_n_max if n_max is None else int(n_max)
        if self.n_max > self.default_n_max:
            raise ValueError(f'{type(self).__name__}: n_max={self.n_max} exceeds the '
                             f'{self.default_n_max} training images each class has')
        self.lt_seed = seed
        self.ldam_subset = ldam_subset
        self.verify_md5 = verify_md5

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        if self.split != 'train':
            return data_list
        labels = [info['gt_label'] for info in data_list]
        chosen = select_long_tail(labels, len(self.METAINFO['classes']),
                                  self.imbalance_ratio, self.n_max, self.lt_seed,
                                  ldam_shuffle=self.ldam_subset)
        return [data_list[i] for i in chosen['indices']]

    def _check_integrity(self) -> bool:
        if self.verify_md5:
            return super()._check_integrity()
        root = self.data_prefix['root']
        return all(
            exists(join_path(root, self.base_folder, name))
            for name, _ in self.train_list + self.test_list)

    @property
    def class_counts(self) -> List[int]:
        """Training images per class, ``(C,)`` ints."""
        num_classes = len(self.METAINFO['classes'])
        if self.split == 'train':
            labels = np.asarray(self.get_gt_labels(), dtype=np.int64)
            return np.bincount(labels, minlength=num_classes).tolist()
        return long_tail_counts(num_classes, self.n_max, self.imbalance_ratio)


@DATASETS.register_module()
class CIFAR10LT(_CifarLTMixin, CIFAR10):
    """CIFAR-10-LT.

    Args:
        data_root: folder holding ``cifar-10-batches-py``.
        split: ``'train'`` (long-tailed) or ``'test'`` (balanced, untouched).
        imbalance_ratio: ``n_max / n_min``, at least 1.
        n_max: images of class 0, at most 5,000 (default 5,000).
        seed: seed of the per-class subsampling.
        ldam_subset: keep the images that Cao et al.'s LDAM-DRW code keeps for
            the same ``seed`` (its ``rand_number``; the paper follows their
            CIFAR-LT), instead of the plugin's own per-class draw.
        verify_md5: check the files' md5 sums as MMPretrain does.
        **kwargs: passed to :class:`mmpretrain.datasets.CIFAR10`.
    """

    default_n_max = 5000

    def __init__(self, data_root: str = '', split: str = 'train',
                 imbalance_ratio: float = 100, n_max: Optional[int] = None,
                 seed: int = 0, ldam_subset: bool = True, verify_md5: bool = True,
                 **kwargs):
        self._setup_profile(imbalance_ratio, n_max, seed, verify_md5, ldam_subset)
        super().__init__(data_root=data_root, split=split, **kwargs)


@DATASETS.register_module()
class CIFAR100LT(_CifarLTMixin, CIFAR100):
    """CIFAR-100-LT; ratio 100 keeps 10,847 training images (500 down to 5).

    Same arguments as :class:`CIFAR10LT`; ``n_max`` is at most 500.
    """

    default_n_max = 500

    def __init__(self, data_root: str = '', split: str = 'train',
                 imbalance_ratio: float = 100, n_max: Optional[int] = None,
                 seed: int = 0, ldam_subset: bool = True, verify_md5: bool = True,
                 **kwargs):
        self._setup_profile(imbalance_ratio, n_max, seed, verify_md5, ldam_subset)
        super().__init__(data_root=data_root, split=split, **kwargs)
