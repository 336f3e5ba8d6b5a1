"""Training-split class counts and labels of any dataset, wrappers included."""
from typing import List, Optional, Tuple

import numpy as np
from mmengine.dataset import ClassBalancedDataset, ConcatDataset, RepeatDataset

#: mmengine wrappers that repeat images of the dataset they wrap
REPEATING_WRAPPERS = (ClassBalancedDataset, RepeatDataset)


def dataset_labels(dataset) -> Optional[np.ndarray]:
    """Label of every item ``(N,)`` (a wrapper's items, repeats included), from
    ``get_gt_labels()``, else ``get_cat_ids(i)`` or ``get_data_info(i)['gt_label']``;
    ``None`` when the dataset exposes no labels."""
    if hasattr(dataset, 'get_gt_labels'):
        return np.asarray(dataset.get_gt_labels(), dtype=np.int64)
    if hasattr(dataset, 'get_cat_ids'):
        return np.asarray([dataset.get_cat_ids(i)[0] for i in range(len(dataset))],
                          dtype=np.int64)
    if hasattr(dataset, 'get_data_info') and len(dataset) \
            and 'gt_label' in dataset.get_data_info(0):
        return np.asarray([int(dataset.get_data_info(i)['gt_label'])
                           for i in range(len(dataset))], dtype=np.int64)
    return None


def class_counts_with_source(dataset) -> Tuple[Optional[List[int]], str]:
    """Per-class training image counts of ``dataset`` and where they came from.

    mmengine's repeating wrappers (``ClassBalancedDataset``, ``RepeatDataset``)
    and a ``ConcatDataset`` are looked through: the counts are the images the
    wrapped datasets hold, not how often a wrapper serves them (oversampled
    counts would make the logit adjustment, the shot groups and the
    checkpoints' counts wrong). Otherwise: a ``class_counts`` attribute (the
    plugin's long-tailed datasets), then the labels. The number of classes
    comes from ``metainfo['classes']`` when it exists.

    Returns:
        (list of ``C`` ints, or ``None`` when the dataset gives no labels;
        a note naming the wrappers looked through, or ``''``).
    """
    if isinstance(dataset, REPEATING_WRAPPERS):
        counts, note = class_counts_with_source(dataset.dataset)
        return counts, f'{type(dataset).__name__} > {note}' if note else \
            f'the dataset inside {type(dataset).__name__}'
    if isinstance(dataset, ConcatDataset):
        parts = [class_counts_with_source(d)[0] for d in dataset.datasets]
        if any(p is None for p in parts):
            return None, ''
        width = max(len(p) for p in parts)
        counts = np.sum([np.pad(p, (0, width - len(p))) for p in parts], axis=0)
        return counts.astype(int).tolist(), \
            f'the {len(parts)} dataset(s) inside ConcatDataset'
    counts = getattr(dataset, 'class_counts', None)
    if counts is not None:
        return [int(c) for c in counts], ''
    labels = dataset_labels(dataset)
    if labels is None:
        return None, ''
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    num_classes = len(classes) if classes is not None else 0
    return np.bincount(labels, minlength=num_classes).astype(int).tolist(), ''


def get_class_counts(dataset) -> Optional[List[int]]:
    """Per-class training image counts (see :func:`class_counts_with_source`)."""
    return class_counts_with_source(dataset)[0]
