"""Logit-adjusted cross-entropy (Menon et al. 2021)."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .class_counts_loss import ClassCountsLoss


@MODELS.register_module()
class LogitAdjustLoss(ClassCountsLoss):
    """``CE(z + tau * log p_tr, y)`` with ``p_tr = n / sum(n)``.

    Prediction uses the raw logits ``z``, which estimate the balanced posterior.

    Args:
        tau: adjustment strength (1 in the paper and by default).
        class_counts: training images per class ``(C,)``; filled in by
            ``ClassCountsHook`` when ``None``.
        loss_weight: multiplier of the loss.
    """

    def __init__(self, tau: float = 1.0, class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, **kwargs):
        super().__init__(class_counts=class_counts, loss_weight=loss_weight, **kwargs)
        self.tau = tau

    def sample_loss(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(
            cls_score + self.tau * self.log_prior(), label, reduction='none')

    def extra_repr(self) -> str:
        return f'tau={self.tau}, loss_weight={self.loss_weight}'
