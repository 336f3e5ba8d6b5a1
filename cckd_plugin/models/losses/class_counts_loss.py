"""Base class of the supervised losses that depend on training class counts."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmpretrain.models.losses.utils import weight_reduce_loss

from .functional import safe_log


class ClassCountsLoss(nn.Module):
    """Holds the training class counts ``n`` ``(C,)`` of a long-tail loss.

    The counts come from the config (``class_counts=[...]``) or are filled in
    before training by :class:`cckd_plugin.engine.ClassCountsHook` through
    :meth:`set_class_counts`. Subclasses implement :meth:`sample_loss`.
    ``forward`` follows MMPretrain's loss interface, so the loss can be the
    ``loss=`` of any MMPretrain head; targets may be labels ``(B,)`` or soft
    scores ``(B, C)`` from batch augments.

    Args:
        class_counts: training images per class, or ``None`` to be filled in.
        loss_weight: multiplier of the loss.
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
    """

    def __init__(self, class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, reduction: str = 'mean'):
        super().__init__()
        self.loss_weight = loss_weight
        self.reduction = reduction
        self.register_buffer('class_counts', None, persistent=False)
        self.counts_from_config = class_counts is not None
        if class_counts is not None:
            self.set_class_counts(class_counts)

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """Set the counts ``(C,)``; they must be non-negative with a positive sum."""
        counts = torch.as_tensor(class_counts, dtype=torch.float32).detach().clone()
        if counts.ndim != 1 or counts.numel() == 0 or bool((counts < 0).any()) \
                or float(counts.sum()) <= 0:
            raise ValueError(f'{type(self).__name__}: class_counts must be a non-empty '
                             f'list of non-negative counts with a positive sum')
        device = self.class_counts.device if self.class_counts is not None else 'cpu'
        self.class_counts = counts.to(device)

    def log_prior(self) -> torch.Tensor:
        """``log p_tr`` ``(C,)`` from the counts, clamped at ``log(PROB_EPS)``."""
        return safe_log(self.class_counts / self.class_counts.sum())

    def _check(self, cls_score: torch.Tensor) -> None:
        name = type(self).__name__
        if self.class_counts is None:
            raise RuntimeError(f'{name}: no class counts; set class_counts in the loss '
                               f'config or keep ClassCountsHook in custom_hooks')
        if self.class_counts.numel() != cls_score.size(-1):
            raise ValueError(f'{name}: class_counts has {self.class_counts.numel()} '
                             f'entries but the head gives {cls_score.size(-1)} logits '
                             f'(model.head.num_classes)')
        if self.class_counts.device != cls_score.device:
            self.class_counts = self.class_counts.to(cls_score.device)

    def sample_loss(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        """Per-sample loss ``(B,)``."""
        raise NotImplementedError

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None, **kwargs) -> torch.Tensor:
        """Loss of logits ``(B, C)`` against labels ``(B,)`` or scores ``(B, C)``."""
        self._check(cls_score)
        loss = self.sample_loss(cls_score, label)
        if weight is not None:
            weight = weight.float()
        reduction = reduction_override or self.reduction
        return self.loss_weight * weight_reduce_loss(
            loss, weight=weight, reduction=reduction, avg_factor=avg_factor)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
