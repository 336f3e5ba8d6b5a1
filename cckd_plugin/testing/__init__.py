"""Helpers for tests and CPU benchmarks: tiny stand-ins of the real models."""
from .tiny_clip import TINY_RESNET, TINY_VIT, shrink_clip_teacher

__all__ = ['TINY_RESNET', 'TINY_VIT', 'shrink_clip_teacher']
