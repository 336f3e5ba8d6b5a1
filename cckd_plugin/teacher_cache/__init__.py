"""The teacher replay cache: its file format, its key and its reader
(docs/teacher_cache.md)."""
from .cache_file import (FEATURE_STORAGE, LOGIT_STORAGE, TeacherCache,
                         TeacherCacheError, epoch_ranges, key_difference, row_bytes)
from .cache_key import teacher_cache_key
from .cache_reader import CachedTeacher

__all__ = [
    'FEATURE_STORAGE', 'LOGIT_STORAGE', 'CachedTeacher', 'TeacherCache',
    'TeacherCacheError', 'epoch_ranges', 'key_difference', 'row_bytes',
    'teacher_cache_key'
]
