"""The one trigger of a model's preparation before its first epoch."""
import json
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.utils import ProgressBar
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...fingerprint import array_hash
from ...models.heads.head_preparation import prepare_classifier
from ..dataset_pass import gather_ordered, ordered_loader, train_eval_loader_cfg
from .model_interface import PreparesItself


class PreparationData:
    """What a model's preparation reads from the run, and nothing else.

    Args:
        cfg: the run's config (its ``train_dataloader`` seen through the
            evaluation pipeline is the ``'train'`` split, its
            ``val_dataloader`` the ``'val'`` split).
        work_dir: where built class-weight files go by default.
        class_names: the dataset's ``metainfo['classes']`` (``None`` if unknown).
        stage: ``'train'``, ``'val'``, ``'test'`` or ``'cache'`` (a teacher
            replay cache's writing loop): the loop about to start.
        fresh_training: the loop about to start is a training run from
            scratch (not resumed, no ``load_from``): only then do trained heads
            get their initial weights.
        has_val: the run has a validation loop.
    """

    SPLITS = ('train', 'val')

    def __init__(self, cfg, work_dir: str, class_names: Optional[Sequence[str]],
                 stage: str, fresh_training: bool = False, has_val: bool = False):
        self.cfg = cfg
        self.work_dir = work_dir
        self.class_names = class_names
        self.stage = stage
        self.fresh_training = fresh_training
        self.has_val = has_val
        self._loaders: Dict[str, object] = {}

    def loader_cfg(self, split: str) -> dict:
        """The split's loader config: the training set through the evaluation
        pipeline (``train_eval_loader_cfg``), or ``val_dataloader``."""
        if split not in self.SPLITS:
            raise ValueError(f'PreparationData: split must be one of {self.SPLITS}')
        return train_eval_loader_cfg(self.cfg) if split == 'train' else \
            self.cfg.val_dataloader

    def loader(self, split: str):
        """The split's ordered loader (``ordered_loader``), built once."""
        if split not in self._loaders:
            self._loaders[split] = ordered_loader(self.loader_cfg(split))
        return self._loaders[split]

    def fingerprint(self, split: str) -> dict:
        """What identifies the split's samples: its dataset config (without the
        pipeline), its size and a digest of its labels."""
        loader = self.loader(split)
        dataset = loader.dataset
        labels = np.asarray(dataset.get_gt_labels(), dtype=np.int64) \
            if hasattr(dataset, 'get_gt_labels') else None
        dataset_cfg = self.loader_cfg(split)['dataset']
        return dict(
            dataset=json.loads(json.dumps(
                {k: v for k, v in dataset_cfg.items() if k != 'pipeline'},
                default=str)),
            num_samples=len(dataset),
            labels=None if labels is None else
            array_hash(labels))

    @torch.no_grad()
    def pass_over(self, split: str,
                  step: Callable[[dict], Tuple[torch.Tensor, ...]]
                  ) -> Tuple[torch.Tensor, ...]:
        """``step`` on every batch of the split, in dataset order: the per-batch
        tensors ``(B, ...)`` concatenated to ``(N, ...)`` over the whole split,
        gathered from every process."""
        loader = self.loader(split)
        bar = ProgressBar(len(loader.dataset))
        outputs = []
        for batch in loader:
            outputs.append(tuple(t.cpu() for t in step(batch)))
            bar.update(len(outputs[-1][0]))
        return tuple(gather_ordered(torch.cat(parts)) for parts in zip(*outputs))


@HOOKS.register_module()
class PrepareModelHook(Hook):
    """Before the first training, validation or test epoch, asks the model to
    prepare itself, once per run, after any checkpoint was loaded.

    A model with ``prepare(data)`` (``ClassConditionalDistiller``: its teacher's
    zero-shot / NCM head, then its priors) gets a :class:`PreparationData`;
    a plain ``ImageClassifier`` gets its head prepared
    (``models/heads/head_preparation.py``). The model decides what to build
    and in which order, so this hook needs no place among the others.
    """

    def __init__(self):
        self._done = False

    def _prepare(self, runner, stage: str, dataloader) -> None:
        if self._done:
            return
        model = get_ori_model(runner.model)
        data = PreparationData(
            runner.cfg, runner.work_dir,
            (getattr(dataloader.dataset, 'metainfo', None) or {}).get('classes'),
            stage,
            fresh_training=stage == 'train' and runner.iter == 0
            and not runner.cfg.get('load_from'),
            # from the config: mmengine's runner.val_loop would build the val
            # loader (a test run's config need not have a usable one)
            has_val=runner.cfg.get('val_cfg') is not None
            and runner.cfg.get('val_dataloader') is not None)
        if isinstance(model, PreparesItself):
            model.prepare(data)
        elif isinstance(model, ImageClassifier):
            prepare_classifier(model, data, trained=True)
        self._done = True

    def before_train(self, runner) -> None:
        # a loop that trains no model names its own stage (TeacherCacheLoop:
        # 'cache', heads built, nothing that only training reads)
        stage = getattr(runner.train_loop, 'preparation_stage', 'train')
        self._prepare(runner, stage, runner.train_dataloader)

    def before_val(self, runner) -> None:
        self._prepare(runner, 'val', runner.val_dataloader)

    def before_test(self, runner) -> None:
        self._prepare(runner, 'test', runner.test_dataloader)
