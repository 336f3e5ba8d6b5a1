"""Adapter (Houlsby et al. 2019): a bottleneck after every block's MLP."""
import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from .vision_tuner import Bottleneck, VisionTuner


@MODELS.register_module()
class Adapter(VisionTuner):
    """MLP branch ``h + s * up(ReLU(down(LN(h))))`` with ``h = MLP(LN(x))``.

    Zero-initialised up-projection: a fresh tuner leaves the output unchanged.

    Args:
        bottleneck: hidden width; ``None`` uses the default from the number of
            classes and layers.
    """

    def attach(self, visual: nn.Module, num_classes) -> None:
        self.check_fits(visual, 'Adapter')
        blocks = visual.transformer.resblocks
        hidden = self.resolve_bottleneck(num_classes, len(blocks))
        self.adapters = nn.ModuleList(
            Bottleneck(visual.transformer.width, hidden) for _ in blocks)

    def mlp_branch(self, layer: int, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return h + self.adapters[layer](h)
