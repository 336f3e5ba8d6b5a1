from .class_counts_hook import ClassCountsHook
from .epoch_seed_hook import EpochSeedHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .teacher_head_hook import TeacherHeadHook
from .teacher_prior_hook import TeacherPriorHook

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'NonFiniteLossError', 'NonFiniteLossHook',
    'TeacherHeadHook', 'TeacherPriorHook'
]
