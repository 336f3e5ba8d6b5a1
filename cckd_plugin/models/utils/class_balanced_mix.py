"""ClassBalancedMix: Algorithm 1's mixup / cutmix onto a class-balanced partner."""
import math
from typing import Optional, Tuple

import numpy as np
import torch
from mmpretrain.registry import BATCH_AUGMENTS


@BATCH_AUGMENTS.register_module()
class ClassBalancedMix:
    """Mix each sample ``x`` (random order) with its class-balanced partner ``x'``.

    One ``lambda ~ Beta(alpha, alpha)`` per batch, folded to ``lambda >= 0.5``
    so that the partner dominates and the mixed set stays class-balanced.
    With probability ``mixup_prob`` mixup: ``x_mix = lambda x' + (1 - lambda) x``;
    otherwise cutmix: a box of ``x`` covering ``1 - lambda`` of the area is
    pasted into ``x'`` and ``lambda`` is recomputed from the box after
    clipping to the image (so it only grows). Labels: ``y_a = y'`` (balanced),
    ``y_b = y``.

    Random numbers come from a ``numpy.random.Generator`` passed by the caller,
    whose state can be saved and restored for exact resumption.

    Args:
        alpha: Beta parameter (0.5 in the paper).
        mixup_prob: probability of mixup rather than cutmix (0.5).
    """

    def __init__(self, alpha: float = 0.5, mixup_prob: float = 0.5):
        if alpha <= 0 or not 0 <= mixup_prob <= 1:
            raise ValueError(
                f'ClassBalancedMix: need alpha > 0 and 0 <= mixup_prob <= 1, '
                f'got alpha={alpha}, mixup_prob={mixup_prob}')
        self.alpha = alpha
        self.mixup_prob = mixup_prob

    def __call__(self, inputs: torch.Tensor, partner_inputs: torch.Tensor,
                 rng: Optional[np.random.Generator] = None
                 ) -> Tuple[torch.Tensor, float, str]:
        """Images ``(B, C, H, W)`` (any scale) -> ``(x_mix, lambda, mode)``."""
        if inputs.shape != partner_inputs.shape:
            raise ValueError(
                f'ClassBalancedMix: inputs {tuple(inputs.shape)} and partner '
                f'inputs {tuple(partner_inputs.shape)} differ')
        rng = rng if rng is not None else np.random.default_rng()
        lam = float(rng.beta(self.alpha, self.alpha))
        lam = max(lam, 1.0 - lam)
        if rng.random() < self.mixup_prob:
            return lam * partner_inputs + (1.0 - lam) * inputs, lam, 'mixup'
        height, width = inputs.shape[-2:]
        cut = math.sqrt(1.0 - lam)
        cut_h, cut_w = int(height * cut), int(width * cut)
        cy, cx = int(rng.integers(height)), int(rng.integers(width))
        y0, y1 = max(cy - cut_h // 2, 0), min(cy + cut_h // 2, height)
        x0, x1 = max(cx - cut_w // 2, 0), min(cx + cut_w // 2, width)
        mixed = partner_inputs.clone()
        mixed[..., y0:y1, x0:x1] = inputs[..., y0:y1, x0:x1]
        lam = 1.0 - (y1 - y0) * (x1 - x0) / float(height * width)
        return mixed, lam, 'cutmix'
