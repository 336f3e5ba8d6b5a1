"""Class-weighted knowledge distillation."""
from typing import Sequence, Union

import torch
from mmpretrain.registry import MODELS

from .kd_loss import KDLoss


def inverse_frequency_weights(class_counts: Union[torch.Tensor, Sequence[int]],
                              labels: torch.Tensor) -> torch.Tensor:
    """``N / (C * n_y)`` per sample ``(B,)``: mean 1 over the training set.

    Empty classes count as 1 image (no division by zero).
    """
    counts = torch.as_tensor(class_counts, dtype=torch.float32, device=labels.device)
    per_class = counts.sum() / (counts.numel() * counts.clamp_min(1.0))
    return per_class[labels.long()]


@MODELS.register_module()
class WKDLoss(KDLoss):
    """KD with per-sample weight ``N / (C * n_y)`` (inverse class frequency).

    Args:
        tau: temperature.
    """

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                labels: torch.Tensor, class_counts) -> torch.Tensor:
        """Logits ``(B, C)``, labels ``(B,)``, counts ``(C,)`` -> scalar."""
        weight = inverse_frequency_weights(class_counts, labels)
        return super().forward(student_logits, teacher_logits, weight=weight)
