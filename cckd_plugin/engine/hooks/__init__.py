from .class_counts_hook import ClassCountsHook
from .teacher_head_hook import TeacherHeadHook

__all__ = ['ClassCountsHook', 'TeacherHeadHook']
