"""The teacher replay cache's key, and the hook that checks it before training."""
import hashlib
import pickle
from typing import Any, Dict

from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...models.distillers.cached_teacher import json_hash


def data_list_hash(dataset) -> str:
    """sha256 of the samples a training set holds (file names or pixels, and
    labels), through any wrappers down to the MMEngine dataset."""
    inner = dataset
    while not hasattr(inner, 'data_list') and hasattr(inner, 'dataset'):
        inner = inner.dataset
    if hasattr(inner, 'full_init'):
        inner.full_init()
    digest = hashlib.sha256()
    if getattr(inner, 'serialize_data', False):  # MMEngine packs the list in bytes
        digest.update(memoryview(inner.data_bytes))
    else:
        digest.update(pickle.dumps(inner.data_list, protocol=4))
    return digest.hexdigest()


def teacher_cache_key(runner) -> Dict[str, Any]:
    """Everything a run's teacher outputs depend on, by name: the teacher
    (config, prepared weights, view, precision), the data list, the training
    set's config (pipeline, pair sampling), the sampler, the batch size, the
    world size, the seeds, the epochs and the mixing. The methods, tau, the
    loss weights and the student are not in it: one cache serves them all."""
    model = get_ori_model(runner.model)
    loader = runner.cfg.train_dataloader
    _, world_size = get_dist_info()
    key = dict(model.teacher_cache_identity())
    key.update({
        'data list': data_list_hash(runner.train_dataloader.dataset),
        'training set': json_hash(loader.get('dataset')),
        'sampler': json_hash([loader.get('sampler'), loader.get('batch_sampler'),
                              loader.get('drop_last', False)]),
        'batch size': int(loader['batch_size']),
        'world size': int(world_size),
        'seed': int(runner.seed),
        'epochs': int(runner.max_epochs),
    })
    return key


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
        if getattr(model, 'cached_teacher', None) is None:
            return
        rank, _ = get_dist_info()
        model.cached_teacher.open(teacher_cache_key(runner), rank)
