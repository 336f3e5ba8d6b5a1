"""The teacher's outputs for a batch of views, computed or replayed.

The distiller asks one object for the logits and the imitated feature of the
rows its batch holds; whether the frozen teacher runs or a replay cache
(``model.teacher_cache``, ``cckd_plugin/teacher_cache/``) serves them is this
object's business alone."""
from typing import Optional, Tuple

import torch
import torch.nn as nn

from ...teacher_cache import CachedTeacher
from .image_view import ImageView

PRECISIONS = ('auto', 'fp32', 'bf16', 'fp16')


def check_precision(precision: str) -> str:
    """``precision`` if it is one of :data:`PRECISIONS`, else a one-line error
    naming ``model.teacher_precision``."""
    if precision not in PRECISIONS:
        raise ValueError(f'model.teacher_precision must be one of {list(PRECISIONS)}, '
                         f'got {precision!r}')
    return precision


class TeacherOutputs:
    """A frozen teacher seen through its view of the raw pixels.

    Not an ``nn.Module``: it holds the distiller's ``teacher`` and
    ``teacher_view`` modules (so their weights stay ``teacher.*`` in
    checkpoints and move with the distiller).

    Args:
        teacher: the frozen classifier (eval mode, no gradients).
        view: its :class:`ImageView` of the raw pixels.
        precision: the forward's autocast, one of :data:`PRECISIONS`
            (:func:`check_precision`, which the distiller calls before it
            builds anything).
        channels_last: feed 4-D views in the channels-last layout.
        config: the teacher's model config (part of a cache's identity).
        cache: a replay cache reader, or ``None`` to compute every batch.
    """

    def __init__(self, teacher: nn.Module, view: ImageView, precision: str = 'auto',
                 channels_last: bool = True, config: Optional[dict] = None,
                 cache: Optional[CachedTeacher] = None):
        self.teacher, self.view, self.precision = teacher, view, precision
        self.channels_last, self.config, self.cache = channels_last, config, cache

    def autocast_dtype(self, device: torch.device) -> Optional[torch.dtype]:
        """The autocast dtype of the forward on ``device`` (``None``: fp32).

        ``'auto'``: bf16 on a GPU that supports it, else fp16 on a GPU, fp32 on
        the CPU; ``'bf16'`` / ``'fp16'`` / ``'fp32'`` force one.
        """
        if self.precision == 'auto':
            if device.type != 'cuda':
                return None
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return dict(fp32=None, bf16=torch.bfloat16, fp16=torch.float16)[self.precision]

    @property
    def device(self) -> torch.device:
        return next(self.teacher.parameters(), torch.empty(0)).device

    @torch.no_grad()
    def compute(self, pixels: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Raw pixels ``(B, C, H, W)`` -> the teacher's ``(logits (B, K),
        features (B, D))``, both fp32 (the forward under autocast per
        ``precision``); the features are those feature imitation reads."""
        view = self.view(pixels)
        if self.channels_last and view.dim() == 4:
            view = view.contiguous(memory_format=torch.channels_last)
        dtype = self.autocast_dtype(view.device)
        with torch.autocast(device_type=view.device.type, dtype=dtype or torch.float32,
                            enabled=dtype is not None):
            feats = self.teacher.extract_feat(view)
            logits = self.teacher.head(feats)
        # g_t: the CLIP class token whatever the head reads (docs/conventions.md, 5)
        imitated = feats[getattr(self.teacher.backbone, 'imitated_output', -1)]
        return logits.float(), imitated.float()

    def __call__(self, pixels: torch.Tensor, labels: torch.Tensor,
                 samples: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """The outputs on one training step's teacher batch (raw pixels
        ``(R, C, H, W)``, each row's label ``(R,)``, ``samples`` real images
        first): read from the cache when there is one, else computed."""
        if self.cache is None:
            return self.compute(pixels)
        return self.cache.outputs(pixels, labels, samples, self.compute)

    def set_epoch(self, epoch: int) -> None:
        """Start an epoch's steps (the cache reads rows in training order)."""
        if self.cache is not None:
            self.cache.set_epoch(epoch)
