from .atomic_files import AtomicCheckpointHook, AtomicLocalBackend, atomic_write
from .distributed import init_distributed, prepare_distributed_cfg
from .hooks import *  # noqa: F401,F403
from .runner import KeepConfigRunner
from .runner_setup import build_runner, merge_options, prepare_cfg
from .teacher_heads import build_prototype_heads, prototype_heads

__all__ = [
    'AtomicCheckpointHook', 'AtomicLocalBackend', 'ClassCountsHook', 'EpochSeedHook',
    'KeepConfigRunner', 'NonFiniteLossError', 'NonFiniteLossHook', 'TeacherHeadHook',
    'TeacherPriorHook', 'atomic_write', 'build_prototype_heads', 'build_runner',
    'init_distributed', 'merge_options', 'prepare_cfg', 'prepare_distributed_cfg',
    'prototype_heads'
]
