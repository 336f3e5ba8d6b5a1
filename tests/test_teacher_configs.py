"""The teacher family is complete; the offline teacher trains and serves as NCM
(every teacher config builds: test_config_leaves.py)."""
import glob
import json
import os.path as osp

import pytest
import torch
from helpers import data_options, run_tool

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHERS = sorted(glob.glob(osp.join(ROOT, 'configs', 'teachers', '*.py')))


def test_teacher_family_is_complete():
    names = {osp.basename(p) for p in TEACHERS}
    for data in ('cifar100-lt', 'imagenet-lt', 'inat2018'):
        for peft in ('adaptformer', 'adapter', 'vpt-shallow', 'vpt-deep', 'lora'):
            assert f'clip-vitb16_{peft}_la_{data}.py' in names
        assert f'clip-vitb16_zero-shot_{data}.py' in names
        assert f'clip-vitb16_ncm_{data}.py' in names


@pytest.mark.e2e
def test_offline_teacher_pretrains_and_serves_as_ncm(repo_root, fmnist_root, tmp_path):
    work = str(tmp_path / 'teacher')
    pool = [
        'train_dataloader.dataset.pool_per_class=20',
        'train_dataloader.dataset.val_per_class=5', 'train_dataloader.batch_size=32',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'default_hooks.logger.interval=1'
    ]
    result = run_tool(repo_root, 'train.py',
                      'configs/teachers/offline_resnet20_fashion-mnist-pool.py',
                      '--work-dir', work, '--cfg-options', *data_options(fmnist_root),
                      *pool)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'Epoch(train) [1][7/7]' in result.stdout + result.stderr  # 200 pool images
    ckpt = osp.join(work, 'epoch_1.pth')
    out = str(tmp_path / 'ncm_metrics.json')
    ncm_work = str(tmp_path / 'ncm')
    result = run_tool(repo_root, 'test.py',
                      'configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py', ckpt,
                      '--work-dir', ncm_work, '--out', out, '--out-item', 'metrics',
                      '--cfg-options', *data_options(fmnist_root))
    assert result.returncode == 0, result.stderr[-3000:]
    record = torch.load(
        osp.join(ncm_work, 'teacher_heads', 'ncm.pth'), weights_only=True)
    assert record['weight'].shape == (10, 64) and record['kind'] == 'ncm'
    assert json.loads(
        record['provenance'])['num_samples'] == 240  # the long-tailed train split
    assert 'shot/all' in json.load(open(out))
    # the cached means are reused; with other training data they are an error
    again = run_tool(repo_root, 'test.py',
                     'configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py',
                     ckpt, '--work-dir', ncm_work, '--cfg-options',
                     *data_options(fmnist_root),  # the profile of every split
                     'train_dataloader.dataset.imbalance_ratio=5',
                     'val_dataloader.dataset.imbalance_ratio=5')
    assert again.returncode != 0
    assert 'was built from other data' in again.stderr
    # tools/build_teacher_head.py builds the same file ahead of any run
    built = str(tmp_path / 'built_ncm.pth')
    result = run_tool(repo_root, 'build_teacher_head.py',
                      'configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py',
                      '--checkpoint', ckpt, '--out', built, '--work-dir',
                      str(tmp_path / 'build'), '--cfg-options',
                      *data_options(fmnist_root))
    assert result.returncode == 0, result.stderr[-3000:]
    ahead = torch.load(built, weights_only=True)
    torch.testing.assert_close(ahead['weight'], record['weight'])
    assert ahead['provenance'] == record['provenance']
