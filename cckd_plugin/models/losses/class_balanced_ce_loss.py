"""Cross-entropy re-weighted by the effective number of samples (Cui et al. 2019)."""
from typing import Optional, Sequence

from mmpretrain.registry import MODELS

from .logit_adjust_loss import LogitAdjustLoss


@MODELS.register_module()
class ClassBalancedCELoss(LogitAdjustLoss):
    """``w_y * CE(z, y)``: the logit-adjusted loss at ``tau = 0`` (plain
    cross-entropy) with the effective-number weights ``w`` of
    :class:`ClassCountsLoss` switched on (``beta`` 0.9999 by default, from epoch
    ``reweight_from_epoch``: 0 re-weights throughout, a later epoch is DRW on
    plain cross-entropy). Any other loss of the family takes the same
    ``reweight='effective_number'`` option.

    Args:
        class_counts: training images per class ``(C,)``; filled in by
            ``ClassCountsHook`` when ``None``.
        beta: the effective number's ``beta``.
        reweight_from_epoch: first epoch (0-based) that re-weights.
        loss_weight: multiplier of the loss.
    """

    def __init__(self, class_counts: Optional[Sequence[int]] = None,
                 beta: float = 0.9999, reweight_from_epoch: int = 0,
                 loss_weight: float = 1.0, **kwargs):
        kwargs.setdefault('reweight', 'effective_number')
        super().__init__(tau=0.0, class_counts=class_counts, loss_weight=loss_weight,
                         beta=beta, reweight_from_epoch=reweight_from_epoch, **kwargs)

    def extra_repr(self) -> str:
        return (f'beta={self.beta}, from_epoch={self.reweight_from_epoch}, '
                f'loss_weight={self.loss_weight}')
