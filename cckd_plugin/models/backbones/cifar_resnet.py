"""ResNet for 32-px images (He et al. 2016, section 4.2): ResNet-20/32/44/56/110."""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm


class CifarBasicBlock(nn.Module):
    """Two 3x3 convolutions with a parameter-free shortcut (option A:
    stride-2 subsampling and zero-padded channels)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.stride = stride
        self.pad = out_channels - in_channels

    def shortcut(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride > 1:
            x = x[:, :, ::self.stride, ::self.stride]
        if self.pad:
            x = F.pad(x, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x), inplace=True)


@MODELS.register_module()
class CifarResNet(BaseBackbone):
    """CIFAR ResNet with three stages of ``base_channels * (1, 2, 4)`` channels.

    ``depth = 6 n + 2`` (n blocks per stage); ResNet-32 with a 100-class
    linear head has about 0.47 M parameters.

    Args:
        depth: 8, 14, 20, 32, 44, 56, 110, ... (any ``6 n + 2``).
        in_channels: image channels (3 for CIFAR, 1 for Fashion-MNIST).
        base_channels: channels of the first stage (16 in the paper).
        stem_stride: stride of the first 3x3 convolution (1 in the paper; 2
            quarters the cost of every stage, e.g. for 28-px images on a CPU).
        out_indices: stages whose feature maps ``(B, C_i, H_i, W_i)`` are returned.
        frozen_stages: as in MMPretrain's ResNet: ``-1`` trains everything, ``0``
            freezes the stem, ``k`` the stem and the first ``k`` of the three
            stages (weights without gradients, BatchNorm statistics fixed: those
            modules stay in eval mode); ``3`` freezes the whole backbone, as
            classifier re-training on a stage-1 network needs.
        norm_eval: keep every BatchNorm layer of the backbone in eval mode while
            training (running statistics fixed; its affine weights still train
            unless frozen).
        init_cfg: weight initialisation (Kaiming conv, constant BN by default).
    """

    def __init__(self, depth: int = 32, in_channels: int = 3, base_channels: int = 16,
                 stem_stride: int = 1, out_indices: Sequence[int] = (2, ),
                 frozen_stages: int = -1, norm_eval: bool = False,
                 init_cfg=(dict(type='Kaiming', layer='Conv2d'),
                           dict(type='Constant', val=1, layer='BatchNorm2d'))):
        super().__init__(init_cfg=list(init_cfg) if init_cfg else None)
        if depth < 8 or (depth - 2) % 6:
            raise ValueError(
                f'CifarResNet: depth must be 6n+2 (20, 32, 44, 56, 110, ...), '
                f'got {depth}')
        if any(not 0 <= i < 3 for i in out_indices):
            raise ValueError(
                f'CifarResNet: out_indices must lie in [0, 3), got {out_indices}')
        if not isinstance(frozen_stages, int) or not -1 <= frozen_stages <= 3:
            raise ValueError(f'CifarResNet: frozen_stages must be -1 (none), 0 (the '
                             f'stem) or 1-3 (the stem and that many stages), got '
                             f'{frozen_stages!r}')
        blocks = (depth - 2) // 6
        self.depth = depth
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = bool(norm_eval)
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, base_channels, 3, stem_stride, 1, bias=False),
            nn.BatchNorm2d(base_channels), nn.ReLU(inplace=True))
        self.stages = nn.ModuleList()
        channels = base_channels
        for i in range(3):
            out_channels = base_channels * 2**i
            layers = []
            for j in range(blocks):
                stride = 2 if (i > 0 and j == 0) else 1
                layers.append(CifarBasicBlock(channels, out_channels, stride))
                channels = out_channels
            self.stages.append(nn.Sequential(*layers))
        self.out_channels = channels
        self._freeze()

    def _frozen_modules(self) -> List[nn.Module]:
        if self.frozen_stages < 0:
            return []
        return [self.stem, *self.stages[:self.frozen_stages]]

    def _freeze(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'CifarResNet':
        """``nn.Module.train``, then the frozen modules (and with ``norm_eval``
        every BatchNorm layer) back in eval mode."""
        super().train(mode)
        self._freeze()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        x = self.stem(x)
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
