"""Class-dependent temperatures (Ye et al. 2020)."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .class_counts_loss import ClassCountsLoss


@MODELS.register_module()
class CDTLoss(ClassCountsLoss):
    """``CE(z / a, y)`` with per-class temperatures ``a_c = (n_max / n_c) ** gamma``.

    Rare classes get larger temperatures during training only; prediction
    uses the raw logits.

    Args:
        gamma: temperature exponent (0 gives plain cross-entropy).
        class_counts: training images per class ``(C,)``, or ``None`` to be
            filled in by ``ClassCountsHook``; empty classes count as 1.
        loss_weight: multiplier of the loss.
    """

    def __init__(self, gamma: float = 0.2, class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, **kwargs):
        super().__init__(class_counts=class_counts, loss_weight=loss_weight, **kwargs)
        if gamma < 0:
            raise ValueError(f'CDTLoss: gamma must be >= 0, got {gamma}')
        self.gamma = gamma

    def temperatures(self) -> torch.Tensor:
        """``a`` ``(C,)``, at least 1."""
        counts = self.class_counts.clamp_min(1.0)
        return (counts.max() / counts)**self.gamma

    def sample_loss(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(cls_score / self.temperatures(), label, reduction='none')

    def extra_repr(self) -> str:
        return f'gamma={self.gamma}, loss_weight={self.loss_weight}'
