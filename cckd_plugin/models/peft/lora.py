"""LoRA (Hu et al. 2022) on the attention projections of every block, placed as
LIFT places it."""
import math
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS
from torch.nn.utils import parametrize

from .vision_tuner import VisionTuner

#: the projections LoRA adapts: slices of the fused ``in_proj_weight``, ``out_proj``
LORA_TARGETS = ('q', 'k', 'v', 'out')


class LowRankDelta(nn.Module):
    """Adds ``scaling * (A_p B_p)^T`` to the rows of projection ``p`` of a weight.

    A ``torch.nn.utils.parametrize`` parametrization: it maps the frozen weight
    ``(P * D, D)`` (``P`` stacked ``D x D`` projections, e.g. q, k, v) to the
    adapted one, so every caller of the weight (open_clip's attention passes
    ``in_proj_weight`` and ``out_proj.weight`` straight to
    ``F.multi_head_attention_forward``) sees the update. ``A_p`` is ``(D, r)``
    (Kaiming-uniform), ``B_p`` is ``(r, D)`` (zeros), as in LIFT, so that
    ``x W_p^T`` gains ``scaling * x A_p B_p`` and a fresh adapter changes nothing.

    Args:
        dim: ``D``.
        rank: ``r``.
        slots: the projection names stacked in the weight, in row order.
        targets: the adapted ones among ``slots``.
        scaling: multiplier of the low-rank product (LIFT: ``1 / r``).
    """

    def __init__(self, dim: int, rank: int, slots: Sequence[str],
                 targets: Sequence[str], scaling: float):
        super().__init__()
        self.slots = list(slots)
        self.scaling = scaling
        self.lora_A = nn.ParameterDict()
        self.lora_B = nn.ParameterDict()
        for name in targets:
            self.lora_A[name] = nn.Parameter(torch.empty(dim, rank))
            self.lora_B[name] = nn.Parameter(torch.zeros(rank, dim))
            nn.init.kaiming_uniform_(self.lora_A[name], a=math.sqrt(5))

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        dim = weight.size(1)
        rows = []
        for i, name in enumerate(self.slots):
            block = weight[i * dim:(i + 1) * dim]
            if name in self.lora_A:
                delta = (self.lora_A[name] @ self.lora_B[name]).t()
                block = block + self.scaling * delta.to(block.dtype)
            rows.append(block)
        return torch.cat(rows) if len(rows) > 1 else rows[0]


@MODELS.register_module()
class LoRA(VisionTuner):
    """Low-rank updates of the attention projections, LIFT's placement by default.

    LIFT (``models/peft_vit.py``) adds ``x A B / r`` to the query and the value
    of every block; ``targets`` may name any of ``q``, ``k``, ``v`` (slices of
    the fused ``in_proj_weight``) and ``out`` (the output projection).

    This tuner is written by hand rather than through ``peft``: ``peft`` adapts
    a fused parameter such as ``in_proj_weight`` only as a whole (q, k and v
    together), and open_clip never calls the ``out_proj`` module (its weight is
    passed to ``F.multi_head_attention_forward``), so a ``peft`` adapter on it
    would get no gradient. Each adapted weight is wrapped by a
    :class:`LowRankDelta` parametrization; the frozen weights are kept as
    ``parametrizations.<name>.original`` and stay bit-identical.

    Args:
        bottleneck: the rank ``r``; ``None`` uses the default from the number of
            classes and layers.
        alpha: the product is scaled by ``alpha / r``; default ``1`` (LIFT's ``1 / r``).
        targets: projections to adapt, from ``('q', 'k', 'v', 'out')``.
    """

    def __init__(self, bottleneck: Optional[int] = None, alpha: float = 1.0,
                 targets: Sequence[str] = ('q', 'v')):
        super().__init__(bottleneck=bottleneck)
        unknown = [t for t in targets if t not in LORA_TARGETS]
        if unknown or not targets:
            raise ValueError(
                f'LoRA: targets must be a non-empty subset of {LORA_TARGETS}, '
                f'got {list(targets)}')
        self.alpha = float(alpha)
        self.targets = [t for t in LORA_TARGETS if t in targets]

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        self.check_fits(visual, 'LoRA')
        blocks = visual.transformer.resblocks
        rank = self.resolve_bottleneck(num_classes, len(blocks))
        dim = visual.transformer.width
        fused = [t for t in self.targets if t in ('q', 'k', 'v')]
        for block in blocks:
            attn = block.attn
            if fused:
                parametrize.register_parametrization(
                    attn, 'in_proj_weight',
                    LowRankDelta(dim, rank, ('q', 'k', 'v'), fused, self.alpha / rank))
            if 'out' in self.targets:
                parametrize.register_parametrization(
                    attn.out_proj, 'weight',
                    LowRankDelta(dim, rank, ('out', ), ('out', ), self.alpha / rank))
