"""Training-split class counts of any dataset, wrappers included."""
from typing import List, Optional

import numpy as np


def get_class_counts(dataset) -> Optional[List[int]]:
    """Return per-class training image counts of ``dataset``.

    Order of preference: a ``class_counts`` attribute (the long-tailed
    datasets of this plugin), then the labels from ``get_gt_labels()``, then
    ``get_cat_ids(i)`` or ``get_data_info(i)['gt_label']`` over the dataset
    (mmengine's wrappers). The number of
    classes comes from ``metainfo['classes']`` when it exists.

    Returns:
        list of ``C`` ints, or ``None`` when the dataset exposes no labels.
    """
    counts = getattr(dataset, 'class_counts', None)
    if counts is not None:
        return [int(c) for c in counts]
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    num_classes = len(classes) if classes is not None else 0
    if hasattr(dataset, 'get_gt_labels'):
        labels = np.asarray(dataset.get_gt_labels(), dtype=np.int64)
    elif hasattr(dataset, 'get_cat_ids'):
        labels = np.asarray(
            [dataset.get_cat_ids(i)[0] for i in range(len(dataset))], dtype=np.int64)
    elif hasattr(dataset, 'get_data_info') and len(dataset) \
            and 'gt_label' in dataset.get_data_info(0):
        labels = np.asarray([int(dataset.get_data_info(i)['gt_label'])
                             for i in range(len(dataset))], dtype=np.int64)
    else:
        return None
    return np.bincount(labels, minlength=num_classes).astype(int).tolist()
