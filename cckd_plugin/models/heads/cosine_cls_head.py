"""Cosine-similarity classification head."""
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS

from .class_weights_file import load_class_weights


@MODELS.register_module()
class CosineClsHead(ClsHead):
    """Logits ``s * cos(x, w_c)`` for features ``x`` ``(B, D)`` and class
    weights ``w`` ``(C, D)``: ``(B, C)`` values in ``[-s, s]``.

    Args:
        num_classes: number of classes ``C``.
        in_channels: feature size ``D``.
        scale: the scale ``s`` (CLIP-style teachers use 25).
        learnable_scale: learn ``s`` (kept positive through its logarithm).
        init_weights_file: a zero-shot or NCM class-weight file (from
            ``tools/build_teacher_head.py``) to initialise ``w`` from; its
            feature size must equal ``in_channels``.
        **kwargs: passed to :class:`mmpretrain.models.heads.ClsHead` (``loss``,
            ``topk``, ``cal_acc``, ``init_cfg``).
    """

    def __init__(self, num_classes: int, in_channels: int, scale: float = 16.0,
                 learnable_scale: bool = False, init_weights_file: Optional[str] = None,
                 init_cfg: Optional[dict] = dict(type='Normal', layer='Linear', std=0.01),
                 **kwargs):
        super().__init__(init_cfg=init_cfg, **kwargs)
        if num_classes <= 0 or in_channels <= 0:
            raise ValueError(f'CosineClsHead: num_classes={num_classes} and '
                             f'in_channels={in_channels} must be positive')
        if scale <= 0:
            raise ValueError(f'CosineClsHead: scale must be positive, got {scale}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.fc = nn.Linear(in_channels, num_classes, bias=False)
        log_scale = torch.tensor(math.log(scale))
        if learnable_scale:
            self.log_scale = nn.Parameter(log_scale)
        else:
            self.register_buffer('log_scale', log_scale)
        self.init_weights_file = init_weights_file
        self._load_init_weights()

    def _load_init_weights(self) -> None:
        if self.init_weights_file is None:
            return
        record = load_class_weights(self.init_weights_file, None, self.num_classes,
                                    self.in_channels, key='CosineClsHead.init_weights_file')
        with torch.no_grad():
            self.fc.weight.copy_(record['weight'])

    def init_weights(self) -> None:
        super().init_weights()
        self._load_init_weights()  # the file wins over init_cfg

    @property
    def scale(self) -> torch.Tensor:
        return self.log_scale.exp()

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        return feats[-1]

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        x = F.normalize(self.pre_logits(feats), dim=-1)
        w = F.normalize(self.fc.weight, dim=-1)
        return self.scale * (x @ w.t())
