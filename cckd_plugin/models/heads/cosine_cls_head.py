"""Cosine-similarity classification head."""
import math
import os.path as osp
from typing import Callable, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS

from ...fingerprint import weights_hash
from .class_weights_file import cached_class_weights, load_class_weights
from .ncm_cls_head import training_class_means
from .zero_shot_cls_head import encode_prompts, readable_class_names, resolve_templates


@MODELS.register_module()
class CosineClsHead(ClsHead):
    """Logits ``s * cos(x, w_c)`` for features ``x`` ``(B, D)`` and class
    weights ``w`` ``(C, D)``: ``(B, C)`` values in ``[-s, s]``.

    The class weights start as random directions of unit length, as LIFT's
    cosine classifier (``models/classifiers.py``: uniform in ``[-1, 1]``,
    renormalised per row). Their length only sets the step size of the
    normalised weights (the gradient of ``w / |w|`` scales with ``1 / |w|``):
    rows of length 0.1 (``Normal(std=0.01)`` in 96 dimensions) take 10 times
    the step of unit rows and, on long-tailed data, leave the rare classes'
    rows pointing away from every feature (docs/conventions.md, section 7).

    Args:
        num_classes: number of classes ``C``.
        in_channels: feature size ``D``.
        scale: the scale ``s`` (CLIP-style teachers use 25).
        learnable_scale: learn ``s`` (kept positive through its logarithm).
        init_weights_file: a class-weight file to initialise ``w`` from (a
            zero-shot or NCM file from ``tools/build_teacher_head.py``, or the
            file ``init_from`` builds); its feature size must equal
            ``in_channels``.
        init_from: build the initial ``w`` before training instead
            (:meth:`prepare`; skipped when a run resumes or loads a
            checkpoint): ``'text'``, LIFT's initialisation for CLIP ViTs (the
            class names' text features mapped into the class-token space by
            the transpose of the image projection, renormalised), or
            ``'class_mean'`` (normalised class means of the backbone's features
            over the training set). Cached in ``init_weights_file``, default
            ``<work_dir>/teacher_heads/init-<init_from>.pth``.
        templates: prompts of ``init_from='text'`` (``'single'``: LIFT's
            "a photo of a {}.", ``'ensemble'`` or a list).
        clip: ``dict(model_name, pretrained, model_cfg)`` of the text tower of
            ``init_from='text'``; default: the backbone's own.
        init_cfg: mmengine initialisation of ``fc`` instead of the unit rows
            (for example ``dict(type='Normal', layer='Linear', std=0.01)``).
        **kwargs: passed to :class:`mmpretrain.models.heads.ClsHead` (``loss``,
            ``topk``, ``cal_acc``).
    """

    INIT_FROM = (None, 'text', 'class_mean')

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 scale: float = 16.0,
                 learnable_scale: bool = False,
                 init_weights_file: Optional[str] = None,
                 init_from: Optional[str] = None,
                 templates: Union[str, Sequence[str]] = 'single',
                 clip: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 **kwargs):
        super().__init__(init_cfg=init_cfg, **kwargs)
        if init_from not in self.INIT_FROM:
            raise ValueError(
                f'CosineClsHead: init_from must be one of {self.INIT_FROM}, '
                f'got {init_from!r}')
        self.init_from = init_from
        self.templates = resolve_templates(templates)
        self.clip_cfg = dict(clip or {})
        if num_classes <= 0 or in_channels <= 0:
            raise ValueError(f'CosineClsHead: num_classes={num_classes} and '
                             f'in_channels={in_channels} must be positive')
        if scale <= 0:
            raise ValueError(f'CosineClsHead: scale must be positive, got {scale}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.fc = nn.Linear(in_channels, num_classes, bias=False)
        with torch.no_grad():  # unit rows, as LIFT's CosineClassifier
            self.fc.weight.uniform_(-1.0, 1.0)
            self.fc.weight.copy_(F.normalize(self.fc.weight, dim=-1))
        log_scale = torch.tensor(math.log(scale))
        if learnable_scale:
            self.log_scale = nn.Parameter(log_scale)
        else:
            self.register_buffer('log_scale', log_scale)
        self.init_weights_file = init_weights_file
        self._load_init_weights()

    def _load_init_weights(self) -> None:
        if self.init_weights_file is None or self.init_from is not None:
            return  # init_from: prepare() builds or loads the file
        record = load_class_weights(
            self.init_weights_file,
            None,
            self.num_classes,
            self.in_channels,
            key='CosineClsHead.init_weights_file')
        with torch.no_grad():
            self.fc.weight.copy_(record['weight'])

    def set_weights(self, weight: torch.Tensor) -> None:
        """Copy class weights ``(C, D)`` into the classifier."""
        with torch.no_grad():
            self.fc.weight.copy_(weight.to(self.fc.weight))

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

    # -- init_from: the initial class weights, before a fresh training run -------
    def prepare(self, classifier, data, inputs_of: Callable) -> None:
        """Initialise ``w`` from ``init_from`` for ``classifier`` (whose head this
        is), from ``data`` (a ``PreparationData``); cached in
        ``init_weights_file`` with its provenance."""
        path = self.init_weights_file or osp.join(data.work_dir, 'teacher_heads',
                                                  f'init-{self.init_from}.pth')
        if self.init_from == 'text':
            weight = self.text_features_in_token_space(classifier.backbone,
                                                       data.class_names, path)
        else:
            weight, _ = training_class_means(classifier, data, inputs_of,
                                             'class-mean', path, self.num_classes,
                                             self.in_channels, float(self.scale))
        self.set_weights(weight)
        MMLogger.get_current_instance().info(
            f'CosineClsHead: initialised from {self.init_from} ({path})')

    def text_features_in_token_space(self, backbone,
                                     class_names: Optional[Sequence[str]],
                                     path: str) -> torch.Tensor:
        """LIFT's head initialisation for a CLIP ViT (``init_head: text_feat``):
        ``normalize(normalize(text) @ proj^T)`` ``(C, D)``, the prompted class
        names' text features mapped into the class-token space by the transpose
        of the backbone's image projection. Cached in ``path``."""
        proj = getattr(getattr(backbone, 'visual', None), 'proj', None)
        if proj is None or getattr(backbone, 'out_type', None) != 'cls_token':
            raise ValueError(
                "CosineClsHead.init_from='text' needs a CLIPVisionBackbone ViT with "
                "out_type='cls_token' (its image projection maps text features "
                "into the class-token space); use init_from='class_mean'")
        names = readable_class_names(class_names, self.num_classes,
                                     "CosineClsHead.init_from='text'")
        clip_cfg = dict(model_name=backbone.model_name, pretrained=backbone.pretrained,
                        model_cfg=backbone.model_cfg)
        clip_cfg.update(self.clip_cfg)
        provenance = dict(kind='text-feat', model_name=clip_cfg['model_name'],
                          pretrained=clip_cfg['pretrained'], class_names=names,
                          templates=self.templates, projection=weights_hash(
                              torch.nn.ParameterList([proj])))

        def build():  # LIFT's text features, mapped into the class-token space
            text, _ = encode_prompts(clip_cfg, names, self.templates, proj.device)
            weight = F.normalize(text @ proj.detach().float().t(), dim=-1).cpu()
            return weight, float(self.scale)

        weight, _ = cached_class_weights(path, 'text-feat', self.num_classes,
                                         self.in_channels, provenance, build,
                                         key='CosineClsHead.init_weights_file')
        return weight
