"""The student's own settings inside the distiller are honoured (its
normalisation, a head whose logits need the targets) or refused at start-up
in one line (batch augmentations; an RGB backbone on grey data)."""
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

STUDENT = dict(type='ImageClassifier',
               backbone=dict(type='CifarResNet', depth=8, in_channels=1),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
TEACHER = dict(STUDENT, head=dict(type='LinearClsHead', num_classes=10, in_channels=64))


def build(student=STUDENT, **kwargs):
    cfg = dict(type='ClassConditionalDistiller', student=student, teacher=TEACHER,
               distill=dict(method='cckd'), data_preprocessor=dict(mean=[0.0],
                                                                   std=[1.0]))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def arcface(margins):
    return dict(STUDENT, head=dict(type='ArcFaceClsHead', num_classes=10,
                                   in_channels=64, margins=margins))


def cckd_losses(model, seed=0):
    for module in model.modules():
        if hasattr(module, 'set_class_counts'):
            module.set_class_counts([50, 40, 30, 20, 10, 8, 6, 4, 2, 1])
    model.set_priors(torch.full((10, ), 0.1), torch.full((10, ), 0.1))
    g = torch.Generator().manual_seed(seed)
    pixels = torch.randint(0, 256, (8, 1, 28, 28), generator=g).float()
    labels = torch.randint(0, 10, (8, ), generator=g)
    samples = [DataSample().set_gt_label(int(y)) for y in labels]
    return model.loss(pixels, samples), pixels, labels


def test_an_arcface_margin_reaches_the_supervised_loss_only():
    torch.manual_seed(0)
    plain = build(student=arcface(0.0))
    torch.manual_seed(0)
    margin = build(student=arcface(0.5))
    margin.load_state_dict(plain.state_dict())
    zero, pixels, labels = cckd_losses(plain)
    half, _, _ = cckd_losses(margin)
    assert torch.allclose(zero['loss_cckd'], half['loss_cckd'])  # plain logits
    assert half['loss_sup'] > zero['loss_sup'] + 0.1  # the margin makes it harder
    # by hand: s * cos(theta_y + m) at the target, s * cos elsewhere, then CE
    head = margin.student.head
    feats = margin.student.extract_feat(margin.student_view(pixels))[-1]
    cos = F.normalize(feats) @ F.normalize(head.norm_product.weight).t()
    theta = torch.acos(cos.clamp(-1 + 1e-7, 1 - 1e-7))
    with_margin = torch.where(cos > head.threshold, torch.cos(theta + 0.5),
                              cos - head.sinm_m)
    target = F.one_hot(labels, 10).float()
    logits = head.scale * (target * with_margin + (1 - target) * cos)
    assert half['loss_sup'].item() == pytest.approx(
        F.cross_entropy(logits, labels).item(), rel=1e-4)


@pytest.mark.parametrize('where,key', [
    ('train_cfg', 'augments'), ('data_preprocessor', 'batch_augments')])
def test_batch_augments_of_the_student_are_refused(where, key):
    student = dict(STUDENT, **{where: {key: dict(type='Mixup', alpha=0.8)}})
    with pytest.raises(ValueError, match=rf'model.student.{where}.{key} is not '
                       r'applied inside the distiller: ACCKD mixes'):
        build(student=student)


def test_the_students_own_normalisation_is_used():
    student = dict(STUDENT, data_preprocessor=dict(mean=[10.0], std=[2.0]))
    model = build(student=student, data_preprocessor=None)
    pixels = torch.full((1, 1, 28, 28), 14.0)
    assert torch.allclose(model.student_view(pixels), torch.full_like(pixels, 2.0))
    build(student=student, data_preprocessor=dict(mean=[10.0], std=[2.0]))  # agree
    with pytest.raises(ValueError, match=r'model.student.data_preprocessor.mean='
                       r"\[10.0\] but the distiller's data_preprocessor.mean=\[0.0\]"):
        build(student=student)


def test_an_rgb_backbone_without_in_channels_is_refused_on_grey_data():
    student = dict(type='ImageClassifier',
                   backbone=dict(type='MobileNetV2', widen_factor=0.25),
                   neck=dict(type='GlobalAveragePooling'),
                   head=dict(type='LinearClsHead', num_classes=10, in_channels=1280))
    with pytest.raises(ValueError, match='model.student.backbone takes 3-channel '
                       r'images but data_preprocessor.mean has 1 value\(s\)'):
        build(student=student)
