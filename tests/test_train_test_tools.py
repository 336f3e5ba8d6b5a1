"""tools/train.py and tools/test.py end to end on synthetic Fashion-MNIST-LT."""
import json
import os
import os.path as osp
import shutil
import time

import pytest
import torch
from helpers import data_options, run_script, run_tool, scalars, small_acckd_config

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.datasets import long_tail_counts

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e

CONFIG = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
COUNTS = long_tail_counts(10, 60, 10)  # 60, 46, 35 | 27, 21, 16, 12 | 10, 7, 6
GROUP_THRESHOLDS = [f'{e}.{k}={v}' for e in ('val_evaluator', 'test_evaluator')
                    for k, v in (('many_thr', 30), ('few_thr', 12))]


@pytest.fixture(scope='module')
def trained(repo_root, fmnist_root, tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('work'))
    opts = data_options(fmnist_root) + [
        'val_dataloader.dataset.split=test', 'train_dataloader.batch_size=32',
        'train_cfg.max_epochs=3', 'train_cfg.val_interval=1',
        'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=1',
        *GROUP_THRESHOLDS]
    result = run_tool(repo_root, 'train.py', CONFIG, '--work-dir', work_dir,
                      '--cfg-options', *opts)
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(work_dir=work_dir, opts=opts, log=result.stdout + result.stderr)


def test_training_uses_dataset_counts_and_loss_falls(trained):
    assert f'class counts (10 classes, {sum(COUNTS)} images, from ' \
           'train_dataloader.dataset)' in trained['log']
    losses = [r['loss'] for r in scalars(trained['work_dir']) if 'loss' in r]
    assert len(losses) == 24
    assert sum(losses[-4:]) / 4 < 0.9 * sum(losses[:4]) / 4
    accuracy = [r['shot/all'] for r in scalars(trained['work_dir']) if 'shot/all' in r]
    assert accuracy[-1] > 20.0  # chance is 10 %
    ckpt = safe_torch_load(osp.join(trained['work_dir'], 'epoch_3.pth'))
    assert ckpt['meta']['class_counts'] == COUNTS


def test_checkpoint_alone_gives_same_numbers_in_test_tool(trained, repo_root, tmp_path):
    # only the test split is present: the shot groups must come from the checkpoint
    test_only = tmp_path / 'test_only'
    test_only.mkdir()
    for name in os.listdir(trained_data_root(trained)):
        if name.startswith('t10k'):
            shutil.copy(osp.join(trained_data_root(trained), name), test_only)
    out = str(tmp_path / 'metrics.json')
    result = run_tool(repo_root, 'test.py', CONFIG,
                      osp.join(trained['work_dir'], 'epoch_3.pth'),
                      '--work-dir', str(tmp_path / 'test'), '--out', out,
                      '--out-item', 'metrics', '--cfg-options',
                      f'test_dataloader.dataset.data_root={test_only}',
                      'test_dataloader.dataset.imbalance_ratio=100',  # wrong on purpose
                      'test_dataloader.dataset.download=False', *GROUP_THRESHOLDS)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'from checkpoint' in result.stdout + result.stderr
    metrics = json.load(open(out))
    val = [r for r in scalars(trained['work_dir']) if 'shot/all' in r][-1]
    for key in ('shot/many', 'shot/medium', 'shot/few', 'shot/all'):
        assert metrics[key] == pytest.approx(
            val[key], abs=1e-3)  # no NaN: all groups used
    # the run ends with the shot-group table of those numbers
    header, rule, row = result.stdout.rstrip().splitlines()[-3:]
    names = [c.strip() for c in header.strip('|').split('|')]
    assert names == ['many', 'medium', 'few', 'all', 'ECE']
    assert set(rule) == {'|', '-', ':'}
    values = [float(c) for c in row.strip('|').split('|')]
    assert values == pytest.approx(
        [metrics[f'shot/{n.lower()}'] for n in names], abs=0.006)


def trained_data_root(trained):
    opt = next(o for o in trained['opts']
               if o.startswith('train_dataloader.dataset.data_root'))
    return opt.split('=', 1)[1]


def test_resume_continues_from_checkpoint(trained, repo_root, tmp_path):
    work_dir = str(tmp_path / 'resumed')
    shutil.copytree(trained['work_dir'], work_dir)
    opts = [o for o in trained['opts'] if not o.startswith('train_cfg.max_epochs')]
    result = run_tool(repo_root, 'train.py', CONFIG, '--work-dir', work_dir, '--resume',
                      '--cfg-options', *opts, 'train_cfg.max_epochs=4')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 3, iter: 24' in result.stdout + result.stderr
    ckpt = safe_torch_load(osp.join(work_dir, 'epoch_4.pth'))
    assert ckpt['meta']['iter'] == 32 and ckpt['meta']['class_counts'] == COUNTS


@pytest.mark.parametrize('where', ['empty', 'missing'])
def test_resume_with_nothing_to_resume_is_an_error(where, trained, repo_root,
                                                   tmp_path):
    """An explicit --resume into an empty or mistyped work dir stops in one line;
    it does not start a new run from epoch 1."""
    work_dir = tmp_path / 'runs'
    if where == 'empty':
        work_dir.mkdir()
    result = run_tool(repo_root, 'train.py', CONFIG, '--work-dir', str(work_dir),
                      '--resume', '--cfg-options', *trained['opts'])
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f'FileNotFoundError: --resume: nothing to resume in '
                                f'{work_dir} (no last_checkpoint file'), lines[-3:]
    assert 'Epoch(train)' not in result.stdout + result.stderr
    assert not work_dir.exists() or not os.listdir(work_dir)


def test_planted_global_refused_by_test_resume_and_load_from(trained, repo_root,
                                                             tmp_path):
    ckpt = torch.load(osp.join(trained['work_dir'], 'epoch_3.pth'), weights_only=False)
    ckpt['meta']['planted'] = os.getcwd
    bad = str(tmp_path / 'planted.pth')
    torch.save(ckpt, bad)
    work = {how: str(tmp_path / how.strip('-').replace('.', '_'))
            for how in ('test.py', '--resume', 'load_from')}
    runs = {
        'test.py': run_tool(repo_root, 'test.py', CONFIG, bad, '--work-dir',
                            work['test.py'], '--cfg-options', *trained['opts']),
        '--resume': run_tool(repo_root, 'train.py', CONFIG, '--work-dir',
                             work['--resume'], '--resume', bad, '--cfg-options',
                             *trained['opts']),
        'load_from': run_tool(repo_root, 'train.py', CONFIG, '--work-dir',
                              work['load_from'], '--cfg-options', *trained['opts'],
                              f'load_from={bad}'),
    }
    for how, result in runs.items():
        assert result.returncode != 0, how
        assert 'UnsafeCheckpointError: refusing to load checkpoint' in result.stderr, \
            how
        assert "'posix.getcwd'" in result.stderr, how
        assert osp.isdir(
            work[how]), how  # the run started in this folder: the check can fail
        assert not any(f.endswith('.pth') for f in os.listdir(work[how])), how


def test_test_tool_evaluates_the_student_without_the_teacher(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    """tools/test.py on a distillation checkpoint builds the student alone: a
    teacher whose weights would need a download is never built."""
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    work = str(tmp_path / 'work')
    result = run_script('tools/train.py', config, '--work-dir', work)
    assert result.returncode == 0, result.stderr[-3000:]
    clip = dict(type='ImageClassifier', backbone=dict(
        type='CLIPVisionBackbone', model_name='ViT-B-16', pretrained='openai'),
        head=dict(type='CosineClsHead', num_classes=10, in_channels=64))
    with_clip = tmp_path / 'with_clip_teacher.py'
    with_clip.write_text(f'_base_ = [{config!r}]\n'
                         f'model = dict(teacher=dict(_delete_=True, **{clip!r}), '
                         f'teacher_ckpt=None)\n')
    # ACCKD would imitate the tower's 768-d class token through a 64 -> 768 layer
    # that this 64-d teacher's student lacks: refused, not evaluated half random
    result = run_script('tools/test.py', str(with_clip), osp.join(work, 'epoch_1.pth'),
                        '--work-dir', str(tmp_path / 'test'))
    assert result.returncode == 1
    assert "model.student.head.in_channels=64 (this config: 768)" in result.stderr
    # CCKD imitates no feature, so its student is the trained network
    with_clip.write_text(with_clip.read_text() +
                         "model = dict(distill=dict(method='cckd'))\n")
    start = time.time()
    result = run_script('tools/test.py', str(with_clip), osp.join(work, 'epoch_1.pth'),
                        '--work-dir', str(tmp_path / 'test'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'shot/all' in result.stdout + result.stderr
    # never built
    assert 'CLIPVisionBackbone(ViT-B-16):' not in result.stdout + result.stderr
    assert time.time() - start < 120
