"""LDAM: label-distribution-aware margins (Cao et al. 2019)."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .class_counts_loss import ClassCountsLoss
from .functional import label_scores


@MODELS.register_module()
class LDAMLoss(ClassCountsLoss):
    """``CE(z - s * m_y * onehot(y), y)`` with margins ``m_j ∝ n_j ** (-1/4)``,
    the largest ``max_m``.

    Cao et al. subtract ``m_y`` from the true class's cosine logit and scale by
    ``s = 30`` (their ``NormedLinear`` head); here the head gives ``z = s cos``
    (a ``CosineClsHead`` with ``scale=s``), so the margin is subtracted as
    ``s * m_y`` and ``s`` must equal the head's scale. Soft targets ``t``
    subtract ``s * m * t``. With ``reweight='effective_number'`` and
    ``reweight_from_epoch`` it is LDAM-DRW (the options of
    :class:`ClassCountsLoss`). Prediction uses the raw logits.

    Args:
        max_m: the largest margin, of the rarest class (0.5 in Cao et al.).
        s: the scale of the head's cosine logits (30 in Cao et al.).
        class_counts: training images per class ``(C,)``; filled in by
            ``ClassCountsHook`` when ``None``.
        loss_weight: multiplier of the loss.
    """

    def __init__(self, max_m: float = 0.5, s: float = 30.0,
                 class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, **kwargs):
        super().__init__(class_counts=class_counts, loss_weight=loss_weight, **kwargs)
        if max_m <= 0 or s <= 0:
            raise ValueError(
                f'LDAMLoss: max_m and s must be positive, got {max_m}, {s}')
        self.max_m = max_m
        self.s = s

    def margins(self) -> torch.Tensor:
        """``(C,)`` margins ``max_m * (n_min / n_j) ** (1/4)`` (classes without
        images get the largest)."""
        counts = self.class_counts.clamp(min=1.0)
        margins = counts**-0.25
        return margins * (self.max_m / margins.max())

    def sample_loss(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        shift = label_scores(label, cls_score.size(-1), cls_score.dtype) * \
            self.margins().to(cls_score.dtype)
        return F.cross_entropy(cls_score - self.s * shift, label, reduction='none')

    def extra_repr(self) -> str:
        return f'max_m={self.max_m}, s={self.s}, loss_weight={self.loss_weight}'
