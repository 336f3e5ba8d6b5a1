"""Adapter (Houlsby et al. 2019): a bottleneck after every block's MLP."""
import torch
from mmpretrain.registry import MODELS

from .vision_tuner import BottleneckTuner


@MODELS.register_module()
class Adapter(BottleneckTuner):
    """MLP branch ``h + up(ReLU(down(LN(h))))`` with ``h = MLP(LN(x))`` (no
    output scale, as LIFT's Adapter).

    Zero-initialised up-projection: a fresh tuner leaves the output unchanged.

    Args:
        bottleneck: hidden width; ``None`` uses the default from the number of
            classes and layers.
    """

    def mlp_branch(self, layer: int, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return h + self.adapters[layer](h)
