"""Stock mmengine and MMPretrain parts mixed into the plugin's configs as they
are: dataset wrappers under the long-tail counts and the pair dataset, a stock
backbone and RandAugment in a student's pipeline."""
import os
import os.path as osp

import pytest
from helpers import PROFILE, ROOT, scalars, small_acckd_config
from mmengine.config import Config

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.datasets import long_tail_counts
from cckd_plugin.engine import build_runner, prepare_cfg

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e

LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
COUNTS = long_tail_counts(10, PROFILE['n_max'], PROFILE['imbalance_ratio'])

WRAPPERS = {
    'ClassBalancedDataset': dict(type='ClassBalancedDataset', oversample_thr=0.5),
    'RepeatDataset': dict(type='RepeatDataset', times=2),
    'ConcatDataset': dict(type='ConcatDataset'),
}


@pytest.mark.parametrize('wrapper', list(WRAPPERS))
def test_wrapped_training_set_keeps_the_true_counts(wrapper, fmnist_root, tmp_path):
    """The counts (logit adjustment, checkpoints, shot groups) are the images the
    wrapped dataset holds, with a log line saying so; every shot group is met."""
    cfg = Config.fromfile(osp.join(ROOT, LA))
    inner = dict(cfg.train_dataloader.dataset, data_root=fmnist_root, download=False,
                 **PROFILE)
    wrapped = dict(WRAPPERS[wrapper])
    wrapped.update(datasets=[inner]) if wrapper == 'ConcatDataset' else \
        wrapped.update(dataset=inner)
    cfg.merge_from_dict({'train_dataloader.dataset': dict(wrapped, _delete_=True),
                         'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1,
                         'val_evaluator.many_thr': 30, 'val_evaluator.few_thr': 12})
    for split in ('val', 'test'):
        cfg.merge_from_dict({f'{split}_dataloader.dataset.data_root': fmnist_root,
                             f'{split}_dataloader.dataset.download': False,
                             **{f'{split}_dataloader.dataset.{k}': v
                                for k, v in PROFILE.items()}})
    cfg.work_dir = str(tmp_path / 'work')
    runner = build_runner(prepare_cfg(cfg))
    runner.train()
    assert runner.model.head.loss_module.class_counts.tolist() == COUNTS
    ckpt = safe_torch_load(osp.join(cfg.work_dir, 'epoch_1.pth'))
    assert ckpt['meta']['class_counts'] == COUNTS
    log = open(next(osp.join(r, f) for r, _, fs in os.walk(cfg.work_dir)
                    for f in fs if f.endswith('.log'))).read()
    assert f'inside {wrapper}' in log or f'{wrapper} >' in log
    val = [r for r in scalars(cfg.work_dir) if 'shot/few' in r][-1]
    assert all(val[f'shot/{g}'] == val[f'shot/{g}'] for g in ('many', 'medium', 'few'))


def test_pairs_over_a_wrapped_training_set(repo_root, fmnist_root, small_teacher_ckpt,
                                           tmp_path):
    """ACCKD's class-balanced partners over mmengine's ClassBalancedDataset."""
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    cfg = Config.fromfile(config)
    inner = cfg.train_dataloader.dataset.dataset.to_dict()
    cfg.merge_from_dict({'train_dataloader.dataset.dataset': dict(
        _delete_=True, type='ClassBalancedDataset', oversample_thr=0.5, dataset=inner)})
    cfg.work_dir = str(tmp_path / 'work')
    runner = build_runner(prepare_cfg(cfg))
    runner.train()
    assert runner.model.class_counts.tolist() == long_tail_counts(10, 60, 10)
    assert any('loss_cckd_mix' in r for r in scalars(cfg.work_dir))


def test_stock_backbone_and_randaugment_on_cifar(tmp_path):
    """A stock MMPretrain backbone (ResNet_CIFAR, at a quarter of its width) as the
    student of CIFAR-10-LT with RandAugment in the pipeline (which runs per sample,
    in two workers) trains and lowers its loss."""
    from helpers import write_cifar
    root = write_cifar(str(tmp_path / 'cifar'), 10, 40, 4)
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/baselines/la_resnet32_cifar100-lt.py'))
    data = dict(type='CIFAR10LT', data_root=root, verify_md5=False, download=False,
                imbalance_ratio=4, n_max=40)
    pipeline = [
        dict(
            type='RandAugment',
            policies='timm_increasing',
            num_policies=2,
            total_level=10,
            magnitude_level=6),
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='PackInputs')
    ]
    cfg.merge_from_dict({
        'model.backbone':
        dict(_delete_=True, type='ResNet_CIFAR', depth=18, stem_channels=16,
             base_channels=16),
        'model.head.in_channels':
        128,
        'model.head.num_classes':
        10,
        'data_preprocessor.num_classes':
        10,
        'train_dataloader.dataset':
        dict(_delete_=True, pipeline=pipeline, split='train', **data),
        'train_dataloader.batch_size':
        16,
        'train_dataloader.num_workers':
        2,
        'val_dataloader.num_workers':
        2,
        'val_dataloader.dataset':
        dict(_delete_=True, pipeline=[dict(type='PackInputs')], split='test', **data),
        'train_cfg.max_epochs':
        3,
        'train_cfg.val_interval':
        3,
        'optim_wrapper.optimizer.lr':
        0.02,
        'default_hooks.logger.interval':
        1
    })
    cfg.param_scheduler = []  # a constant rate: three short epochs
    cfg.test_dataloader = cfg.val_dataloader
    cfg.work_dir = str(tmp_path / 'work')
    runner = build_runner(prepare_cfg(cfg))
    runner.train()
    losses = [r['loss'] for r in scalars(cfg.work_dir) if 'loss' in r]
    per_epoch = len(runner.train_dataloader)
    assert len(losses) == 3 * per_epoch
    assert sum(losses[-per_epoch:]) < sum(
        losses[:per_epoch])  # the last epoch beats the first
    assert runner.model.head.loss_module.class_counts.tolist() == long_tail_counts(
        10, 40, 4)
