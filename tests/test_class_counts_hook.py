"""Class counts reach losses and metrics without being typed; bad lengths fail early."""
import os

import pytest
from mmengine.config import Config

from cckd_plugin.datasets import long_tail_counts
from cckd_plugin.engine import build_runner, prepare_cfg

CONFIG = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'


def make_runner(repo_root, fmnist_root, work_dir, **model_head):
    cfg = Config.fromfile(os.path.join(repo_root, CONFIG))
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.update(
            data_root=fmnist_root, n_max=60, imbalance_ratio=10, download=False)
    cfg.train_cfg.max_epochs = 1
    cfg.model.head.update(model_head)
    cfg.work_dir = str(work_dir)
    cfg.log_level = 'WARNING'
    return build_runner(prepare_cfg(cfg))


def test_counts_filled_into_loss_and_metric(repo_root, fmnist_root, tmp_path):
    runner = make_runner(repo_root, fmnist_root, tmp_path)
    runner.train()
    loss = runner.model.head.loss_module
    assert loss.class_counts.tolist() == long_tail_counts(10, 60, 10)
    assert runner.val_evaluator.metrics[0].class_counts == long_tail_counts(10, 60, 10)


def test_counts_from_config_are_kept(repo_root, fmnist_root, tmp_path):
    typed = [10] * 10
    runner = make_runner(repo_root, fmnist_root, tmp_path,
                         loss=dict(type='LogitAdjustLoss', class_counts=typed))
    assert runner.train_loop.max_epochs >= 1  # mmengine's property builds the loop
    runner.call_hook('before_run')
    assert runner.model.head.loss_module.class_counts.tolist() == typed


def test_head_size_mismatch_fails_before_training(repo_root, fmnist_root, tmp_path):
    runner = make_runner(repo_root, fmnist_root, tmp_path, num_classes=5)
    with pytest.raises(ValueError, match='the training set has 10 classes but '
                       'model.head.num_classes is 5'):
        runner.train()
    assert not [f for f in os.listdir(tmp_path) if f.endswith('.pth')]


def test_typed_counts_of_wrong_length_fail_before_training(repo_root, fmnist_root,
                                                           tmp_path):
    runner = make_runner(repo_root, fmnist_root, tmp_path,
                         loss=dict(type='LogitAdjustLoss', class_counts=[5, 3, 1]))
    with pytest.raises(ValueError, match='model.head.loss.class_counts has 3 entries '
                       'but model.head.num_classes is 10'):
        runner.train()
    assert not [f for f in os.listdir(tmp_path) if f.endswith('.pth')]
