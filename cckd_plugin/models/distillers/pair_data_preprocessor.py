"""Batches of (sample, class-balanced partner) pairs, kept un-normalised."""
from typing import Sequence

import torch
from mmengine.model import BaseDataPreprocessor
from mmpretrain.registry import MODELS


def _stack(images: Sequence[torch.Tensor]) -> torch.Tensor:
    if isinstance(images, torch.Tensor):
        return images.float()
    return torch.stack(list(images)).float()


@MODELS.register_module()
class PairDataPreprocessor(BaseDataPreprocessor):
    """Stack ``inputs`` (and ``partner_inputs`` / ``mix_inputs`` when present)
    into float tensors ``(B, C, H, W)`` on the model's device, pixels left in
    0-255.

    The distiller normalises the student view and builds the teacher view
    from these raw pixels, so both see the same images.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        out = dict(inputs=_stack(data['inputs']), data_samples=data.get('data_samples'))
        for extra in ('partner', 'mix'):
            if f'{extra}_inputs' in data:
                out[f'{extra}_inputs'] = _stack(data[f'{extra}_inputs'])
                out[f'{extra}_data_samples'] = data[f'{extra}_data_samples']
        return out
