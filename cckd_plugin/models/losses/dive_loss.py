"""DiVE: distilling virtual examples (He et al. 2021)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .functional import safe_log, soft_kl


@MODELS.register_module()
class DiVELoss(nn.Module):
    """``(1 - alpha) * BSCE(z, y) + alpha * tau^2 KL(flat(t) || softmax(z / tau))``.

    ``flat(t)`` is the teacher's softmax at temperature ``tau`` raised to
    ``power`` and renormalised (flatter for ``power < 1``); BSCE is the
    balanced-softmax cross-entropy ``CE(z + log p_tr, y)``.

    Args:
        tau: distillation temperature (1 in the paper's comparison).
        power: flattening exponent of the teacher distribution (0.5).
        alpha: weight of the distillation term; ``1 - alpha`` weighs BSCE.
    """

    def __init__(self, tau: float = 1.0, power: float = 0.5, alpha: float = 0.5):
        super().__init__()
        if tau <= 0 or power <= 0 or not 0 <= alpha <= 1:
            raise ValueError(
                f'DiVELoss: need tau > 0, power > 0 and 0 <= alpha <= 1, got '
                f'tau={tau}, power={power}, alpha={alpha}')
        self.tau, self.power, self.alpha = tau, power, alpha

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                labels: torch.Tensor, class_counts) -> torch.Tensor:
        """Logits ``(B, C)``, labels ``(B,)``, counts ``(C,)`` -> scalar."""
        z = student_logits.float()
        counts = torch.as_tensor(class_counts, dtype=torch.float32, device=z.device)
        bsce = F.cross_entropy(z + safe_log(counts / counts.sum()), labels)
        teacher = F.softmax(
            teacher_logits.detach().float() / self.tau, dim=-1)**self.power
        teacher = teacher / teacher.sum(dim=-1, keepdim=True)
        kl = soft_kl(teacher, z, self.tau)
        return (1 - self.alpha) * bsce + self.alpha * kl
