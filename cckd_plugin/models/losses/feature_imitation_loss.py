"""Feature imitation (Eq. 15)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .wkd_loss import inverse_frequency_weights


@MODELS.register_module()
class FeatureImitationLoss(nn.Module):
    """``1 - cos(align(g_s(x)), g_t(x))``, averaged over the batch.

    With ``labels`` and ``class_counts`` (the training data ``D_tr``) each
    sample weighs ``1 / n_y`` and the mean is weighted (sum of weighted terms
    over the sum of weights); without them (``D_mix``) it is the plain mean.

    Args:
    """

    def __init__(self):
        super().__init__()

    def forward(self, student_features_aligned: torch.Tensor,
                teacher_features: torch.Tensor, labels: Optional[torch.Tensor] = None,
                class_counts=None) -> torch.Tensor:
        """Features ``(B, D)`` (the student's already mapped to ``D``)."""
        if student_features_aligned.shape != teacher_features.shape:
            raise ValueError(
                f'FeatureImitationLoss: aligned student features '
                f'{tuple(student_features_aligned.shape)} and teacher features '
                f'{tuple(teacher_features.shape)} differ')
        gap = 1 - F.cosine_similarity(
            student_features_aligned.float(),
            teacher_features.detach().float(),
            dim=-1,
            eps=1e-8)
        if labels is None or class_counts is None:
            return gap.mean()
        weight = inverse_frequency_weights(class_counts, labels)  # prop. to 1 / n_y
        return (weight * gap).sum() / weight.sum()
