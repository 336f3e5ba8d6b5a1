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
