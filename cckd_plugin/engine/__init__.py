from ..fileio import atomic_write
from .atomic_files import AtomicCheckpointHook, AtomicLocalBackend
from .checkpoint_fit import (CheckpointMismatchError, check_checkpoint_fits,
                             check_resume_config)
from .distributed import close_distributed, init_distributed, prepare_distributed_cfg
from .hooks import (ClassCountsHook, EpochSeedHook, NonFiniteLossError,
                    NonFiniteLossHook, PreparationData, PrepareModelHook)
from .preflight import MissingInputsError, check_inputs
from .runner import KeepConfigRunner
from .runner_setup import build_runner, merge_options, prepare_cfg
from .teacher_cache_loop import TeacherCacheLoop
from .tool_errors import one_line, run_main

__all__ = [
    'AtomicCheckpointHook', 'AtomicLocalBackend', 'CheckpointMismatchError',
    'check_checkpoint_fits', 'check_resume_config', 'ClassCountsHook', 'EpochSeedHook',
    'KeepConfigRunner', 'MissingInputsError', 'NonFiniteLossError', 'NonFiniteLossHook',
    'PreparationData', 'PrepareModelHook', 'TeacherCacheLoop', 'atomic_write',
    'build_runner',
    'check_inputs', 'close_distributed', 'init_distributed', 'merge_options',
    'one_line', 'prepare_cfg', 'prepare_distributed_cfg', 'run_main'
]
