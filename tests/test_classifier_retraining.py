"""Decoupled training through configs (Kang et al. 2020): stage 2 re-trains the
classifier (cRT) or re-scales its class weights (LWS) of a stage-1 checkpoint
on class-balanced batches, the backbone frozen whole."""
import os.path as osp

import pytest
import torch
from helpers import data_options, train

pytestmark = pytest.mark.e2e

STAGE1 = 'configs/baselines/ce_resnet8_fashion-mnist-lt.py'
CRT = 'configs/baselines/crt_resnet8_fashion-mnist-lt.py'
LWS = 'configs/baselines/lws_resnet8_fashion-mnist-lt.py'


@pytest.fixture(scope='module')
def stage1(repo_root, fmnist_root, tmp_path_factory):
    """One epoch of the CE baseline: the stage-1 checkpoint."""
    work = str(tmp_path_factory.mktemp('stage1'))
    done = train(repo_root, STAGE1, work, '--cfg-options', *data_options(fmnist_root),
                 'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                 'param_scheduler.1.begin=0', 'param_scheduler.1.end=1')
    assert done.returncode == 0, done.stderr[-3000:]
    return osp.join(work, 'epoch_1.pth')


def stage2(repo_root, fmnist_root, config, ckpt, work) -> tuple:
    """Two epochs of ``config`` from ``ckpt``: the state dicts before and after."""
    done = train(repo_root, config, work, '--cfg-options', *data_options(fmnist_root),
                 f'load_from={ckpt}', 'train_cfg.max_epochs=2',
                 'train_cfg.val_interval=2', 'param_scheduler.1.end=2',
                 'default_hooks.checkpoint.interval=2')
    assert done.returncode == 0, done.stderr[-3000:]
    before = torch.load(ckpt, weights_only=False)['state_dict']
    after = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)['state_dict']
    return before, after


def test_crt_moves_the_head_only(repo_root, fmnist_root, stage1, tmp_path):
    before, after = stage2(repo_root, fmnist_root, CRT, stage1, str(tmp_path))
    backbone = [k for k in before if k.startswith('backbone.')]
    assert any(k.endswith('running_mean') for k in backbone)
    assert all(torch.equal(before[k], after[k]) for k in backbone)  # BN stats too
    assert not torch.equal(before['head.fc.weight'], after['head.fc.weight'])


def test_lws_moves_the_class_scales_only(repo_root, fmnist_root, stage1, tmp_path):
    """The backbone (BN statistics too) and the stage-1 classifier stay
    bit-identical, only the per-class scales move."""
    before, after = stage2(repo_root, fmnist_root, LWS, stage1, str(tmp_path))
    kept = [k for k in before if k.startswith(('backbone.', 'head.fc.'))]
    assert 'head.fc.weight' in kept and any(k.endswith('running_var') for k in kept)
    assert all(torch.equal(before[k], after[k]) for k in kept)
    scales = after['head.scales']
    assert scales.shape == (10, ) and not torch.equal(scales, torch.ones(10))
