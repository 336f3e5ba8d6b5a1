"""AdaptFormer (Chen et al. 2022): a bottleneck parallel to every block's MLP."""
import torch
from mmpretrain.registry import MODELS

from .vision_tuner import BottleneckTuner


@MODELS.register_module()
class AdaptFormer(BottleneckTuner):
    """Block output ``x + MLP(LN(x)) + s * up(ReLU(down(LN'(x))))``.

    The up-projection starts at zero and ``s`` at 1, so a fresh tuner leaves
    the backbone's output unchanged.

    Args:
        bottleneck: hidden width; ``None`` uses the default from the number of
            classes and layers.
    """

    learnable_scale = True

    def mlp_branch(self, layer: int, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return h + self.adapters[layer](x)
