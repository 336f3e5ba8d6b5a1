"""Visual prompt tuning (Jia et al. 2022), shallow and deep."""
import math

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from .vision_tuner import VisionTuner


class _VisualPrompts(VisionTuner):
    """Learnable tokens ``(P, D)`` inserted after the class token.

    Args:
        num_tokens: prompts per layer (10 by default).
    """

    deep: bool = False

    def __init__(self, num_tokens: int = 10):
        super().__init__(bottleneck=None)
        if num_tokens < 1:
            raise ValueError(f'{type(self).__name__}: num_tokens must be >= 1, '
                             f'got {num_tokens}')
        self.num_prompts = num_tokens

    def attach(self, visual: nn.Module, num_classes) -> None:
        self.check_fits(visual, type(self).__name__)
        width = visual.transformer.width
        layers = len(visual.transformer.resblocks) if self.deep else 1
        patch = visual.patch_size
        patch = patch[0] * patch[1] if isinstance(patch, (tuple, list)) else patch**2
        bound = math.sqrt(6.0 / float(3 * patch + width))  # Xavier, as in VPT
        self.prompts = nn.Parameter(torch.empty(layers, self.num_prompts, width))
        nn.init.uniform_(self.prompts, -bound, bound)

    def insert_prompts(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        if layer > 0 and not self.deep:
            return x
        prompts = self.prompts[layer].to(x.dtype).expand(x.size(0), -1, -1)
        rest = x[:, 1:] if layer == 0 else x[:, 1 + self.num_prompts:]
        return torch.cat([x[:, :1], prompts, rest], dim=1)


@MODELS.register_module()
class VPTShallow(_VisualPrompts):
    """Prompts inserted before the first block only."""


@MODELS.register_module()
class VPTDeep(_VisualPrompts):
    """A fresh set of prompts replaces the previous one before every block."""

    deep = True
