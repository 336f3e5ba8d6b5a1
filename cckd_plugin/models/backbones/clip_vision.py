"""CLIP's vision tower through ``open_clip``, frozen, with an optional PEFT tuner."""
import contextlib
import json
import logging
import os.path as osp
import tempfile
from typing import Optional, Tuple

import open_clip
import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from ...compat import safe_torch_load
from ..peft.vision_tuner import build_tuner, check_tuner_type
from ..utils import weight_differences


def register_open_clip_config(model_name: str, model_cfg: dict) -> None:
    """Make a custom architecture (open_clip's JSON layout) known as ``model_name``."""
    folder = tempfile.mkdtemp(prefix='open_clip_cfg_')
    path = osp.join(folder, f'{model_name}.json')
    with open(path, 'w') as f:
        json.dump(model_cfg, f)
    open_clip.add_model_config(path)


class _RandomInitNotice(logging.Filter):
    """Drops open_clip's "No pretrained weights loaded ... initialized randomly"
    warning: with ``pretrained=None`` the tower's weights come from a
    checkpoint loaded after it is built (strictly: every tower weight must be
    there) or from a local file checked here, so the warning would be false."""

    def filter(self, record: logging.LogRecord) -> bool:
        return 'No pretrained weights loaded' not in record.getMessage()


@contextlib.contextmanager
def _quiet_random_init():
    notice = _RandomInitNotice()
    logging.getLogger().addFilter(notice)
    try:
        yield
    finally:
        logging.getLogger().removeFilter(notice)


def _check_local_weights(model: nn.Module, path: str, model_name: str) -> None:
    """A local checkpoint must hold exactly this architecture's weights; the
    error names the first missing, unexpected or mis-shaped key in one line
    (open_clip's own loader would raise PyTorch's multi-line report)."""
    ckpt = safe_torch_load(path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    state = {k[len('module.'):] if k.startswith('module.') else k: v
             for k, v in state.items()}
    missing, unexpected, shapes = weight_differences(model.state_dict(), state)
    if missing or unexpected or shapes:
        details = [
            f'{len(missing)} missing keys (e.g. {missing[0]})' if missing else '',
            f'{len(unexpected)} unexpected keys (e.g. {unexpected[0]})'
            if unexpected else '',
            f'{len(shapes)} shape mismatches (e.g. {shapes[0]})' if shapes else ''
        ]
        raise ValueError(f'pretrained checkpoint {path} does not match open_clip model '
                         f'{model_name}: ' + ', '.join(d for d in details if d))


def create_open_clip(model_name: str = 'ViT-B-16', pretrained: Optional[str] = None,
                     model_cfg: Optional[dict] = None) -> nn.Module:
    """Build an open_clip CLIP model (both towers) and load its weights.

    Args:
        model_name: an open_clip architecture name (``open_clip.list_models()``).
        pretrained: an open_clip pretrained tag (such as ``'openai'``), a local
            checkpoint file of the whole model (loaded by open_clip itself), or
            ``None`` for random weights.
        model_cfg: a custom architecture in open_clip's JSON layout, registered
            under ``model_name`` (tests use a tiny ViT this way); an optional
            ``preprocess_cfg`` key gives its input statistics (mean, std, size).

    Raises:
        ValueError: unknown model name or tag, or a local file for another model.
    """
    preprocess = None
    if model_cfg is not None:
        model_cfg = dict(model_cfg)
        preprocess = model_cfg.pop('preprocess_cfg', None)
        register_open_clip_config(model_name, model_cfg)
    models = open_clip.list_models()
    if model_name not in models:
        raise ValueError(f'unknown open_clip model_name {model_name!r}; valid names: '
                         f'{", ".join(models)}')
    if pretrained is not None and not osp.isfile(str(pretrained)):
        tags = open_clip.list_pretrained_tags_by_model(model_name)
        if pretrained not in tags:
            raise ValueError(f'unknown pretrained {pretrained!r} for open_clip model '
                             f'{model_name} (not a file either); valid tags: '
                             f'{", ".join(tags) or "none"}')
    elif pretrained is not None:
        with _quiet_random_init():
            plain = open_clip.create_model(model_name, pretrained=None)
        _check_local_weights(plain, pretrained, model_name)
    with _quiet_random_init() if pretrained is None else contextlib.nullcontext():
        return open_clip.create_model(model_name, pretrained=pretrained,
                                      force_preprocess_cfg=preprocess)


@MODELS.register_module()
class CLIPVisionBackbone(BaseModule):
    """The frozen image encoder of an open_clip model.

    Only the PEFT tuner (``peft``) trains; every pretrained weight is frozen.
    The output is a tuple whose last entry is the feature the head reads:
    ``((B, W),)``, the class-token feature before the projection
    (``out_type='cls_token'``, ``W`` = 768 for ViT-B/16, used by fine-tuned
    and NCM teachers), or ``((B, W), (B, P))``, the class token and its
    projection into CLIP's joint space (``'projected'``, ``P`` = 512, used by
    zero-shot heads). Feature imitation reads the first entry, the class
    token, for every CLIP teacher (``imitated_output``; docs/conventions.md,
    section 5); a tower that is not a transformer has only the projected
    feature.

    Attributes exposed for the distiller: ``input_size`` (pixels), ``mean`` and
    ``std`` (0-255 scale, RGB), ``out_channels`` (the head's input size) and
    ``imitated_output`` (the output index feature imitation reads).

    Args:
        model_name: open_clip architecture (default ``'ViT-B-16'``).
        pretrained: open_clip tag, local checkpoint file or ``None``.
        out_type: ``'cls_token'`` or ``'projected'``.
        peft: config of a tuner: LIFT's ``AdaptFormer``, ``Adapter``,
            ``VPTShallow``, ``VPTDeep``, ``LoRA``, ``BiasTuning`` or
            ``BlockTuning``, or ``PeftTuner`` (any tuner of the ``peft``
            library); ``None`` keeps the tower fully frozen.
        num_classes: number of classes, for the tuners' default bottleneck.
        model_cfg: custom architecture in open_clip's JSON layout.
        frozen: keep the tower's own weights fixed (a teacher); ``False``
            trains the whole tower (pre-training one from scratch).
    """

    OUT_TYPES = ('cls_token', 'projected')
    #: the output feature imitation reads: the class token (or, for a tower that
    #: is not a transformer, its only output)
    imitated_output = 0

    def __init__(self, model_name: str = 'ViT-B-16', pretrained: Optional[str] = None,
                 out_type: str = 'cls_token', peft: Optional[dict] = None,
                 num_classes: Optional[int] = None, model_cfg: Optional[dict] = None,
                 frozen: bool = True, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if out_type not in self.OUT_TYPES:
            raise ValueError(f'CLIPVisionBackbone: out_type must be one of '
                             f'{self.OUT_TYPES}, got {out_type!r}')
        if peft is not None:  # before any weight is built or downloaded
            check_tuner_type(peft)
            if not frozen:
                raise ValueError(
                    'CLIPVisionBackbone: a PEFT tuner trains a frozen tower; '
                    'set frozen=True or peft=None')
        self.model_name = model_name
        self.pretrained = pretrained
        self.model_cfg = model_cfg
        self.out_type = out_type
        clip = create_open_clip(model_name, pretrained, model_cfg)
        pre = open_clip.get_model_preprocess_cfg(clip)  # the tower's own preprocessing
        self.visual = clip.visual
        del clip
        self.visual.requires_grad_(not frozen)
        size = pre['size']
        self.input_size = int(size[0] if isinstance(size, (tuple, list)) else size)
        self.mean = [255.0 * m for m in pre['mean']]
        self.std = [255.0 * s for s in pre['std']]
        self.interpolation = pre.get('interpolation', 'bicubic')
        is_vit = hasattr(self.visual, 'transformer')
        if not is_vit and out_type != 'projected':
            raise ValueError(f"CLIPVisionBackbone: {model_name} is not a vision "
                             f"transformer; use out_type='projected'")
        self.out_channels = (self.visual.output_dim if out_type == 'projected'
                             else self.visual.transformer.width)
        self.tuner = None
        if peft is not None:
            self.tuner = build_tuner(peft)
            self.tuner.attach(self.visual, num_classes)
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        total = sum(p.numel() for p in self.parameters())
        MMLogger.get_current_instance().info(
            f'CLIPVisionBackbone({model_name}): '
            f'{self.tuner.description if self.tuner else "no tuner"} '
            f'trains {trainable:,} of {total:,} parameters')

    def forward(self, images: torch.Tensor) -> Tuple[torch.Tensor]:
        """Images ``(B, 3, S, S)`` normalised by ``mean`` / ``std`` ->
        ``((B, W),)`` or, projected, ``((B, W), (B, P))`` (see the class)."""
        visual = self.visual
        if not hasattr(visual, 'transformer'):  # open_clip's ResNet: projected only
            return (visual(images), )
        x = visual._embeds(images)
        for i, block in enumerate(visual.transformer.resblocks):
            if self.tuner is not None:
                x = self.tuner.insert_prompts(i, x)
            x = x + block.ls_1(block.attention(q_x=block.ln_1(x)))
            h = block.ls_2(block.mlp(block.ln_2(x)))
            if self.tuner is not None:
                h = self.tuner.mlp_branch(i, x, h)
            x = x + h
        if self.tuner is not None and self.tuner.num_prompts:
            x = torch.cat([x[:, :1], x[:, 1 + self.tuner.num_prompts:]], dim=1)
        pooled, _ = visual._pool(x)
        if self.out_type == 'projected':
            return (pooled, pooled if visual.proj is None else pooled @ visual.proj)
        return (pooled, )
