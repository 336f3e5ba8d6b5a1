"""Base class of the parameter-efficient tuners of a vision transformer (and,
for the tuners that need no transformer, of a timm CNN)."""
import inspect
import math
from typing import List, Optional

import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmpretrain.registry import MODELS

from ...registry_check import check_type


def check_tuner_type(peft: dict) -> None:
    """``peft.type`` must name a registered tuner; the error lists them."""
    check_type(MODELS, peft, 'backbone.peft', VisionTuner, 'PEFT tuner')


def _arguments(cls) -> List[str]:
    return [n for n in inspect.signature(cls.__init__).parameters if n != 'self']


def build_tuner(peft: dict) -> 'VisionTuner':
    """The tuner ``peft`` names, built with the settings it takes.

    A one-key swap (``peft=dict(type='VPTDeep')`` over an AdaptFormer config)
    inherits the old tuner's settings; a setting that another registered tuner
    takes but this one does not (``bottleneck`` for a VPT, ``num_tokens`` for
    an adapter) is dropped with a warning that names it. A key no tuner takes
    is an error.
    """
    check_tuner_type(peft)
    peft = {k: v for k, v in dict(peft).items() if k != '_scope_'}
    cls = MODELS.get(peft.pop('type'))
    takes = _arguments(cls)
    others = {
        n for c in MODELS.module_dict.values()
        if isinstance(c, type) and issubclass(c, VisionTuner) for n in _arguments(c)
    }
    extra = [k for k in peft if k not in takes]
    unknown = [k for k in extra if k not in others]
    if unknown:
        raise ValueError(f'backbone.peft: {cls.__name__} takes no {unknown} (no tuner '
                         f'does); its settings: {takes}')
    if extra:
        MMLogger.get_current_instance().warning(
            f'backbone.peft: {cls.__name__} takes no {extra} (another tuner\'s '
            f'settings, inherited from the base config); not used')
    return cls(**{k: v for k, v in peft.items() if k in takes})


def is_vision_transformer(network: nn.Module) -> bool:
    """Whether ``network`` is open_clip's ``VisionTransformer`` (blocks this
    plugin runs itself)."""
    return hasattr(network, '_embeds') and hasattr(
        getattr(network, 'transformer', None), 'resblocks')


def tuning_units(network: nn.Module) -> List[nn.Module]:
    """The network's units in input-to-output order, for the tuners that train
    whole units (``BlockTuning``) or their biases (``BiasTuning``): a ViT's
    transformer blocks; a timm CNN of the EfficientNet / MobileNet family's
    stem, its stages (``blocks``) and its head convolution.

    Raises:
        ValueError: a network of neither kind.
    """
    if is_vision_transformer(network):
        return list(network.transformer.resblocks)
    parts = ('conv_stem', 'bn1', 'blocks', 'conv_head', 'bn2')
    if all(hasattr(network, p) for p in parts):
        return [nn.ModuleList([network.conv_stem, network.bn1]), *network.blocks,
                nn.ModuleList([network.conv_head, network.bn2])]
    raise ValueError(f'no tuner unit is known for {type(network).__name__}: a ViT '
                     f'(open_clip) or a timm CNN with conv_stem, blocks and conv_head')


def default_bottleneck(num_classes: int, num_layers: int) -> int:
    """``2 ** max(0, int(log2(C / (2 * layers))))`` (LIFT's default width)."""
    return 2**max(0, int(math.log2(num_classes / (2 * num_layers))))


class VisionTuner(nn.Module):
    """A PEFT method attached to a frozen ViT (open_clip's ``VisionTransformer``).

    :class:`CLIPVisionBackbone` runs the blocks itself and asks the tuner at
    two points of every block ``i``:

    * :meth:`insert_prompts` before the block, on the tokens ``(B, 1 + P + N, D)``;
    * :meth:`mlp_branch` after the MLP: the residual stream ``x`` entering the
      MLP sub-block and the MLP's output ``h`` (both ``(B, L, D)``) give the
      branch added to ``x``.

    Subclasses build their parameters in :meth:`attach`.

    Args:
        bottleneck: hidden width (adapters) or rank (LoRA); ``None`` picks
            :func:`default_bottleneck` from the number of classes.
    """

    #: prompt tokens inserted after the class token
    num_prompts: int = 0

    def __init__(self, bottleneck: Optional[int] = None):
        super().__init__()
        if bottleneck is not None and bottleneck < 1:
            raise ValueError(
                f'{type(self).__name__}: bottleneck must be >= 1, got {bottleneck}')
        self.bottleneck = bottleneck

    @staticmethod
    def check_fits(visual: nn.Module, name: str) -> None:
        """Raise unless ``visual`` is a ViT whose blocks this plugin can run."""
        if not is_vision_transformer(visual):
            raise ValueError(f'{name} needs a vision transformer, but the backbone is '
                             f'{type(visual).__name__}')

    def resolve_bottleneck(self, num_classes: Optional[int], num_layers: int) -> int:
        if self.bottleneck is not None:
            return self.bottleneck
        if num_classes is None:
            raise ValueError(f'{type(self).__name__}: set peft.bottleneck or the '
                             f"backbone's num_classes for the default")
        return default_bottleneck(num_classes, num_layers)

    @property
    def description(self) -> str:
        """The tuner as the start-up log names it."""
        return type(self).__name__

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        """Build the tuner's parameters for ``visual``."""
        raise NotImplementedError

    def insert_prompts(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        return x

    def mlp_branch(self, layer: int, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return h


class BottleneckTuner(VisionTuner):
    """A :class:`Bottleneck` per block (``self.adapters``); subclasses decide
    where its branch joins the MLP in :meth:`mlp_branch`.

    Class attribute ``learnable_scale``: whether the branch has a learnable
    output scale (AdaptFormer's, not Adapter's, as in LIFT).
    """

    learnable_scale: bool = False

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        self.check_fits(visual, type(self).__name__)
        blocks = visual.transformer.resblocks
        hidden = self.resolve_bottleneck(num_classes, len(blocks))
        self.adapters = nn.ModuleList(
            Bottleneck(visual.transformer.width, hidden, self.learnable_scale)
            for _ in blocks)


class Bottleneck(nn.Module):
    """LayerNorm -> down -> ReLU -> up (zero-initialised) [-> learnable scale].

    Maps ``(..., D)`` to ``(..., D)``; outputs zero at initialisation. The
    initialisation is LIFT's (``models/peft_modules.py``): Kaiming-normal down
    projection, zero up projection and biases, scale 1.
    """

    def __init__(self, dim: int, hidden: int, learnable_scale: bool = True):
        super().__init__()
        self.ln = nn.LayerNorm(dim)
        self.down = nn.Linear(dim, hidden)
        self.up = nn.Linear(hidden, dim)
        self.scale = nn.Parameter(torch.ones(())) if learnable_scale else None
        nn.init.kaiming_normal_(self.down.weight, a=math.sqrt(5))
        nn.init.zeros_(self.down.bias)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.up(torch.relu(self.down(self.ln(x))))
        return out if self.scale is None else self.scale * out
