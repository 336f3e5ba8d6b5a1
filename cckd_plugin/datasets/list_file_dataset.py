"""Datasets read from official split files: ImageNet-LT, iNaturalist 2018, Places-LT.

Each line of a split file is ``relative/path label``; paths are relative to
``data_prefix`` (itself under ``data_root``).
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmpretrain.datasets import CustomDataset
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
from mmpretrain.registry import DATASETS

from .replayable_views import ReplayableViewsMixin


def read_split_file(path: str, num_classes: int) -> List[Tuple[str, int]]:
    """Parse a split file into ``(relative_path, label)`` pairs.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a line is malformed or its label is outside ``[0, C)``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'split file not found: {path}')
    samples = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            parts = line.rsplit(maxsplit=1)
            if len(parts) != 2 or not parts[1].lstrip('-').isdigit():
                raise ValueError(f'{path}:{lineno}: expected "relative/path label", '
                                 f'got {line!r}')
            label = int(parts[1])
            if not 0 <= label < num_classes:
                raise ValueError(f'{path}:{lineno}: label {label} is outside '
                                 f'[0, {num_classes})')
            samples.append((parts[0], label))
    return samples


def read_class_names(path: str, num_classes: int) -> Tuple[str, ...]:
    """One class name per line, in label order."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'classnames_file not found: {path}')
    with open(path, encoding='utf-8') as f:
        names = tuple(line.strip() for line in f if line.strip())
    if len(names) != num_classes:
        raise ValueError(f'classnames_file {path} lists {len(names)} names, '
                         f'expected {num_classes}')
    return names


class ListFileDataset(ReplayableViewsMixin, CustomDataset):
    """Classification dataset described by a split file: MMPretrain's
    ``CustomDataset`` with an annotation file, whose lines are checked with
    their line numbers, a fixed number of classes, optional class names and
    the training split's class counts on every split. Its random transforms
    draw from each view's own ``(seed, epoch, index, role)``
    (:class:`ReplayableViewsMixin`).

    Args:
        ann_file: split file of this split (``relative/path label`` lines).
        data_root: root joined to ``ann_file``, ``data_prefix`` and the other files.
        data_prefix: folder the image paths are relative to.
        classnames_file: optional file with one class name per line.
        train_ann_file: split file of the training split; ``class_counts`` are
            counted there (default: this split's own labels).
        check_files: verify at start-up that every listed image exists.
        **kwargs: passed to :class:`mmpretrain.datasets.CustomDataset`.
    """

    NUM_CLASSES: int = 0
    DEFAULT_CLASSES: Optional[Sequence[str]] = None

    def __init__(self, ann_file: str, data_root: str = '', data_prefix: str = '',
                 classnames_file: Optional[str] = None,
                 train_ann_file: Optional[str] = None, check_files: bool = True,
                 metainfo: Optional[dict] = None, **kwargs):
        self.check_files = check_files
        self.train_ann_file = self._join(data_root, train_ann_file)
        metainfo = dict(metainfo or {})
        if classnames_file is not None:
            metainfo['classes'] = read_class_names(
                self._join(data_root, classnames_file), self.NUM_CLASSES)
        metainfo.setdefault('classes', self.DEFAULT_CLASSES
                            or tuple(str(i) for i in range(self.NUM_CLASSES)))
        self._class_counts: Optional[List[int]] = None
        super().__init__(ann_file=ann_file, metainfo=metainfo, data_root=data_root,
                         data_prefix=data_prefix, with_label=True, **kwargs)

    @staticmethod
    def _join(root: str, path: Optional[str]) -> Optional[str]:
        if path is None or osp.isabs(path) or not root:
            return path
        return osp.join(root, path)

    def load_data_list(self) -> List[dict]:
        """``CustomDataset``'s annotation-file listing, each line checked."""
        prefix = self.img_prefix
        data_list = []
        for lineno, (rel_path, label) in enumerate(
                read_split_file(self.ann_file, self.NUM_CLASSES), 1):
            img_path = osp.join(prefix, rel_path)
            if self.check_files and not osp.isfile(img_path):
                raise FileNotFoundError(f'{self.ann_file}: image of entry {lineno} '
                                        f'not found: {img_path}')
            data_list.append(dict(img_path=img_path, gt_label=label))
        return data_list

    @property
    def class_counts(self) -> List[int]:
        """Training images per class, ``(C,)`` ints."""
        if self._class_counts is None:
            if self.train_ann_file is not None:
                labels = [label for _, label in
                          read_split_file(self.train_ann_file, self.NUM_CLASSES)]
            else:
                labels = self.get_gt_labels()
            self._class_counts = np.bincount(np.asarray(labels, dtype=np.int64),
                                             minlength=self.NUM_CLASSES).tolist()
        return self._class_counts


@DATASETS.register_module()
class ImageNetLT(ListFileDataset):
    """ImageNet-LT (Liu et al. 2019): 1,000 classes, 115.8K training images."""
    NUM_CLASSES = 1000
    DEFAULT_CLASSES = IMAGENET_CATEGORIES


@DATASETS.register_module()
class INaturalist2018(ListFileDataset):
    """iNaturalist 2018: 8,142 species, 437.5K training images."""
    NUM_CLASSES = 8142


@DATASETS.register_module()
class PlacesLT(ListFileDataset):
    """Places-LT (Liu et al. 2019): 365 scene classes."""
    NUM_CLASSES = 365
