"""Any tuner of the ``peft`` library on the CLIP tower or a timm CNN, by its name.

``peft`` is imported when a :class:`PeftTuner` is built, not with the plugin:
it brings ``transformers`` and costs about 4 s of every tool's start-up.
"""
import copy
from typing import Dict, List, Optional

import torch.nn as nn
from mmpretrain.registry import MODELS

from .vision_tuner import VisionTuner, is_vision_transformer, tuning_units

#: where each method goes on open_clip's ``ResidualAttentionBlock`` when
#: ``config`` names no ``target_modules``. open_clip's attention hands its
#: weights to ``F.multi_head_attention_forward``, so a tuner that wraps
#: ``nn.Linear`` layers reaches only the MLP (``c_fc``, ``c_proj``); peft's LoRA
#: adapts the fused q/k/v weight itself (``target_parameters``: q, k and v
#: together, peft cannot split it). LN tuning trains copies of the blocks'
#: LayerNorms (LIFT's ``ln_tuning``); IA3 scales the MLP's hidden activations
#: (the input of ``c_proj``) and the output of ``c_fc``.
DEFAULT_TARGETS: Dict[str, dict] = {
    'LORA': dict(target_modules=[], target_parameters=['attn.in_proj_weight']),
    'IA3': dict(target_modules=['c_fc', 'c_proj'], feedforward_modules=['c_proj']),
    'LN_TUNING': dict(target_modules=['ln_1', 'ln_2']),
}
MLP_TARGETS = dict(target_modules=['c_fc', 'c_proj'])
#: a timm CNN of the EfficientNet / MobileNet family: the pointwise (1x1)
#: convolutions of every block and the head convolution, where most of the
#: weights are (peft's LoRA on a depthwise convolution needs a rank divisible
#: by its groups); IA3 scales the input of each block's projection
#: (``conv_pwl``) and the output of the others.
CNN_POINTWISE = r'.*\.(conv_pw|conv_pwl)$|^conv_head$'
CNN_DEFAULT_TARGETS: Dict[str, dict] = {
    'IA3': dict(target_modules=CNN_POINTWISE, feedforward_modules=r'.*\.conv_pwl$'),
}


def _peft_types() -> Dict[str, object]:
    """peft's tuner types by a spelling-free key (``'LoHa'``, ``'lo_ha'``,
    ``'LOHA'`` -> ``PeftType.LOHA``); prompt-learning types (text models) left out."""
    from peft import PromptLearningConfig
    from peft.mapping import PEFT_TYPE_TO_CONFIG_MAPPING
    return {
        t.value.replace('_', '').upper(): t
        for t, cls in PEFT_TYPE_TO_CONFIG_MAPPING.items()
        if not issubclass(cls, PromptLearningConfig)
    }


def peft_methods() -> List[str]:
    """The ``method`` names :class:`PeftTuner` accepts (peft's type values)."""
    return sorted(t.value for t in _peft_types().values())


@MODELS.register_module()
class PeftTuner(VisionTuner):
    """A ``peft`` tuner (IA3, LoHa, LoKr, LN tuning, BOFT, OFT, peft's LoRA, ...)
    injected into open_clip's vision tower or a timm CNN with
    ``peft.inject_adapter_in_model``.

    The tuner is built from peft's own config class for ``method``
    (``peft.IA3Config`` for ``'IA3'``) with ``config`` as its arguments; where
    ``config`` gives no ``target_modules``, :data:`DEFAULT_TARGETS` places it
    on a ViT (the MLP's linear layers for most methods) and
    :data:`CNN_DEFAULT_TARGETS` on a CNN (the pointwise convolutions). peft
    freezes everything but its adapter weights; the adapters live inside the
    network's modules (``...mlp.c_fc.ia3_l.default``), the frozen weights under
    ``...base_layer...``, bit-identical to the pretrained ones.

    Args:
        method: peft's tuner type, e.g. ``'IA3'``, ``'LOHA'``, ``'LoKr'``,
            ``'LN_TUNING'``, ``'BOFT'``, ``'LORA'`` (case and underscores
            ignored; :func:`peft_methods` lists them).
        config: keyword arguments of peft's config class (``r``,
            ``target_modules``, ``boft_block_size``, ...).

    Raises:
        ValueError: unknown method, arguments its config class does not take,
            targets not found, or a method peft cannot inject in place
            (VeRA, VB-LoRA keep shared state on a peft model wrapper).
    """

    def __init__(self, method: str, config: Optional[dict] = None):
        super().__init__(bottleneck=None)
        import peft
        types = _peft_types()
        key = str(method).replace('_', '').upper()
        if key not in types:
            raise ValueError(f'backbone.peft.method: peft has no tuner {method!r} '
                             f'(peft {peft.__version__}: {", ".join(peft_methods())})')
        self.peft_type = types[key]
        self.method = self.peft_type.value
        self.config = {k: v for k, v in dict(config or {}).items() if k != '_scope_'}
        self.peft_config = self._peft_config(vision_transformer=True)  # checked now

    def _peft_config(self, vision_transformer: bool):
        """peft's config object, with the default targets of the network kind
        where ``config`` names none."""
        from peft.mapping import PEFT_TYPE_TO_CONFIG_MAPPING
        config = self.config
        if not config.get('target_modules') and not config.get('target_parameters'):
            defaults = DEFAULT_TARGETS.get(self.method, MLP_TARGETS) \
                if vision_transformer else CNN_DEFAULT_TARGETS.get(
                    self.method, dict(target_modules=CNN_POINTWISE))
            config = {**defaults, **config}
        config_cls = PEFT_TYPE_TO_CONFIG_MAPPING[self.peft_type]
        try:
            return config_cls(**copy.deepcopy(config))
        except (TypeError, ValueError) as error:
            message = ' '.join(str(error).split())
            raise ValueError(f'backbone.peft.config: {config_cls.__name__}: '
                             f'{message}') from None

    @property
    def description(self) -> str:
        return f'PeftTuner({self.method})'

    def attach(self, visual: nn.Module, num_classes: Optional[int]) -> None:
        import peft
        if not is_vision_transformer(visual):
            tuning_units(visual)  # a CNN this plugin knows, or one line
            self.peft_config = self._peft_config(vision_transformer=False)
        try:
            peft.inject_adapter_in_model(self.peft_config, visual)
        except (TypeError, ValueError, RuntimeError) as error:
            message = ' '.join(str(error).split())
            raise ValueError(f'backbone.peft: peft cannot put {self.method} on this '
                             f'tower: {message}') from None
        from peft.tuners.lora.layer import MultiheadAttention as LoraAttention
        if any(isinstance(m, LoraAttention) for m in visual.modules()):
            raise ValueError(
                f"backbone.peft: peft's {self.method} on nn.MultiheadAttention adds "
                f'its update to the frozen in_proj_weight before every forward and '
                f'subtracts it after, which changes frozen weights by rounding; '
                f"adapt the fused weight with config=dict(target_modules=[], "
                f"target_parameters=['attn.in_proj_weight']) instead")
        if not any(p.requires_grad for p in visual.parameters()):
            raise ValueError(f'backbone.peft: {self.method} with {self.config} adds '
                             f'no trainable parameter to the tower')
