"""ResNet-10 (basic blocks 1-1-1-1), the small ImageNet-LT student."""
from mmpretrain.models.backbones.resnet import BasicBlock, ResNet
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ResNet10(ResNet):
    """MMPretrain's ResNet with one basic block per stage (512-d output).

    Takes every argument of :class:`mmpretrain.models.ResNet`; ``depth``
    defaults to 10 and 18 / 34 / 50 / 101 / 152 remain available.
    """

    arch_settings = {10: (BasicBlock, (1, 1, 1, 1)), **ResNet.arch_settings}

    def __init__(self, depth: int = 10, **kwargs):
        super().__init__(depth=depth, **kwargs)
