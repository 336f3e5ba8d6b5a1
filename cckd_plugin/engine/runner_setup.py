"""Config fixes applied by ``tools/train.py`` and ``tools/test.py`` before the
runner."""
from typing import Optional

import torch
from mmengine.config import Config

from ..compat import fix_dataloader_workers
from ..datasets.class_power_sampler import fill_sampler_epochs
from ..models.distillers.model_configs import read_model_config
from .distributed import prepare_distributed_cfg

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def merge_options(cfg: Config, options: Optional[dict]) -> Config:
    """``--cfg-options`` merged into ``cfg``. A distiller's student or teacher
    given as a config file path is first read into the config when an option
    sets a key inside it (``model.student.head.loss.tau=2``), so such options work
    as they do for inline models."""
    if not options:
        return cfg
    model = cfg.get('model') or {}
    for key in ('student', 'teacher'):
        spec = model.get(key)
        if isinstance(spec, str) and any(
                k.startswith(f'model.{key}.') for k in options):
            cfg.model[key] = read_model_config(spec, f'model.{key}')
    cfg.merge_from_dict(options)
    return cfg


def build_runner(cfg: Config):
    """The config's runner: ``runner_type`` from the registry, as MMPretrain's
    tools build it, else mmengine's ``Runner``."""
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def prepare_cfg(cfg: Config) -> Config:
    """Make a config runnable on this machine.

    * ``persistent_workers`` is switched off for loaders with ``num_workers=0``;
    * a progressive ``ClassPowerSampler`` gets the run's ``max_epochs``;
    * distributed runs without CUDA use the ``gloo`` backend and a CPU DDP
      wrapper (``device_ids=None``);
    * ``default_scope`` defaults to ``'mmpretrain'``, ``runner_type`` to the
      plugin's strict-loading ``KeepConfigRunner``, and the plugin is imported.
    """
    for name in DATALOADERS:
        fix_dataloader_workers(cfg.get(name))
    fill_sampler_epochs(cfg)
    prepare_distributed_cfg(cfg, torch.cuda.is_available())
    cfg.setdefault('default_scope', 'mmpretrain')
    # strict checkpoint loading for every config the plugin's tools run
    cfg.setdefault('runner_type', 'mmpretrain.KeepConfigRunner')
    imports = cfg.setdefault('custom_imports',
                             dict(imports=[], allow_failed_imports=False))
    if 'cckd_plugin' not in imports.setdefault('imports', []):
        imports['imports'].append('cckd_plugin')
    return cfg
