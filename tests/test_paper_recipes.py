"""The paper's recipes (Appendix C) that are not a property of one config: the
CIFAR schedule epoch by epoch, DiVE's teacher power and a baseline checkpoint in
its row's students. Each config's own recipe, and the generated recipe table, are
checked in the leaf sweep (test_config_leaves.py)."""
import os.path as osp
import warnings

import pytest
import torch
from helpers import ROOT, load_config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS, init_default_scope
from mmpretrain.registry import MODELS


def ldam_learning_rate(epoch: int, base_lr: float = 0.1) -> float:
    """Cao et al.'s adjust_learning_rate (LDAM-DRW, cifar_train.py), epoch from 0."""
    epoch = epoch + 1
    if epoch <= 5:
        return base_lr * epoch / 5
    if epoch > 180:
        return base_lr * 0.0001
    if epoch > 160:
        return base_lr * 0.01
    return base_lr


def test_cifar_schedule_is_ldam_drw_epoch_by_epoch():
    """The rate of every one of the 200 epochs, as mmengine's schedulers give it,
    equals LDAM-DRW's (the paper follows Cao et al.)."""
    cfg = load_config(
        osp.join(ROOT, 'configs', 'baselines', 'la_resnet32_cifar100-lt.py'))
    model = torch.nn.Linear(2, 2)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper)) for s in
                  cfg.param_scheduler]
    assert not any(s.get('convert_to_iter_based') for s in cfg.param_scheduler)
    for epoch in range(200):
        lr = wrapper.optimizer.param_groups[0]['lr']
        assert lr == pytest.approx(ldam_learning_rate(epoch), rel=1e-6), epoch
        with warnings.catch_warnings():  # no optimiser step here: only the rates matter
            warnings.simplefilter('ignore')
            for scheduler in schedulers:
                scheduler.step()


def test_dive_flattens_the_teacher_with_power_half():
    assert MODELS.build(dict(type='DiVELoss')).power == 0.5


@pytest.mark.parametrize('depth', [10, 18, 34, 50])
def test_a_baseline_checkpoint_loads_into_the_distilled_student(depth):
    """The LA baseline's weights fit the ACCKD student of its row exactly (strict
    loading), under the fine-tuned and the zero-shot teacher alike."""
    init_default_scope('mmpretrain')
    baseline = load_config(
        osp.join(ROOT, 'configs', 'baselines', f'la_resnet{depth}_imagenet-lt.py'))
    weights = MODELS.build(baseline.model).state_dict()
    for teacher in ('af-la', 'zero-shot'):
        cfg = load_config(
            osp.join(ROOT, 'configs', 'distill', 'imagenet_lt',
                     f'acckd_resnet{depth}_clip-{teacher}_imagenet-lt.py'))
        distiller = MODELS.build(dict(cfg.model.to_dict(), student_only=True,
                                      data_preprocessor=cfg.data_preprocessor))
        distiller.student.load_state_dict(weights, strict=True)
