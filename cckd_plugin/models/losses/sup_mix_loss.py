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
    """

    def __init__(self):
        super().__init__()

    @staticmethod
    def teacher_weighted_target(teacher_logits: torch.Tensor, labels: torch.Tensor,
                                partner_labels: torch.Tensor) -> torch.Tensor:
        """The soft target ``w_a onehot(y_a) + w_b onehot(y_b)`` ``(B, C)``,
        ``(w_a, w_b) = softmax(t_{y_a}, t_{y_b})`` (Eq. 13)."""
        t = teacher_logits.detach().float()
        labels, partner_labels = labels.long(), partner_labels.long()
        pair = torch.stack([t.gather(1, labels[:, None])[:, 0],
                            t.gather(1, partner_labels[:, None])[:, 0]], dim=1)
        w = F.softmax(pair, dim=1)
        num_classes = t.shape[-1]
        return (w[:, :1] * F.one_hot(labels, num_classes) +
                w[:, 1:] * F.one_hot(partner_labels, num_classes))

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                labels: torch.Tensor, partner_labels: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, C)``; each mixed sample's two labels ``(B,)``, its own
        and its partner's. Cross-entropy with :meth:`teacher_weighted_target`."""
        target = self.teacher_weighted_target(teacher_logits, labels, partner_labels)
        return F.cross_entropy(student_logits.float(), target)
