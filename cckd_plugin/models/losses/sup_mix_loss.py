"""Supervised loss on mixed samples weighted by the teacher (Eq. 13-14)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS


@MODELS.register_module()
class SupMixLoss(nn.Module):
    """``mean_i -(w_a log p_s(y_a | x_mix) + w_b log p_s(y_b | x_mix))`` where
    ``(w_a, w_b) = softmax(t_{y_a}, t_{y_b})`` from the raw teacher logits and
    ``p_s = softmax(z)``. With ``y_a == y_b`` it is cross-entropy on that label.

    Args:
        loss_weight: multiplier of the loss.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                labels_a: torch.Tensor, labels_b: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, C)``, the two labels of each mixed sample ``(B,)``."""
        t = teacher_logits.detach().float()
        pair = torch.stack([t.gather(1, labels_a.long()[:, None])[:, 0],
                            t.gather(1, labels_b.long()[:, None])[:, 0]], dim=1)
        w = F.softmax(pair, dim=1)
        log_p = F.log_softmax(student_logits.float(), dim=-1)
        nll = -(w[:, 0] * log_p.gather(1, labels_a.long()[:, None])[:, 0] +
                w[:, 1] * log_p.gather(1, labels_b.long()[:, None])[:, 0])
        return self.loss_weight * nll.mean()
