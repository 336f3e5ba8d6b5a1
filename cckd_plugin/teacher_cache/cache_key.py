"""The identity of a run's teacher outputs, in one place: what a replay cache
is written for and what a training run must match to read it."""
from typing import Any, Dict

import torch
from mmengine.dist import get_dist_info
from mmpretrain.utils import get_ori_model

from ..fingerprint import data_list_hash, json_hash, weights_hash


def teacher_cache_key(runner) -> Dict[str, Any]:
    """Everything a run's teacher outputs depend on, by name:

    * the teacher: its config, its weights as prepared (checkpoint, NCM or
      zero-shot head), its view of the pixels, the autocast its precision
      resolves to on its device, the layout;
    * the views: the mixing config and seed, the data list, the training set's
      config (pipeline, pair sampling), the sampler, the batch size, the world
      size, the run's seed and epochs.

    The methods, tau, the loss weights and the student are not in it: one cache
    serves them all.
    """
    model = get_ori_model(runner.model)
    teacher = model.teacher_outputs
    view, device = teacher.view, teacher.device
    loader = runner.cfg.train_dataloader
    _, world_size = get_dist_info()
    return {
        'teacher config': json_hash(teacher.config),
        'teacher weights': weights_hash(teacher.teacher),
        'teacher view': json_hash([weights_hash(view), view.size, view.interpolation,
                                   view.to_rgb]),
        'teacher precision': str(teacher.autocast_dtype(device) or
                                 torch.float32).replace('torch.', ''),
        'teacher device': device.type,
        'channels last': teacher.channels_last,
        'mix': json_hash(model.mix_cfg),
        'mixing seed': model.seed,
        'data list': data_list_hash(runner.train_dataloader.dataset),
        'training set': json_hash(loader.get('dataset')),
        'sampler': json_hash([loader.get('sampler'), loader.get('batch_sampler'),
                              loader.get('drop_last', False)]),
        'batch size': int(loader['batch_size']),
        'world size': int(world_size),
        'seed': int(runner.seed),
        'epochs': int(runner.max_epochs),
    }
