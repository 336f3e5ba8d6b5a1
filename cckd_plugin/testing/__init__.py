"""Helpers for tests and CPU benchmarks: tiny stand-ins of the real models."""
from .synthetic_data import write_cifar, write_tiny_cifar10
from .tiny_clip import TINY_RESNET, TINY_VIT, shrink_clip_teacher

__all__ = ['TINY_RESNET', 'TINY_VIT', 'shrink_clip_teacher', 'write_cifar',
           'write_tiny_cifar10']
