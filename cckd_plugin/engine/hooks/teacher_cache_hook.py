"""The hook that opens a distiller's teacher replay cache before training."""
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...teacher_cache import teacher_cache_key


@HOOKS.register_module()
class TeacherCacheHook(Hook):
    """Before training, opens a distiller's ``model.teacher_cache`` with the
    run's key (:func:`teacher_cache_key`): a cache written for another run is
    refused in one line naming what differs. Runs after ``PrepareModelHook``
    (the teacher's weights are hashed as prepared: NCM and zero-shot heads
    included). A model without a cache is left alone."""

    priority = 'LOW'

    def before_train(self, runner) -> None:
        model = get_ori_model(runner.model)
        teacher = getattr(model, 'teacher_outputs', None)
        if teacher is None or teacher.cache is None:
            return
        rank, _ = get_dist_info()
        teacher.cache.open(teacher_cache_key(runner), rank)
