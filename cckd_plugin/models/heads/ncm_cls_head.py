"""Nearest-class-mean head over a frozen teacher's features."""
from typing import Iterable

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .prototype_cls_head import PrototypeClsHead


@torch.no_grad()
def class_means(features_and_labels: Iterable, num_classes: int,
                feature_dim: int) -> torch.Tensor:
    """Normalised per-class mean of features: ``(C, D)``.

    Args:
        features_and_labels: batches of features ``(B, D)`` and labels ``(B,)``.

    Raises:
        ValueError: a class has no sample.
    """
    sums = torch.zeros(num_classes, feature_dim, dtype=torch.float64)
    counts = torch.zeros(num_classes, dtype=torch.float64)
    for feats, labels in features_and_labels:
        sums.index_add_(0, labels.long().cpu(), feats.double().cpu())
        counts += torch.bincount(labels.long().cpu(), minlength=num_classes).double()
    if bool((counts == 0).any()):
        missing = int(torch.nonzero(counts == 0)[0])
        raise ValueError(f'NCMClsHead: class {missing} has no training sample')
    return F.normalize((sums / counts[:, None]).float(), dim=-1)


@MODELS.register_module()
class NCMClsHead(PrototypeClsHead):
    """Cosine classifier whose class weights are the normalised class means of
    the (frozen) backbone's features over the training set (Kang et al. 2020).

    Args:
        num_classes, in_channels, weights_file: see :class:`PrototypeClsHead`.
        scale: logit scale (cosine similarities times ``scale``), default 25.
    """

    kind = 'ncm'

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 scale: float = 25.0,
                 **kwargs):
        super().__init__(num_classes, in_channels, scale=scale, **kwargs)
