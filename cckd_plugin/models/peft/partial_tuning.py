"""Tuning part of the tower's own weights: its biases (BitFit) or its last blocks."""
from typing import Optional

import torch.nn as nn
from mmpretrain.registry import MODELS

from .vision_tuner import VisionTuner


@MODELS.register_module()
class BiasTuning(VisionTuner):
    """BitFit (Ben Zaken et al. 2022) as LIFT's ``bias_tuning``: every bias of
    the transformer blocks trains (attention in / out projections, MLP, the
    blocks' LayerNorms); the patch embedding, ``ln_pre`` and ``ln_post`` stay
    frozen. Adds no parameter."""

    def __init__(self):
        super().__init__(bottleneck=None)

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        self.check_fits(visual, 'BiasTuning')
        for name, param in visual.transformer.resblocks.named_parameters():
            if name.endswith('bias'):
                param.requires_grad_(True)


@MODELS.register_module()
class BlockTuning(VisionTuner):
    """Full fine-tuning of the last ``num_blocks`` transformer blocks (LIFT's
    ``full_tuning`` with ``partial=num_blocks``); ``None`` tunes every block.
    The embeddings, ``ln_pre``, the earlier blocks and ``ln_post`` stay frozen.
    Adds no parameter.

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
        self.check_fits(visual, 'BlockTuning')
        blocks = visual.transformer.resblocks
        count = len(blocks) if self.num_blocks is None else self.num_blocks
        if count > len(blocks):
            raise ValueError(f'BlockTuning: num_blocks={count}, but the tower has '
                             f'{len(blocks)} blocks')
        for block in blocks[len(blocks) - count:]:
            block.requires_grad_(True)
