from .class_counts_hook import ClassCountsHook
from .epoch_seed_hook import EpochSeedHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .prepare_model_hook import PreparationData, PrepareModelHook
from .tau_norm_hook import TauNormHook
from .teacher_cache_hook import TeacherCacheHook

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook',
    'PreparationData', 'PrepareModelHook', 'TauNormHook', 'TeacherCacheHook'
]
