"""Shared pieces of the losses and the metrics (docs/conventions.md, section 2):
the one home of the probability clamp, the prior check and one-hot label scores."""
import torch
import torch.nn.functional as F

#: probabilities are clamped to at least this before any logarithm
PROB_EPS = 1e-12


def safe_log(prob: torch.Tensor) -> torch.Tensor:
    """``log`` of probabilities clamped to at least ``PROB_EPS`` (no -inf)."""
    return prob.clamp_min(PROB_EPS).log()


def label_scores(label: torch.Tensor, num_classes: int,
                 dtype: torch.dtype) -> torch.Tensor:
    """Targets as scores ``(B, C)``: labels ``(B,)`` one-hot, soft scores
    ``(B, C)`` (batch augments, mixed samples) as they are."""
    if label.dim() == 1:
        return F.one_hot(label.long(), num_classes).to(dtype)
    return label.to(dtype)


def check_prior(prior: torch.Tensor, num_classes: int, name: str) -> torch.Tensor:
    """A prior must be ``(C,)``, non-negative and sum to 1 (within 1e-3).

    Raises:
        ValueError: naming the prior.
    """
    prior = torch.as_tensor(prior)
    if prior.ndim != 1 or prior.numel() != num_classes:
        raise ValueError(f'{name} must have shape ({num_classes},), got '
                         f'{tuple(prior.shape)}')
    if bool((prior < 0).any()):
        raise ValueError(f'{name} has negative entries')
    total = float(prior.sum())
    if abs(total - 1.0) > 1e-3:
        raise ValueError(f'{name} must sum to 1, sums to {total:.6f}')
    return prior
