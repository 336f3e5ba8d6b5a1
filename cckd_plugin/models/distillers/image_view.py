"""Normalised views of raw pixels for a student or a teacher network."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F


class ImageView(nn.Module):
    """Raw pixels ``(B, C, H, W)`` in 0-255 -> the network's input.

    Optionally flips BGR to RGB, repeats a grey channel to the wanted number
    of channels, resizes to ``size`` (antialiased; bicubic results are clamped
    to 0-255, as an 8-bit image resized by PIL is) and normalises with
    ``mean`` / ``std`` (0-255 scale).

    Args:
        mean, std: per-channel statistics (0-255).
        size: output side in pixels, or ``None`` to keep the input size.
        to_rgb: reverse the channel order first.
        interpolation: ``'bicubic'`` (CLIP's preprocessing) or ``'bilinear'``.
    """

    INTERPOLATIONS = ('bicubic', 'bilinear')

    def __init__(self, mean: Sequence[float], std: Sequence[float],
                 size: Optional[int] = None, to_rgb: bool = False,
                 interpolation: str = 'bicubic'):
        super().__init__()
        if len(mean) != len(std):
            raise ValueError(f'ImageView: mean {list(mean)} and std {list(std)} differ '
                             f'in length')
        if interpolation not in self.INTERPOLATIONS:
            raise ValueError(f'ImageView: interpolation must be one of '
                             f'{self.INTERPOLATIONS}, got {interpolation!r}')
        self.interpolation = interpolation
        self.register_buffer(
            'mean',
            torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1),
            persistent=False)
        self.register_buffer(
            'std',
            torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1),
            persistent=False)
        self.size = size
        self.to_rgb = to_rgb

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = pixels.float()
        if self.to_rgb and x.size(1) == 3:
            x = x.flip(1)
        channels = self.mean.size(1)
        if x.size(1) != channels:
            if x.size(1) != 1:
                raise ValueError(f'ImageView: {x.size(1)}-channel images for a network '
                                 f'that expects {channels}')
            x = x.expand(-1, channels, -1, -1)
        if self.size is not None and tuple(x.shape[-2:]) != (self.size, self.size):
            x = F.interpolate(x, size=(self.size, self.size), mode=self.interpolation,
                              align_corners=False, antialias=True)
            if self.interpolation == 'bicubic':
                x = x.clamp(0.0, 255.0)
        return (x - self.mean) / self.std


VIEW_KEYS = ('mean', 'std', 'size', 'interpolation')


def teacher_view_of(teacher: nn.Module, teacher_view: Optional[dict],
                    norm: dict) -> ImageView:
    """The teacher's view of the raw pixels: ``model.teacher_view`` completed by
    the teacher backbone's ``mean`` / ``std`` / ``input_size`` /
    ``interpolation`` (CLIP), else its own data preprocessor's statistics, else
    the student's normalisation ``norm`` (bicubic, at the input size)."""
    view = dict(teacher_view or {})
    unknown = sorted(set(view) - set(VIEW_KEYS))
    if unknown:
        raise ValueError(f'model.teacher_view: unknown keys {unknown}; valid keys: '
                         f'{list(VIEW_KEYS)}')
    backbone = teacher.backbone
    own = teacher.data_preprocessor  # the teacher config's normalisation
    own_mean = getattr(own, 'mean', None)
    own_std = getattr(own, 'std', None)
    view.setdefault(
        'mean',
        getattr(backbone, 'mean', None)
        or (own_mean.flatten().tolist() if own_mean is not None else norm.get(
            'mean', [0.0])))
    view.setdefault(
        'std',
        getattr(backbone, 'std', None)
        or (own_std.flatten().tolist() if own_std is not None else norm.get(
            'std', [1.0])))
    view.setdefault('size', getattr(backbone, 'input_size', None))
    view.setdefault('interpolation', getattr(backbone, 'interpolation', 'bicubic'))
    return ImageView(view['mean'], view['std'], view['size'],
                     to_rgb=norm.get('to_rgb', False),
                     interpolation=view['interpolation'])
