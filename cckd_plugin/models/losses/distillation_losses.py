"""The distillation terms of the objective, in one file: KD and WKD (Hinton et al.
2015), DiVE (He et al. 2021), class-conditional KD on real and mixed data (Eq. 8,
Eq. 11), the supervised loss on mixed samples (Eq. 13-14) and feature imitation
(Eq. 15). None has a weight of its own: the distiller weights them with the
paper's alpha1 / alpha2 (``distill_settings.py``)."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .functional import check_prior, safe_log


def soft_kl(target: torch.Tensor, student_logits: torch.Tensor, tau: float,
            weight: Optional[torch.Tensor] = None) -> torch.Tensor:
    """``tau^2 * mean_i w_i KL(target_i || softmax(z_i / tau))``, a scalar.

    ``F.kl_div`` (``0 log 0 = 0``); with per-sample weights the mean still
    divides by ``B``.

    Args:
        target: target distributions ``(B, C)`` (rows sum to 1).
        student_logits: ``z`` ``(B, C)``.
        tau: temperature of the student softmax.
        weight: per-sample weights ``(B,)``.
    """
    log_student = F.log_softmax(student_logits / tau, dim=-1)
    if weight is None:
        return tau**2 * F.kl_div(log_student, target, reduction='batchmean')
    kl = F.kl_div(log_student, target, reduction='none').sum(dim=-1)
    return tau**2 * (kl * weight).mean()


def positive_tau(owner: nn.Module, tau: float) -> float:
    """``tau``, refused in one line naming the loss unless positive."""
    if tau <= 0:
        raise ValueError(f'{type(owner).__name__}: tau must be positive, got {tau}')
    return tau


# -- Knowledge distillation (Hinton et al. 2015) --------------------------
@MODELS.register_module()
class KDLoss(nn.Module):
    """``tau^2 * mean_i w_i KL(softmax(t_i / tau) || softmax(z_i / tau))``.

    Args:
        tau: temperature (1 for the comparison methods of the paper).
    """

    def __init__(self, tau: float = 1.0):
        super().__init__()
        self.tau = positive_tau(self, tau)

    def forward(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits ``(B, C)``, optional per-sample weights ``(B,)`` -> scalar."""
        target = F.softmax(teacher_logits.detach().float() / self.tau, dim=-1)
        return soft_kl(target, student_logits.float(), self.tau, weight)


# -- Class-weighted knowledge distillation --------------------------------
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


# -- DiVE: distilling virtual examples (He et al. 2021) -------------------
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


# -- Class-conditional knowledge distillation (Eq. 8) and on mixed data (Eq. 11) --
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
        self.tau = positive_tau(self, tau)

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


# -- Supervised loss on mixed samples weighted by the teacher (Eq. 13-14) -
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


# -- Feature imitation (Eq. 15) -------------------------------------------
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
