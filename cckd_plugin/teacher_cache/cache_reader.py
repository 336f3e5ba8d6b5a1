"""Reading a teacher replay cache in training order (``model.teacher_cache``):
the rows of each step, or the teacher online for an epoch the cache lacks."""
from typing import Any, Callable, Dict, Optional, Tuple

import torch
from mmengine.logging import MMLogger

from .cache_file import TeacherCache, TeacherCacheError, epoch_ranges, key_difference

MISSING = ('stop', 'teacher')


class CachedTeacher:
    """Serves a distiller's teacher outputs from a cache written by
    ``tools/cache_teacher.py``, one training step after another.

    ``TeacherCacheHook`` opens it before training with the run's key (a cache
    of another run is refused, naming the difference); ``set_epoch`` starts an
    epoch's steps. An epoch the cache lacks stops the run
    (``missing='stop'``) or runs the teacher online (``missing='teacher'``).

    Args:
        path: the cache folder (``model.teacher_cache``).
        missing: ``'stop'`` or ``'teacher'`` (``model.teacher_cache_missing``).
        needs_features: the objective reads the teacher's features.
    """

    def __init__(self, path: str, missing: str = 'stop', needs_features: bool = True):
        if missing not in MISSING:
            raise ValueError(f'model.teacher_cache_missing must be one of '
                             f'{list(MISSING)}, got {missing!r}')
        if not isinstance(path, str) or not path:
            raise ValueError(f'model.teacher_cache must be a cache folder, got '
                             f'{path!r}')
        self.path, self.missing, self.needs_features = path, missing, needs_features
        self.cache: Optional[TeacherCache] = None
        self.epoch, self.step = 0, 0
        self._online_epochs = set()

    def open(self, key: Dict[str, Any], rank: int) -> TeacherCache:
        """Open this rank's rows, refusing a cache made for another ``key``."""
        cache = TeacherCache(self.path, rank)
        diff = key_difference(cache.key, key)
        if diff:
            raise TeacherCacheError(f'model.teacher_cache={self.path!r} was written '
                                    f'for another run: {diff}')
        if self.needs_features and not cache.has_features:
            raise TeacherCacheError(
                f'model.teacher_cache={self.path!r} holds no teacher features and '
                f'this objective imitates them (write it without --features none)')
        missing = sorted(set(range(cache.layout['epochs'])) - set(cache.epochs))
        then = 'the run stops there' if self.missing == 'stop' else \
            'the teacher runs online for them'
        note = f'; epochs {epoch_ranges(missing)} are not in it, {then}' \
            if missing else ''
        MMLogger.get_current_instance().info(
            f'teacher outputs read from the cache {self.path} (epochs '
            f'{epoch_ranges(cache.epochs) or "none"}, logits {cache.layout["logits"]}, '
            f'features {cache.layout["features"]}){note}')
        self.cache = cache
        return cache

    def set_epoch(self, epoch: int) -> None:
        self.epoch, self.step = int(epoch), 0

    def outputs(self, pixels: torch.Tensor, labels: torch.Tensor, samples: int,
                online: Callable[[torch.Tensor], Tuple[torch.Tensor, torch.Tensor]]
                ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """The teacher's ``(logits (R, K), features (R, D))`` on this step's
        teacher batch (raw pixels ``(R, C, H, W)``, the images' labels ``(R,)``,
        ``samples`` of them real), from the cache or from ``online``."""
        if self.cache is None:
            raise RuntimeError(
                'model.teacher_cache is set but no hook opened it: keep '
                "default_hooks.teacher_cache=dict(type='TeacherCacheHook')")
        step = self.step
        self.step += 1
        if self.epoch in self.cache.epochs:
            return self.cache.read(self.epoch, step, samples, labels, pixels)
        if self.missing == 'stop':
            raise TeacherCacheError(
                f'model.teacher_cache={self.path!r} lacks epoch {self.epoch} '
                f'(written: {epoch_ranges(self.cache.epochs) or "none"}); extend it '
                f'with tools/cache_teacher.py or set '
                f"model.teacher_cache_missing='teacher'")
        if self.epoch not in self._online_epochs:
            self._online_epochs.add(self.epoch)
            MMLogger.get_current_instance().info(
                f'epoch {self.epoch} is not in the teacher cache: teacher online')
        return online(pixels)
