"""Stops training at the first NaN or infinite loss term, before it is used."""
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model


class NonFiniteLossError(FloatingPointError):
    """A loss term was NaN or infinite; the step was not applied."""


def batch_classes(data_batch) -> List[int]:
    """Sorted labels of a batch (and of its class-balanced partners)."""
    samples = list((data_batch or {}).get('data_samples') or [])
    samples += list((data_batch or {}).get('partner_data_samples') or [])
    labels = [int(label) for s in samples if 'gt_label' in s for label in s.gt_label]
    return sorted(set(labels))


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Checks every loss term before the optimiser sees it.

    It wraps the model's ``parse_losses`` (which runs between the forward pass
    and ``optim_wrapper.update_params``): if any term is NaN or infinite the
    run stops with :class:`NonFiniteLossError` naming the terms, the
    iteration, the epoch and the batch's classes. The step is not applied and
    the error leaves the loop before any checkpoint hook, so no checkpoint
    (``best`` included) ever holds that state. One device-to-host copy per
    iteration.
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self._classes: Optional[List[int]] = None
        self._where = ''

    def before_train(self, runner) -> None:
        model = get_ori_model(runner.model)
        if getattr(model.parse_losses, '_non_finite_guard', False):
            return
        parse_losses = model.parse_losses

        def guarded(losses: Dict[str, torch.Tensor]):
            self.check(losses)
            return parse_losses(losses)

        guarded._non_finite_guard = True
        model.parse_losses = guarded

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._batch = data_batch
        self._where = (f'iteration {runner.iter + 1} (epoch {runner.epoch + 1}, '
                       f'batch {batch_idx + 1})')

    def check(self, losses: Dict[str, torch.Tensor]) -> None:
        terms = [(name, value) for name, value in losses.items()
                 if 'loss' in name and isinstance(value, torch.Tensor)]
        if not terms:
            return
        finite = torch.stack([torch.isfinite(v.detach()).all() for _, v in terms]).cpu()
        if bool(finite.all()):
            return
        bad = ', '.join(f'{name}={float(value.detach().float().sum()):g}'
                        for (name, value), ok in zip(terms, finite) if not ok)
        raise NonFiniteLossError(
            f'non-finite loss at {self._where or "the first iteration"}: {bad}; batch '
            f'classes {batch_classes(getattr(self, "_batch", None))}; the step was not '
            f'applied and no checkpoint holds it')
