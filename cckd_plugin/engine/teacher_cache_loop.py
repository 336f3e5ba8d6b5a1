"""Writing a teacher replay cache: a training run's loop, teacher only."""
import os.path as osp
import shutil
from typing import Optional

import torch
from mmengine.dist import barrier, get_dist_info
from mmengine.logging import MMLogger
from mmengine.runner import EpochBasedTrainLoop
from mmengine.utils import ProgressBar
from mmpretrain.registry import LOOPS
from mmpretrain.utils import get_ori_model

from ..datasets.class_balanced_pair_dataset import ClassBalancedPairDataset
from ..datasets.replayable_views import ReplayableViewsMixin
from ..teacher_cache import (FEATURE_STORAGE, LOGIT_STORAGE, TeacherCache,
                             TeacherCacheError, epoch_ranges, row_bytes,
                             teacher_cache_key)


def _size(num_bytes: float) -> str:
    for unit in ('B', 'KB', 'MB', 'GB', 'TB'):
        if num_bytes < 1024 or unit == 'TB':
            return f'{num_bytes:.1f} {unit}' if unit != 'B' else f'{num_bytes:.0f} B'
        num_bytes /= 1024


@torch.no_grad()
def write_teacher_step(model, cache: TeacherCache, epoch: int, step: int, data: dict,
                       mix: bool) -> None:
    """One training step's teacher batch, built by the distiller's own
    ``teacher_batch`` from its preprocessed ``data`` (``inputs``,
    ``data_samples``, ``partner_*``, ``mix_*``; ``mix``: with the mixed images)
    with its mixing generator as it stands, through the teacher, into ``cache``."""
    labels = torch.cat([s.gt_label for s in data['data_samples']]).to(
        data['inputs'].device)
    pixels, _, row_labels = model.teacher_batch(
        data['inputs'], labels, data.get('partner_inputs'),
        data.get('partner_data_samples'), data.get('mix_inputs'),
        data.get('mix_data_samples'), mix)
    logits, feats = model.teacher_outputs.compute(pixels)
    cache.write(epoch, step, logits, feats if cache.has_features else None,
                row_labels, pixels)


@LOOPS.register_module()
class TeacherCacheLoop(EpochBasedTrainLoop):
    """The training loop of a distillation config with the student left out:
    every epoch's hooks run as in training (``EpochSeedHook``,
    ``DistSamplerSeedHook``: the same sampler order, views, partners and
    mixing draws), and each step's teacher batch, built by the distiller's own
    ``teacher_batch``, goes through the teacher once; its outputs are written
    to a :class:`TeacherCache` (``tools/cache_teacher.py``).

    Args:
        out: the cache folder.
        logits: ``'fp32'`` or ``'fp16'`` storage of the logits.
        features: ``'fp32'``, ``'fp16'``, ``'int8'`` or ``'none'``.
        mixed: also cache the mixed images (when the training set is a
            ``ClassBalancedPairDataset``), so that the cache serves ACCKD as
            well as KD / WKD / DiVE / CCKD.
        first_epochs: write only the first epochs (a partial cache).
    """

    #: what PrepareModelHook tells the model: build the teacher's head, no priors
    preparation_stage = 'cache'

    def __init__(self, runner, dataloader, max_epochs: int, out: str,
                 logits: str = 'fp32', features: str = 'fp32', mixed: bool = True,
                 first_epochs: Optional[int] = None, **kwargs):
        super().__init__(runner, dataloader, max_epochs, val_begin=max_epochs + 1)
        if logits not in LOGIT_STORAGE:
            raise ValueError(f'--logits must be one of {list(LOGIT_STORAGE)}')
        if features not in FEATURE_STORAGE:
            raise ValueError(f'--features must be one of {list(FEATURE_STORAGE)}')
        self.out, self.logits, self.features = out, logits, features
        self.mixed, self.first_epochs = mixed, first_epochs

    @property
    def needs_partners(self) -> bool:
        """The mixed images are cached, so the pair dataset decodes partners
        whatever the model's objective (``EpochSeedHook`` asks)."""
        return self.mixed and isinstance(self.dataloader.dataset,
                                         ClassBalancedPairDataset)

    def _layout(self, model, views: int) -> dict:
        loader = self.dataloader
        steps, batch = len(loader), loader.batch_size
        samples = steps * batch if loader.drop_last else len(loader.sampler)
        probe = loader.dataset.dataset[0] if isinstance(
            loader.dataset, ClassBalancedPairDataset) else loader.dataset[0]
        pixels = torch.zeros((1, ) + tuple(probe['inputs'].shape),
                             device=model.teacher_outputs.device)
        _, feats = model.teacher_outputs.compute(pixels)
        return dict(batch_size=batch, steps_per_epoch=steps, views=views,
                    rows_per_epoch=samples * views, epochs=self.max_epochs,
                    num_classes=model.num_classes, feature_dim=int(feats.size(1)),
                    logits=self.logits, features=self.features)

    def run(self):
        runner, logger = self.runner, MMLogger.get_current_instance()
        model = get_ori_model(runner.model)
        runner.call_hook('before_train')  # PrepareModelHook: stage 'cache'
        dataset = self.dataloader.dataset
        if not isinstance(dataset, (ClassBalancedPairDataset, ReplayableViewsMixin)):
            raise TeacherCacheError(
                f'train_dataloader.dataset: {type(dataset).__name__} draws its views '
                f'from the workers\' random states; a teacher cache needs views that '
                f'a seed replays (ClassBalancedPairDataset, or a dataset with '
                f'ReplayableViewsMixin)')
        views = 2 if self.needs_partners else 1
        key, layout = teacher_cache_key(runner), self._layout(model, views)
        rank, world = get_dist_info()
        last = self.max_epochs if self.first_epochs is None else min(
            self.first_epochs, self.max_epochs)
        per_row = row_bytes(layout['num_classes'], layout['feature_dim'],
                            self.logits, self.features)
        total = per_row * layout['rows_per_epoch'] * layout['epochs'] * world
        self._check_disk(total)
        if rank == 0:
            cache = TeacherCache.create(self.out, key, layout, rank)
        barrier()
        if rank != 0:
            cache = TeacherCache.create(self.out, key, layout, rank)
        todo = [e for e in range(last) if e not in cache.epochs]
        logger.info(
            f'teacher cache {self.out}: {layout["epochs"]} epochs x {world} rank(s) x '
            f'{layout["rows_per_epoch"]:,} rows ({views} view(s): real'
            f'{" and mixed" if views == 2 else ""}) x {per_row} B = {_size(total)} '
            f'(logits {self.logits}, features {self.features}); writing epochs '
            f'{epoch_ranges(todo) or "none (all written already)"}')
        progress = ProgressBar(len(todo) * len(self.dataloader)) \
            if rank == 0 and todo else None
        for epoch in todo:
            self._epoch = epoch
            runner.call_hook('before_train_epoch')  # sampler, views, mixing draws
            model.train()
            for step, batch in enumerate(self.dataloader):
                write_teacher_step(model, cache, epoch, step,
                                   model.data_preprocessor(batch, True), views == 2)
                if progress is not None:
                    progress.update()
            cache.finish_epoch(epoch)
        if progress is not None:
            print('', flush=True)
        barrier()
        logger.info(f'teacher cache {self.out}: epochs {epoch_ranges(cache.epochs)} '
                    f'written; train with --cfg-options model.teacher_cache={self.out}')
        return model

    def _check_disk(self, needed: int) -> None:
        if osp.isfile(osp.join(self.out, 'key.json')):
            return  # continuing a cache: its files are already allocated
        folder = osp.abspath(self.out)
        while not osp.isdir(folder):
            folder = osp.dirname(folder)
        free = shutil.disk_usage(folder).free
        if free < needed:
            raise TeacherCacheError(
                f'--out {self.out}: the cache needs {_size(needed)} and {folder} has '
                f'{_size(free)} free (store fp16 logits or int8 / no features, or '
                f'choose another disk)')
