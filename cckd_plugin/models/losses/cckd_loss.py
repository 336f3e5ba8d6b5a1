"""Class-conditional knowledge distillation (Eq. 8) and its form on mixed data
(Eq. 12)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .functional import check_prior, safe_log, soft_kl


def class_conditional_target(teacher_logits: torch.Tensor, teacher_prior: torch.Tensor,
                             tau: float) -> torch.Tensor:
    """``q = softmax((t - log p_t) / tau)`` ``(B, C)``: the teacher's posterior
    with its own class prior divided out (its ``p(x|y)`` up to scale)."""
    prior = check_prior(teacher_prior, teacher_logits.size(-1), 'teacher_prior')
    shifted = teacher_logits.detach().float() - safe_log(
        prior.to(teacher_logits.device).float())
    return F.softmax(shifted / tau, dim=-1)


@MODELS.register_module()
class CCKDLoss(nn.Module):
    """CCKD on the training data (Eq. 8):

    ``tau^2 * mean_i KL(softmax((t - log p_t) / tau) ||
    softmax((z + log p_tr - log p_te) / tau))``.

    Both shifts sit inside the temperature. Priors are clamped at 1e-12 before
    the logarithm, so a zero prior gives no inf. With a uniform ``p_t`` and
    ``p_tr == p_te`` this is plain KD at the same ``tau``; the gradient with
    respect to ``z`` is ``tau * (softmax(r / tau) - q) / B`` with ``r`` the
    shifted student logits and ``q`` the target.

    Args:
        tau: temperature (2 in the paper).
    """

    def __init__(self, tau: float = 2.0):
        super().__init__()
        if tau <= 0:
            raise ValueError(f'{type(self).__name__}: tau must be positive, got {tau}')
        self.tau = tau

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                teacher_prior: torch.Tensor, train_prior: torch.Tensor,
                test_prior: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits ``(B, C)``, priors ``(C,)`` (``test_prior`` uniform if ``None``)."""
        num_classes = student_logits.size(-1)
        device = student_logits.device
        target = class_conditional_target(teacher_logits, teacher_prior, self.tau)
        train_prior = check_prior(train_prior, num_classes,
                                  'train_prior').to(device).float()
        if test_prior is None:
            test_prior = torch.full((num_classes, ), 1.0 / num_classes, device=device)
        test_prior = check_prior(test_prior, num_classes,
                                 'test_prior').to(device).float()
        shifted = student_logits.float() + safe_log(train_prior) - safe_log(test_prior)
        return soft_kl(target, shifted, self.tau)


@MODELS.register_module()
class CCKDMixLoss(CCKDLoss):
    """CCKD on the class-balanced mixed data (Eq. 12): no student-side shift,

    ``tau^2 * mean_i KL(softmax((t - log p_t) / tau) || softmax(z / tau))``.
    """

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                teacher_prior: torch.Tensor) -> torch.Tensor:
        target = class_conditional_target(teacher_logits, teacher_prior, self.tau)
        return soft_kl(target, student_logits.float(), self.tau)
