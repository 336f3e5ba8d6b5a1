"""Learnable weight scaling (LWS, Kang et al. 2020): a trained classifier whose
class weights only change in norm."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.registry import MODELS


@MODELS.register_module()
class LWSClsHead(LinearClsHead):
    """``LinearClsHead`` with its weights and bias frozen and one learnable
    scale per class: logits ``f_j * w_j . x + b_j``, ``(N, C)``.

    Stage 2 of decoupled training: load a stage-1 classifier (``load_from``,
    with ``load_from_skip=['head.scales']``), freeze the backbone and train only
    ``scales`` ``(C,)`` (initialised to 1, so training starts from the stage-1
    predictions) on class-balanced batches. Takes ``LinearClsHead``'s arguments;
    its ``fc`` weights have the same names, so a stage-1 checkpoint loads.
    """

    def __init__(self, num_classes: int, in_channels: int, **kwargs):
        super().__init__(num_classes, in_channels, **kwargs)
        self.fc.requires_grad_(False)
        self.scales = nn.Parameter(torch.ones(num_classes))

    def forward(self, feats) -> torch.Tensor:
        pre_logits = self.pre_logits(feats)
        return F.linear(pre_logits, self.fc.weight * self.scales[:, None],
                        self.fc.bias)
