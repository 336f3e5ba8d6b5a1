"""AdaptFormer (Chen et al. 2022): a bottleneck parallel to every block's MLP."""
import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from .vision_tuner import Bottleneck, VisionTuner


@MODELS.register_module()
class AdaptFormer(VisionTuner):
    """Block output ``x + MLP(LN(x)) + s * up(ReLU(down(LN'(x))))``.

    The up-projection starts at zero and ``s`` at 1, so a fresh tuner leaves
    the backbone's output unchanged.

    Args:
        bottleneck: hidden width; ``None`` uses the default from the number of
            classes and layers.
    """

    def attach(self, visual: nn.Module, num_classes) -> None:
        self.check_fits(visual, 'AdaptFormer')
        blocks = visual.transformer.resblocks
        hidden = self.resolve_bottleneck(num_classes, len(blocks))
        self.adapters = nn.ModuleList(
            Bottleneck(visual.transformer.width, hidden) for _ in blocks)

    def mlp_branch(self, layer: int, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return h + self.adapters[layer](x)
