from .hooks import *  # noqa: F401,F403
from .runner_setup import merge_options, prepare_cfg
from .teacher_heads import build_prototype_heads, prototype_heads

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook',
    'TeacherHeadHook', 'TeacherPriorHook', 'build_prototype_heads',
    'merge_options', 'prepare_cfg', 'prototype_heads'
]
