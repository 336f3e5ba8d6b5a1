"""Heads whose class weights are built once (zero-shot text features, class means)."""
import os.path as osp
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead

from .class_weights_file import load_class_weights


class PrototypeClsHead(ClsHead):
    """Logits ``scale * cos(x, w_c)`` with frozen class weights ``w`` ``(C, D)``.

    The weights are built once and stored in ``weights_file``: by
    ``tools/build_teacher_head.py CONFIG`` or, when the file is missing, by
    :meth:`prepare` on first use (``PrepareModelHook``). They are buffers, so
    checkpoints carry them.

    Args:
        num_classes: ``C``.
        in_channels: feature size ``D``.
        weights_file: where the built weights live; ``None`` means
            ``<work_dir>/teacher_heads/<kind>.pth``.
        scale: logit scale; ``None`` takes the one stored in the file.
    """

    kind = ''

    def __init__(self, num_classes: int, in_channels: int,
                 weights_file: Optional[str] = None, scale: Optional[float] = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.weights_file = weights_file
        self.fixed_scale = scale
        self.register_buffer('weight', torch.zeros(num_classes, in_channels))
        self.register_buffer('scale', torch.tensor(float(scale or 1.0)))
        self.register_buffer('built', torch.tensor(False))
        if weights_file is not None and osp.isfile(weights_file):
            self.load_weights(weights_file)

    def resolve_weights_file(self, data) -> str:
        """``weights_file``, by default ``<work_dir>/teacher_heads/<kind>.pth``."""
        if self.weights_file is None:
            self.weights_file = osp.join(data.work_dir, 'teacher_heads',
                                         f'{self.kind}.pth')
        return self.weights_file

    def prepare(self, classifier, data, inputs_of
                ) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
        """Build or load the class weights for ``classifier`` (whose head this
        is) from ``data`` (a ``PreparationData``); ``inputs_of(batch)`` gives the
        classifier's ``(inputs, data_samples)``. Returns training features and
        labels when a pass over the training set ran."""
        raise NotImplementedError

    def load_weights(self, path: str, provenance: Optional[dict] = None) -> None:
        record = load_class_weights(
            path,
            self.kind,
            self.num_classes,
            self.in_channels,
            provenance,
            key=f'{type(self).__name__}.weights_file')
        self.set_weights(record['weight'], record['scale'])

    def set_weights(self, weight: torch.Tensor, scale: float) -> None:
        self.weight.copy_(F.normalize(weight.float(), dim=-1))
        self.scale.fill_(
            float(self.fixed_scale if self.fixed_scale is not None else scale))
        self.built.fill_(True)

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        return feats[-1]

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        if not bool(self.built):
            raise RuntimeError(
                f'{type(self).__name__}: class weights are not built; run '
                f'tools/build_teacher_head.py CONFIG or keep '
                f"default_hooks.prepare_model=dict(type='PrepareModelHook')")
        x = F.normalize(self.pre_logits(feats), dim=-1)
        return self.scale * (x @ self.weight.to(x.dtype).t())
