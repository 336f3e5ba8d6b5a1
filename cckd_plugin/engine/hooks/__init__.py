from .class_counts_hook import ClassCountsHook
from .teacher_head_hook import TeacherHeadHook
from .teacher_prior_hook import TeacherPriorHook

__all__ = ['ClassCountsHook', 'TeacherHeadHook', 'TeacherPriorHook']
