"""Knowledge distillation (Hinton et al. 2015)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .functional import soft_kl


@MODELS.register_module()
class KDLoss(nn.Module):
    """``tau^2 * mean_i w_i KL(softmax(t_i / tau) || softmax(z_i / tau))``.

    Args:
        tau: temperature (1 for the comparison methods of the paper).
    """

    def __init__(self, tau: float = 1.0):
        super().__init__()
        if tau <= 0:
            raise ValueError(f'{type(self).__name__}: tau must be positive, got {tau}')
        self.tau = tau

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits ``(B, C)``, optional per-sample weights ``(B,)`` -> scalar."""
        target = F.softmax(teacher_logits.detach().float() / self.tau, dim=-1)
        return soft_kl(target, student_logits.float(), self.tau, weight)
