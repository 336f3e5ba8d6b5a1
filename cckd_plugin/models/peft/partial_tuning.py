"""Tuning part of the network's own weights: its biases (BitFit) or its last
blocks, on a ViT tower or a timm CNN (``tuning_units``)."""
from typing import Optional

import torch.nn as nn
from mmpretrain.registry import MODELS

from .vision_tuner import VisionTuner, tuning_units


@MODELS.register_module()
class BiasTuning(VisionTuner):
    """BitFit (Ben Zaken et al. 2022) as LIFT's ``bias_tuning``: every bias of
    the transformer blocks trains (attention in / out projections, MLP, the
    blocks' LayerNorms); the patch embedding, ``ln_pre`` and ``ln_post`` stay
    frozen. On a CNN every bias of every unit trains: the BatchNorm shifts
    (the scales and the running statistics stay). Adds no parameter."""

    def __init__(self):
        super().__init__(bottleneck=None)

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        for unit in tuning_units(visual):
            for name, param in unit.named_parameters():
                if name.endswith('bias'):
                    param.requires_grad_(True)


@MODELS.register_module()
class BlockTuning(VisionTuner):
    """Full fine-tuning of the last ``num_blocks`` transformer blocks (LIFT's
    ``full_tuning`` with ``partial=num_blocks``); ``None`` tunes every block.
    The embeddings, ``ln_pre``, the earlier blocks and ``ln_post`` stay frozen.
    On a CNN the units are the stem, the stages and the head convolution, so
    ``None`` is full fine-tuning. Adds no parameter.

    Args:
        num_blocks: how many of the last blocks train (``1 <= k <= L``).
    """

    def __init__(self, num_blocks: Optional[int] = 1):
        super().__init__(bottleneck=None)
        if num_blocks is not None and num_blocks < 1:
            raise ValueError(f'BlockTuning: num_blocks must be >= 1 or None, got '
                             f'{num_blocks}')
        self.num_blocks = num_blocks

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        blocks = tuning_units(visual)
        count = len(blocks) if self.num_blocks is None else self.num_blocks
        if count > len(blocks):
            raise ValueError(f'BlockTuning: num_blocks={count}, but the network has '
                             f'{len(blocks)} units')
        for block in blocks[len(blocks) - count:]:
            block.requires_grad_(True)
