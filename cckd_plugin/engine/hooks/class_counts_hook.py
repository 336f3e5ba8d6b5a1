"""Hands the training class counts to every component that needs them, and
checks the losses that depend on them against the head and the schedule."""
import math
from typing import List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from ...datasets.class_counts import class_counts_with_source
from .model_interface import ClassifierWithHead, TakesClassCounts


@HOOKS.register_module()
class ClassCountsHook(Hook):
    """Finds the per-class training counts once and distributes them.

    * Training: the counts are read from ``train_dataloader.dataset`` (its
      ``class_counts``, else its labels) before the first iteration.
    * ``tools/test.py``: they come from the checkpoint's ``meta['class_counts']``,
      else from the evaluation dataset's ``class_counts`` (the long-tailed
      datasets report their training profile on every split).
    * Every model module with ``set_class_counts`` (the long-tail losses and,
      later, the distiller) whose counts were not set in the config receives
      them, as does every metric with a ``class_counts`` attribute left ``None``.
    * Checkpoints store them in ``meta['class_counts']``.

    Lengths are checked against ``model.head.num_classes`` before training.

    Args:
        metric_source: where metrics take their counts from: ``'train'`` (the
            counts above) or ``'eval'`` (the evaluation dataset's
            ``class_counts``: its long-tailed training profile). ``'eval'``
            suits a teacher pre-trained on other (balanced) data and reported
            on the student's shot groups.
    """

    priority = 'VERY_HIGH'

    def __init__(self, metric_source: str = 'train'):
        if metric_source not in ('train', 'eval'):
            raise ValueError(
                f"ClassCountsHook: metric_source must be 'train' or 'eval', "
                f'got {metric_source!r}')
        self.metric_source = metric_source
        self.class_counts: Optional[List[int]] = None
        self.source = ''

    # -- finding ---------------------------------------------------------------
    def before_run(self, runner) -> None:
        if isinstance(runner._train_loop, BaseLoop):
            counts, note = class_counts_with_source(runner.train_dataloader.dataset)
            if counts is not None:
                source = 'train_dataloader.dataset'
                if note:  # say that a repeating wrapper was looked through
                    source += f': {note}, not how often the wrapper serves each image'
                self._adopt(runner, counts, source)
        self._check_model(runner)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        saved = (checkpoint.get('meta') or {}).get('class_counts')
        if saved is None:
            return
        saved = [int(c) for c in saved]
        if self.class_counts is None:
            self._adopt(runner, saved, 'checkpoint')
        elif saved != self.class_counts:
            runner.logger.info('class counts in the loaded checkpoint differ from the '
                               f'ones of {self.source}; keeping the latter')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.class_counts is not None:
            checkpoint.setdefault('meta', {})['class_counts'] = list(self.class_counts)

    # -- distributing ------------------------------------------------------------
    def before_val(self, runner) -> None:
        self._fill_metrics(runner, runner.val_evaluator, runner.val_dataloader.dataset)

    def before_test(self, runner) -> None:
        self._fill_metrics(runner, runner.test_evaluator,
                           runner.test_dataloader.dataset)

    def _adopt(self, runner, counts: List[int], source: str) -> None:
        self.class_counts, self.source = counts, source
        runner.logger.info(
            f'class counts ({len(counts)} classes, {sum(counts)} '
            f'images, from {source}): max {max(counts)}, min {min(counts)}')
        for name, module in get_ori_model(runner.model).named_modules():
            if isinstance(module, TakesClassCounts) and \
                    not getattr(module, 'counts_from_config', False):
                module.set_class_counts(counts)

    def _fill_metrics(self, runner, evaluator, dataset) -> None:
        counts = self.class_counts
        if self.metric_source == 'eval' and getattr(dataset, 'class_counts', None):
            counts = [int(c) for c in dataset.class_counts]
        elif counts is None:
            counts = getattr(dataset, 'class_counts', None)
            if counts is not None:
                self._adopt(runner, [int(c) for c in counts], 'evaluation dataset')
                counts = self.class_counts
        for metric in evaluator.metrics:
            if hasattr(metric, 'class_counts') and metric.class_counts is None \
                    and counts is not None:
                metric.class_counts = list(counts)

    def _check_model(self, runner) -> None:
        """Every set of counts must match the head's ``num_classes``."""
        model = get_ori_model(runner.model)
        num_classes = getattr(getattr(model, 'head', None), 'num_classes', None)
        if num_classes is None:
            return
        # the key a user sets: a distiller's student head is model.student.head
        head_key = model.head_config_key if isinstance(model, ClassifierWithHead) \
            else 'model.head'
        if self.class_counts is not None and len(self.class_counts) != num_classes:
            raise ValueError(
                f'the training set has {len(self.class_counts)} classes but '
                f'{head_key}.num_classes is {num_classes}')
        # a loss that takes its own class count (MMPretrain's SeesawLoss)
        loss_classes = getattr(getattr(model.head, 'loss_module', None), 'num_classes',
                               None)
        if isinstance(loss_classes, int) and loss_classes != num_classes:
            raise ValueError(
                f'{head_key}.loss.num_classes is {loss_classes} but '
                f'{head_key}.num_classes is {num_classes}: give the loss the '
                f"head's class count")
        for name, module in get_ori_model(runner.model).named_modules():
            counts = getattr(module, 'class_counts', None)
            if isinstance(module, TakesClassCounts) and counts is not None \
                    and len(counts) != num_classes:
                key = config_key(name) + '.class_counts'
                raise ValueError(f'{key} has {len(counts)} entries but '
                                 f'{head_key}.num_classes is {num_classes}')
        if isinstance(runner._train_loop, BaseLoop):
            check_ldam_head(model.head, head_key)
            check_reweighting_starts(model, getattr(runner._train_loop, 'max_epochs',
                                                    None))


def config_key(module_name: str) -> str:
    """The config key of a model module (``head.loss_module`` ->
    ``model.head.loss``)."""
    return 'model.' + module_name.replace('loss_module', 'loss')


def check_ldam_head(head, head_key: str) -> None:
    """LDAM subtracts ``s * m_y`` from logits it takes to be ``s * cos``: its
    head must be a ``CosineClsHead`` of fixed scale ``s``.

    Raises:
        ValueError: one line naming the head's key, type and scale.
    """
    loss = getattr(head, 'loss_module', None)
    if type(loss).__name__ != 'LDAMLoss':
        return
    kind = type(head).__name__
    if kind != 'CosineClsHead':
        raise ValueError(
            f'{head_key}.loss is LDAMLoss, whose margins are taken off cosine logits '
            f'of scale s={loss.s}, but {head_key} is a {kind}: use '
            f"type='CosineClsHead' with scale={loss.s} (Cao et al.'s NormedLinear)")
    if isinstance(head.log_scale, torch.nn.Parameter):
        raise ValueError(
            f'{head_key}.loss is LDAMLoss, which needs a fixed scale: set '
            f'{head_key}.learnable_scale=False')
    scale = float(head.log_scale.exp())
    if not math.isclose(scale, loss.s, rel_tol=1e-5):
        raise ValueError(f'{head_key}.loss.s is {loss.s} but {head_key}.scale is '
                         f'{scale:g}: LDAM\'s margins assume they are the same')


def check_reweighting_starts(model, max_epochs: Optional[int]) -> None:
    """A deferred re-weighting (DRW: ``reweight_from_epoch``) must start within
    the run.

    Raises:
        ValueError: one line naming the loss's key and ``train_cfg.max_epochs``.
    """
    if not max_epochs:
        return
    for name, module in model.named_modules():
        if name.split('.', 1)[0] == 'teacher':
            continue  # the frozen teacher's own training loss does not run
        start = getattr(module, 'reweight_from_epoch', None)
        if getattr(module, 'reweight', None) is None or not start:
            continue
        if start >= max_epochs:
            key = config_key(name)
            raise ValueError(
                f'{key}.reweight_from_epoch is {start} (0-based) but '
                f'train_cfg.max_epochs is {max_epochs}: the re-weighting would never '
                f'start; lower it with the schedule (Cao et al.: 160 of 200)')
