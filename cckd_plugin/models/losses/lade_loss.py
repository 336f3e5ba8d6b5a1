"""LADE: label-distribution-aware disentangling (Hong et al. 2021)."""
import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .class_counts_loss import ClassCountsLoss
from .functional import label_scores


@MODELS.register_module()
class LADELoss(ClassCountsLoss):
    """PC-softmax cross-entropy plus ``alpha`` times the LADE regulariser.

    With logits ``z`` ``(B, C)``, batch membership ``m_ic`` (one-hot labels or
    soft scores), ``B_c = sum_i m_ic`` and the training prior ``p``:

    * ``L_pc = mean_i CE(z_i + log p, y_i)``;
    * per class, ``e_c = sum_i m_ic z_ic / B_c - (logsumexp_i(z_ic - log p_c
      - log C) - log B)``, minus ``remine_lambda`` times the square of the
      second bracket (the ReMINE bound of the official code);
    * ``L_lade = -sum_c p_c e_c``.

    The total is ``loss_weight * (L_pc + alpha * L_lade)``; sample weights
    apply to ``L_pc`` only.

    Args:
        alpha: weight of the regulariser (0.1 for CIFAR in the LADE paper).
        remine_lambda: weight of the ReMINE penalty.
        class_counts: training images per class ``(C,)``, or ``None`` to be
            filled in by ``ClassCountsHook``.
        loss_weight: multiplier of the loss.
    """

    def __init__(self, alpha: float = 0.1, remine_lambda: float = 0.1,
                 class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, **kwargs):
        super().__init__(class_counts=class_counts, loss_weight=loss_weight, **kwargs)
        self.alpha = alpha
        self.remine_lambda = remine_lambda

    def sample_loss(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(cls_score + self.log_prior(), label, reduction='none')

    def regulariser(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        """The LADE term (a scalar) of one batch."""
        num_classes = cls_score.size(1)
        member = label_scores(label, num_classes, cls_score.dtype)
        per_class = member.sum(0)
        first = (member * cls_score).sum(0) / (per_class + 1e-8)
        shifted = cls_score - self.log_prior() - math.log(num_classes)
        second = torch.logsumexp(shifted, dim=0) - math.log(cls_score.size(0))
        estimate = first - second - self.remine_lambda * second**2
        prior = self.class_counts / self.class_counts.sum()
        return -(estimate * prior).sum()

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor, weight=None,
                avg_factor=None, reduction_override=None, **kwargs) -> torch.Tensor:
        pc = super().forward(cls_score, label, weight=weight, avg_factor=avg_factor,
                             reduction_override=reduction_override)
        return pc + self.loss_weight * self.alpha * self.regulariser(cls_score, label)

    def extra_repr(self) -> str:
        return (f'alpha={self.alpha}, remine_lambda={self.remine_lambda}, '
                f'loss_weight={self.loss_weight}')
