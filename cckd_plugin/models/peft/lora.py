"""LoRA (Hu et al. 2022) on the attention of every block, through ``peft``."""
from typing import Optional, Sequence

import torch.nn as nn
from mmpretrain.registry import MODELS
from peft import LoraConfig, inject_adapter_in_model

from .vision_tuner import VisionTuner


@MODELS.register_module()
class LoRA(VisionTuner):
    """Low-rank updates injected by ``peft.inject_adapter_in_model``.

    ``peft`` zero-initialises ``B``, so a fresh tuner leaves the output unchanged.
    By default the fused query / key / value weight of every
    ``nn.MultiheadAttention`` (a parameter, adapted through ``peft``'s
    ``target_parameters``) and its output projection are adapted; neither path
    merges into the frozen weights in place, so those stay bit-identical.

    Args:
        bottleneck: the rank ``r``; ``None`` uses the default from the number of
            classes and layers.
        alpha: LoRA's ``lora_alpha`` (scaling ``alpha / r``); default ``r``.
        target_modules: ``nn.Linear`` modules to adapt (by name suffix).
        target_parameters: weight parameters to adapt (by name suffix).
        dropout: dropout on the LoRA path of ``target_modules``.
    """

    def __init__(self, bottleneck: Optional[int] = None, alpha: Optional[float] = None,
                 target_modules: Sequence[str] = ('out_proj', ),
                 target_parameters: Sequence[str] = ('attn.in_proj_weight', ),
                 dropout: float = 0.0):
        super().__init__(bottleneck=bottleneck)
        self.alpha = alpha
        self.target_modules = list(target_modules)
        self.target_parameters = list(target_parameters)
        self.dropout = dropout

    def attach(self, visual: nn.Module, num_classes) -> None:
        self.check_fits(visual, 'LoRA')
        rank = self.resolve_bottleneck(num_classes, len(visual.transformer.resblocks))
        config = LoraConfig(r=rank, lora_alpha=self.alpha or rank,
                            target_modules=self.target_modules or None,
                            target_parameters=self.target_parameters or None,
                            lora_dropout=self.dropout)
        try:
            inject_adapter_in_model(config, visual.transformer)
        except ValueError:  # peft's NoMatchingPeftModuleError, in our terms
            matched = False
        else:  # the LoRA parameters live inside the backbone's own modules
            matched = any('lora_' in name for name, _ in visual.transformer.named_parameters())
        if not matched:
            raise ValueError(f'LoRA: nothing in the backbone matches '
                             f'target_modules={self.target_modules} or '
                             f'target_parameters={self.target_parameters}')
