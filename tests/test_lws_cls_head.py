"""LWSClsHead: logits f_j * w_j . x + b_j, only the scales learn."""
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import cckd_plugin  # noqa: F401


def test_logits_and_gradients_by_hand():
    torch.manual_seed(0)
    head = MODELS.build(dict(type='LWSClsHead', num_classes=3, in_channels=4,
                             loss=dict(type='CrossEntropyLoss')))
    with torch.no_grad():
        head.scales.copy_(torch.tensor([0.5, 1.0, 2.0]))
    x = torch.randn(5, 4)
    w, b = head.fc.weight, head.fc.bias
    expected = torch.stack([0.5 * x @ w[0] + b[0], x @ w[1] + b[1],
                            2.0 * x @ w[2] + b[2]], dim=1)
    assert torch.allclose(head((x, )), expected, atol=1e-6)
    labels = [0, 2, 1, 1, 0]
    losses = head.loss((x, ), [DataSample().set_gt_label(y) for y in labels])
    losses['loss'].backward()
    assert w.grad is None and b.grad is None and not w.requires_grad
    # d CE / d f_j = sum_i (p_ij - [y_i = j]) (w_j . x_i) / N
    p = F.softmax(expected, dim=1)
    grad = ((p - F.one_hot(torch.tensor(labels), 3)) * (x @ w.t())).mean(0)
    assert torch.allclose(head.scales.grad, grad, atol=1e-6)


def test_a_stage1_head_state_loads_with_the_scales_at_one():
    linear = MODELS.build(dict(type='LinearClsHead', num_classes=3, in_channels=4))
    head = MODELS.build(dict(type='LWSClsHead', num_classes=3, in_channels=4))
    missing, unexpected = head.load_state_dict(linear.state_dict(), strict=False)
    assert missing == ['scales'] and unexpected == []
    x = torch.randn(2, 4)
    assert torch.allclose(head((x, )), linear((x, )))
