"""Base class of the supervised losses that depend on training class counts."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmpretrain.models.losses.utils import weight_reduce_loss

from .functional import label_scores, safe_log


class ClassCountsLoss(nn.Module):
    """Holds the training class counts ``n`` ``(C,)`` of a long-tail loss.

    The counts come from the config (``class_counts=[...]``) or are filled in
    before training by :class:`cckd_plugin.engine.ClassCountsHook` through
    :meth:`set_class_counts`. Subclasses implement :meth:`sample_loss`.
    ``forward`` follows MMPretrain's loss interface, so the loss can be the
    ``loss=`` of any MMPretrain head; targets may be labels ``(B,)`` or soft
    scores ``(B, C)`` from batch augments.

    Class-balanced re-weighting (Cui et al. 2019) is an option of every such
    loss: with ``reweight='effective_number'`` a sample of class ``y`` counts
    ``w_y = (1 - beta) / (1 - beta ** n_y)``, the weights normalised to sum to
    ``C`` (Cui et al.'s normalisation; the batch mean of ``w_y * loss``), from
    epoch ``reweight_from_epoch`` on (0-based; before it every weight is 1).
    ``reweight_from_epoch=160`` on a 200-epoch run is LDAM-DRW's deferred
    re-weighting (Cao et al. 2019). Soft targets ``t`` weight by ``t @ w``. The
    epoch comes from ``EpochSeedHook`` through :meth:`set_epoch`.

    Args:
        class_counts: training images per class, or ``None`` to be filled in.
        loss_weight: multiplier of the loss.
        reduction: ``'mean'``, ``'sum'`` or ``'none'``.
        reweight: ``None`` or ``'effective_number'``.
        beta: the effective number's ``beta`` (0.9999 in Cui et al. and LDAM-DRW).
        reweight_from_epoch: first epoch (0-based) that re-weights.
    """

    REWEIGHTS = (None, 'effective_number')

    def __init__(self, class_counts: Optional[Sequence[int]] = None,
                 loss_weight: float = 1.0, reduction: str = 'mean',
                 reweight: Optional[str] = None, beta: float = 0.9999,
                 reweight_from_epoch: int = 0):
        super().__init__()
        name = type(self).__name__
        if reweight not in self.REWEIGHTS:
            raise ValueError(f'{name}: reweight must be one of {self.REWEIGHTS}, got '
                             f'{reweight!r}')
        if not 0.0 <= beta < 1.0:
            raise ValueError(f'{name}: beta must be in [0, 1), got {beta}')
        if reweight_from_epoch < 0:
            raise ValueError(f'{name}: reweight_from_epoch must be >= 0, got '
                             f'{reweight_from_epoch}')
        self.loss_weight = loss_weight
        self.reduction = reduction
        self.reweight = reweight
        self.beta = beta
        self.reweight_from_epoch = reweight_from_epoch
        self.epoch = 0
        self.register_buffer('class_counts', None, persistent=False)
        self.counts_from_config = class_counts is not None
        if class_counts is not None:
            self.set_class_counts(class_counts)

    def set_epoch(self, epoch: int) -> None:
        """The 0-based training epoch (``EpochSeedHook``), for deferred re-weighting."""
        self.epoch = int(epoch)

    def class_weights(self) -> Optional[torch.Tensor]:
        """``(C,)`` effective-number weights summing to ``C`` while re-weighting
        is on, else ``None``."""
        if self.reweight is None or self.epoch < self.reweight_from_epoch:
            return None
        counts = self.class_counts.double()
        weights = (1.0 - self.beta) / (1.0 - self.beta**counts)
        return (weights * counts.numel() / weights.sum()).float()

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
        per_class = self.class_weights()
        if per_class is not None:
            per_class = per_class.to(loss.device)
            loss = loss * (label_scores(label, per_class.numel(), per_class.dtype)
                           @ per_class)
        if weight is not None:
            weight = weight.float()
        reduction = reduction_override or self.reduction
        return self.loss_weight * weight_reduce_loss(
            loss, weight=weight, reduction=reduction, avg_factor=avg_factor)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
