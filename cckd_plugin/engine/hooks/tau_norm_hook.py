"""The tau-normalised classifier (Kang et al. 2020) at test time."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model


@HOOKS.register_module()
class TauNormHook(Hook):
    """Before testing, every class weight ``w_j`` (a row of the head's final
    linear layer) becomes ``w_j / ||w_j|| ** tau``; after testing the trained
    weights are put back, so no checkpoint changes. ``tau=0`` is the trained
    classifier, ``tau=1`` cosine-like weights of equal norm; the bias is kept.
    Choose ``tau`` on `val` (``test_dataloader.dataset.split=val``).

    Args:
        tau: the exponent (Kang et al. search it in ``[0, 1]``).
        weight: the weight's name inside the head (``'fc.weight'`` for
            MMPretrain's ``LinearClsHead`` and the plugin's cosine head).
    """

    priority = 'LOW'

    def __init__(self, tau: float = 1.0, weight: str = 'fc.weight'):
        if tau < 0:
            raise ValueError(f'TauNormHook: tau must be >= 0, got {tau}')
        self.tau = float(tau)
        self.weight = weight
        self._trained: Optional[torch.Tensor] = None

    def _parameter(self, runner) -> torch.Tensor:
        model = get_ori_model(runner.model)
        try:
            return model.head.get_parameter(self.weight)
        except AttributeError:
            raise ValueError(f'TauNormHook: the model\'s head has no parameter '
                             f'{self.weight!r} (set the hook\'s weight=)') from None

    def before_test(self, runner) -> None:
        from ...models.heads import CosineClsHead
        if isinstance(get_ori_model(runner.model).head, CosineClsHead):
            raise ValueError('TauNormHook: the model\'s head is a CosineClsHead, which '
                             'normalises its class weights itself: tau-normalising '
                             'them would change no prediction')
        weight = self._parameter(runner)
        if weight.dim() != 2:
            raise ValueError(f'TauNormHook: {self.weight} is {tuple(weight.shape)}, '
                             f'not a (classes, features) matrix')
        self._trained = weight.detach().clone()
        with torch.no_grad():
            norms = weight.norm(dim=1, keepdim=True).clamp(min=1e-12)
            weight.div_(norms**self.tau)
        runner.logger.info(f'TauNormHook: class weights divided by their norm ** '
                           f'{self.tau:g} for testing')

    def after_test(self, runner) -> None:
        if self._trained is not None:
            with torch.no_grad():
                self._parameter(runner).copy_(self._trained)
            self._trained = None
