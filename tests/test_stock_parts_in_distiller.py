"""MMPretrain's own long-tail parts inside the distiller, each checked against
its own computation: Seesaw and Focal as ``L_sup``, ArcFace with its
adaptive-margins hook, and stock backbones as student and teacher. (Batch
augments are refused: test_student_settings.py; ``ClassBalancedDataset`` under
the pairs: test_stock_parts.py.)"""
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmpretrain.registry import HOOKS, MODELS
from mmpretrain.structures import DataSample

import cckd_plugin  # noqa: F401

COUNTS = [50, 40, 30, 20, 10, 8, 6, 4, 2, 1]
STUDENT = dict(type='ImageClassifier',
               backbone=dict(type='CifarResNet', depth=8, in_channels=1),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=10, in_channels=64))


def with_loss(loss: dict) -> dict:
    return dict(STUDENT, head=dict(STUDENT['head'], loss=loss))


def build(student=STUDENT, teacher=STUDENT, method='acckd', **kwargs):
    cfg = dict(type='ClassConditionalDistiller', student=student, teacher=teacher,
               distill=dict(method=method), data_preprocessor=dict(mean=[0.0],
                                                                   std=[1.0]))
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    for module in model.modules():
        if hasattr(module, 'set_class_counts'):
            module.set_class_counts(COUNTS)
    model.set_priors(torch.full((10, ), 0.1), torch.full((10, ), 0.1))
    return model


def batch(seed=0, n=8):
    g = torch.Generator().manual_seed(seed)
    pixels = torch.randint(0, 256, (n, 1, 28, 28), generator=g).float()
    labels = torch.randint(0, 10, (n, ), generator=g)
    return pixels, labels, [DataSample().set_gt_label(int(y)) for y in labels]


def losses_and_logits(model):
    """The losses of one batch and the student's logits of its real images as
    the distiller computed them (real and mixed images share one forward, so
    BatchNorm normalises them together)."""
    x, labels, samples = batch()
    p, _, partners = batch(seed=1)
    seen = []
    hook = model.student.head.register_forward_hook(
        lambda module, args, out: seen.append(out.detach()))
    torch.manual_seed(0)
    losses = model.loss(x, samples, p, partners)
    hook.remove()
    return losses, seen[0][:len(x)], labels


def test_seesaw_is_l_sup_with_its_own_class_counter():
    """L_sup is MMPretrain's Seesaw loss on the student's logits, and its
    running class counter sees the real batch's labels (not the mixed ones)."""
    model = build(with_loss(dict(type='SeesawLoss', num_classes=10)))
    model.train()
    losses, logits, labels = losses_and_logits(model)
    fresh = MODELS.build(dict(type='SeesawLoss', num_classes=10))
    assert losses['loss_sup'].item() == pytest.approx(
        fresh(logits, labels).item(), rel=1e-5)
    seen = model.student.head.loss_module.cum_samples
    assert seen.tolist() == np.bincount(labels.numpy(), minlength=10).tolist()
    assert all(k in losses for k in ('loss_cckd', 'loss_sup_mix', 'loss_cckd_mix'))


def test_focal_is_l_sup_by_hand_and_said_at_start_up(tmp_path):
    """MMPretrain's sigmoid Focal loss as L_sup: per class a binary decision,
    alpha_t (p_t') ** gamma * BCE summed over classes and averaged over samples
    (``avg_factor=N``, as MMPretrain's own head passes it); the start-up
    log says that the other terms read the softmax of the same logits."""
    log = tmp_path / 'start.log'
    MMLogger.get_instance('focal_line', log_file=str(log))
    model = build(with_loss(dict(type='FocalLoss', gamma=2.0, alpha=0.25)))
    model.train()
    losses, logits, labels = losses_and_logits(model)
    t = F.one_hot(labels, 10).float()
    p = logits.sigmoid()
    pt = (1 - p) * t + p * (1 - t)
    weight = (0.25 * t + 0.75 * (1 - t)) * pt**2
    by_hand = (F.binary_cross_entropy_with_logits(logits, t, reduction='none') *
               weight).sum() / len(labels)
    assert losses['loss_sup'].item() == pytest.approx(by_hand.item(), rel=1e-5)
    lines = [line for line in log.read_text().splitlines() if 'sigmoid loss' in line]
    assert len(lines) == 1 and "L_sup is the student head's FocalLoss, a sigmoid " \
        'loss' in lines[0] and 'read the softmax of the same logits' in lines[0]
    build(with_loss(dict(type='CrossEntropyLoss')))  # a softmax loss: no such line
    assert sum('sigmoid loss' in line for line in log.read_text().splitlines()) == 1


def test_adaptive_margins_hook_sets_the_students_arcface_margins():
    """MMPretrain's SetAdaptiveMarginsHook finds the student's ArcFace head
    through the distiller and sets margins from the served labels:
    (m_max - m_min) * norm(n ** p) + m_min."""
    arcface = dict(STUDENT, head=dict(type='ArcFaceClsHead', num_classes=10,
                                      in_channels=64))
    model = build(arcface, method='cckd')
    labels = np.repeat(np.arange(10), COUNTS)
    runner = SimpleNamespace(model=model, train_dataloader=SimpleNamespace(
        dataset=SimpleNamespace(get_gt_labels=lambda: labels)))
    hook = HOOKS.build(dict(type='SetAdaptiveMarginsHook', margin_min=0.05,
                            margin_max=0.5, power=-0.25))
    hook.before_train(runner)
    f = np.asarray(COUNTS, dtype=np.float64)**-0.25
    expected = (f - f.min()) / (f.max() - f.min()) * 0.45 + 0.05
    np.testing.assert_allclose(model.student.head.margins.numpy(), expected,
                               rtol=1e-6)
    losses, _, _ = losses_and_logits(model)  # the margins reach L_sup
    assert torch.isfinite(losses['loss_sup'])


def test_stock_backbones_as_student_and_teacher():
    """MMPretrain's ResNet_CIFAR as the student and as a wider teacher: the
    feature sizes differ (64 vs 128), so an align layer joins the student; the
    teacher stays frozen and gets no gradient; every term trains the student."""
    def stock(width, in_channels):
        return dict(type='ImageClassifier',
                    backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=1,
                                  stem_channels=width, base_channels=width),
                    neck=dict(type='GlobalAveragePooling'),
                    head=dict(type='LinearClsHead', num_classes=10,
                              in_channels=in_channels,
                              loss=dict(type='LogitAdjustLoss')))
    model = build(stock(8, 64), stock(16, 128))
    model.train()
    assert not model.teacher.training
    assert not any(p.requires_grad for p in model.teacher.parameters())
    losses, _, _ = losses_and_logits(model)
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    stem = model.student.backbone.conv1.weight
    assert stem.grad is not None and stem.grad.abs().sum() > 0
    aligned = [m for m in model.student.modules() if isinstance(m, torch.nn.Linear)
               and m.out_features == 128]
    assert aligned, 'no 64 -> 128 align layer in the student'
