"""LDAM (Cao et al. 2019), effective-number re-weighting (Cui et al. 2019) and its
deferred form (DRW), against values computed by hand."""
import math
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from cckd_plugin.engine.hooks import EpochSeedHook

COUNTS = [100, 10, 1]
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def effective_number_weights(counts, beta):
    raw = [(1 - beta) / (1 - beta**n) for n in counts]
    return [w * len(counts) / sum(raw) for w in raw]


def test_ldam_margins_and_loss_by_hand():
    loss = MODELS.build(dict(type='LDAMLoss', max_m=0.5, s=30.0, class_counts=COUNTS))
    quarter = [n**-0.25 for n in COUNTS]
    margins = [0.5 * q / max(quarter) for q in quarter]  # 0.158, 0.281, 0.5
    torch.testing.assert_close(loss.margins(), torch.tensor(margins))
    z = torch.tensor([[2.0, 1.0, -1.0], [0.5, 3.0, 1.0], [1.0, 0.0, 2.5]])
    y = torch.tensor([0, 1, 2])
    by_hand = []
    for row, label in zip(z.tolist(), y.tolist()):
        shifted = [v - 30.0 * margins[j] * (j == label) for j, v in enumerate(row)]
        by_hand.append(-shifted[label] + math.log(sum(math.exp(v) for v in shifted)))
    assert float(loss(z, y)) == pytest.approx(sum(by_hand) / 3, rel=1e-5)
    soft = torch.nn.functional.one_hot(y, 3).float()  # a one-hot score is the label
    assert float(loss(z, soft)) == pytest.approx(sum(by_hand) / 3, rel=1e-5)


def test_effective_number_weights_and_their_deferral():
    loss = MODELS.build(dict(type='ClassBalancedCELoss', beta=0.9,
                             reweight_from_epoch=2, class_counts=COUNTS))
    z = torch.tensor([[2.0, 1.0, -1.0], [0.5, 3.0, 1.0], [1.0, 0.0, 2.5]])
    y = torch.tensor([0, 1, 2])
    ce = torch.nn.functional.cross_entropy(z, y, reduction='none')
    assert loss.class_weights() is None  # epochs 0 and 1: plain cross-entropy
    assert float(loss(z, y)) == pytest.approx(float(ce.mean()))
    loss.set_epoch(2)
    w = effective_number_weights(COUNTS, 0.9)  # 0.1 / (1 - 0.9 ** n), sum 3
    assert sum(w) == pytest.approx(3.0)
    torch.testing.assert_close(loss.class_weights(), torch.tensor(w))
    assert float(loss(z, y)) == pytest.approx(
        sum(wi * float(c) for wi, c in zip(w, ce)) / 3, rel=1e-5)
    soft = torch.tensor([[0.7, 0.3, 0.0], [0.0, 1.0, 0.0], [0.0, 0.2, 0.8]])
    ce_soft = torch.nn.functional.cross_entropy(z, soft, reduction='none')
    weight = [0.7 * w[0] + 0.3 * w[1], w[1], 0.2 * w[1] + 0.8 * w[2]]
    assert float(loss(z, soft)) == pytest.approx(
        sum(a * float(b) for a, b in zip(weight, ce_soft)) / 3, rel=1e-5)


def test_every_count_loss_takes_the_reweighting():
    z = torch.tensor([[2.0, 1.0, -1.0], [0.5, 3.0, 1.0]])
    y = torch.tensor([2, 1])
    w = effective_number_weights(COUNTS, 0.9999)
    for name in ('LogitAdjustLoss', 'BalancedSoftmaxLoss', 'CDTLoss', 'LDAMLoss'):
        plain = MODELS.build(dict(type=name, class_counts=COUNTS, reduction='none'))
        weighted = MODELS.build(dict(type=name, class_counts=COUNTS, reduction='none',
                                     reweight='effective_number'))
        torch.testing.assert_close(weighted(z, y), plain(z, y) * torch.tensor(
            [w[2], w[1]]))
    with pytest.raises(ValueError, match=r"LogitAdjustLoss: reweight must be one of "
                       r"\(None, 'effective_number'\), got 'cb'"):
        MODELS.build(dict(type='LogitAdjustLoss', reweight='cb'))


def test_the_epoch_hook_reaches_the_heads_loss():
    model = MODELS.build(dict(
        type='ImageClassifier', backbone=dict(type='CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='CosineClsHead', num_classes=3, in_channels=64, scale=30.0,
                  loss=dict(type='LDAMLoss', class_counts=COUNTS,
                            reweight='effective_number', reweight_from_epoch=3))))
    runner = SimpleNamespace(seed=0, epoch=3, model=model,
                             train_dataloader=SimpleNamespace(dataset=[]))
    x = torch.randn(4, 3, 32, 32)
    samples = [DataSample().set_gt_label(i % 3) for i in range(4)]
    before = float(model.loss(x, samples)['loss'])
    EpochSeedHook().before_train_epoch(runner)
    assert model.head.loss_module.epoch == 3
    assert model.head.loss_module.class_weights() is not None
    assert float(model.loss(x, samples)['loss']) != pytest.approx(before)


def test_the_cifar100_lt_ldam_drw_baseline_builds_cao_et_al():
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/baselines/ldam-drw_resnet32_cifar100-lt.py'))
    head = MODELS.build(cfg.model).head
    loss = head.loss_module
    assert type(loss).__name__ == 'LDAMLoss' and (loss.max_m, loss.s) == (0.5, 30.0)
    assert float(head.scale) == pytest.approx(loss.s)  # margins in cosine units
    assert (loss.reweight, loss.beta, loss.reweight_from_epoch) == (
        'effective_number', 0.9999, 160)
    assert cfg.train_cfg.max_epochs == 200
    assert [s.get('milestones') for s in cfg.param_scheduler] == [None, [160, 180]]
