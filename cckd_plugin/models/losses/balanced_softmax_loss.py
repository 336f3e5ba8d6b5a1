"""Balanced softmax (Ren et al. 2020)."""
from typing import Optional, Sequence

from mmpretrain.registry import MODELS

from .logit_adjust_loss import LogitAdjustLoss


@MODELS.register_module()
class BalancedSoftmaxLoss(LogitAdjustLoss):
    """``-log(n_y exp(z_y) / sum_j n_j exp(z_j))``: the logit-adjusted loss with
    ``tau = 1``.

    Args:
        class_counts: training images per class ``(C,)``, or ``None`` to be
            filled in by ``ClassCountsHook``.
        loss_weight: multiplier of the loss.
    """

    def __init__(self, class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, **kwargs):
        super().__init__(tau=1.0, class_counts=class_counts, loss_weight=loss_weight,
                         **kwargs)
