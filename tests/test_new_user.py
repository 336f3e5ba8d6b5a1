"""What a new user meets: wrappers and stock parts mixed in, the tools run from
anywhere and with MMPretrain's own tools, early one-line errors, no download
for what a checkpoint holds, and a plugin that leaves mmengine as it was."""
import os
import os.path as osp
import subprocess
import sys
import time

import pytest
from helpers import PROFILE, data_options, scalars, small_acckd_config
from mmengine.config import Config
from mmpretrain.registry import MODELS

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.datasets import long_tail_counts
from cckd_plugin.engine import build_runner, prepare_cfg

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.slow

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
COUNTS = long_tail_counts(10, PROFILE['n_max'], PROFILE['imbalance_ratio'])


def tool(script, *args, cwd=ROOT, timeout=600):
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    return subprocess.run([sys.executable, script, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def error_lines(result):
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- class counts under mmengine's wrappers (item 2) -------------------------------
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


# -- stock MMPretrain parts as they are ------------------------------------------------
def test_stock_backbone_and_randaugment_on_cifar(tmp_path):
    """A stock MMPretrain backbone (ResNet_CIFAR) as the student of CIFAR-10-LT with
    RandAugment in the pipeline (which runs per sample) trains and lowers its loss."""
    from synthetic_data import write_cifar
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
        dict(_delete_=True, type='ResNet_CIFAR', depth=18),
        'model.head.in_channels':
        512,
        'model.head.num_classes':
        10,
        'data_preprocessor.num_classes':
        10,
        'train_dataloader.dataset':
        dict(_delete_=True, pipeline=pipeline, split='train', **data),
        'train_dataloader.batch_size':
        16,
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


# -- the tools: from anywhere, one line, early -----------------------------------------
def test_configs_run_from_another_directory(
        fmnist_root,
        small_teacher_ckpt,
        tmp_path):
    """Teacher and student config paths resolve from the config file, so a
    distillation config trains from any working directory (work_dirs stay
    relative to it, as in MMPretrain)."""
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    config = osp.join(ROOT, 'configs/distill/fashion_mnist_lt/'
                            'cckd_resnet8_offline-ft_fashion-mnist-lt.py')
    opts = data_options(fmnist_root, ('val', 'test')) + [
        f'train_dataloader.dataset.dataset.data_root={fmnist_root}',
        'train_dataloader.dataset.dataset.download=False',
        *[f'train_dataloader.dataset.dataset.{k}={v}' for k, v in PROFILE.items()],
        'model.teacher.backbone.stem_stride=2', 'model.teacher.backbone.depth=8',
        f'model.teacher_ckpt={small_teacher_ckpt}', 'train_cfg.max_epochs=1']
    result = tool(osp.join(ROOT, 'tools', 'train.py'), config, '--cfg-options', *opts,
                  cwd=str(elsewhere))
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(elsewhere / 'work_dirs' / osp.basename(config)[:-3] /
                      'epoch_1.pth')


def test_headline_job_offline_says_what_is_missing_in_one_line(tmp_path):
    """No data, no teacher checkpoint: one early line naming each and its key."""
    start = time.time()
    result = tool(
        osp.join(ROOT, 'tools', 'train.py'),
        osp.join(ROOT, 'configs', 'acckd_r18_imagenet-lt.py'),
        cwd=str(tmp_path))
    assert result.returncode == 1
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        'MissingInputsError: cannot start, missing: the split file '
        'data/imagenet/ImageNet_LT_train.txt')
    assert 'model.teacher_ckpt' in lines[0]
    assert 'train_dataloader.dataset.dataset.data_root' \
        in lines[0]
    assert time.time() - start < 60  # no download retries
    assert not (tmp_path / 'work_dirs').exists()


def test_clip_weights_that_cannot_come_are_named(tmp_path):
    """A zero-shot teacher needs CLIP's weights; without network or cache the
    line names the open_clip tag and the keys that take a local file."""
    # an offline machine with empty caches, wherever the test runs: every socket
    # connection fails and HOME / HF_HOME point at an empty folder
    offline = tmp_path / 'offline.py'
    offline.write_text(
        'import runpy, socket, sys\n'
        'def no_network(*args, **kwargs):\n'
        '    raise OSError("no network (test)")\n'
        'socket.create_connection = no_network\n'
        'sys.argv = sys.argv[1:]\n'
        'runpy.run_path(sys.argv[0], run_name="__main__")\n')
    home = tmp_path / 'home'
    env = dict(os.environ, PYTHONWARNINGS='ignore', HOME=str(home),
               HF_HOME=str(home / 'hf'), XDG_CACHE_HOME=str(home / 'cache'))
    start = time.time()
    result = subprocess.run(
        [sys.executable, str(offline), osp.join(ROOT, 'tools', 'train.py'),
         osp.join(ROOT, 'configs/distill/imagenet_lt/'
                  'kd_resnet18_clip-zero-shot_imagenet-lt.py')],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-3000:]
    assert time.time() - start < 60  # no download retries
    line = error_lines(result)[-1]
    assert "open_clip weights 'openai' of ViT-B-16 (not cached, no network" in line
    assert 'set model.teacher.backbone.pretrained and ' \
           'model.teacher.head.clip.pretrained ' \
           'to a local checkpoint file' in line


def test_teacher_class_count_mismatch_before_any_download():
    """A CIFAR-100 CLIP teacher in a 10-class job fails on its class count at
    once, before its tower (OpenAI weights) is built or downloaded."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs/distill/fashion_mnist_lt/'
                                         'kd_resnet8_offline-ft_fashion-mnist-lt.py'))
    teacher = osp.join(ROOT, 'configs/teachers/clip-vitb16_zero-shot_cifar100-lt.py')
    cfg.model.update(teacher=teacher, teacher_ckpt=None)
    start = time.time()
    with pytest.raises(ValueError, match=r'teacher has 100 classes but the student 10: '
                       r'model.teacher \(.*clip-vitb16_zero-shot_cifar100-lt.py\) '
                       r'head.num_classes=100'):
        MODELS.build(dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    assert time.time() - start < 20


def test_debug_flag_shows_the_traceback(tmp_path):
    args = [osp.join(ROOT, LA), '--cfg-options', 'model.head.loss.type=LogitAdjustLos',
            'train_dataloader.dataset.download=False',
            f'train_dataloader.dataset.data_root={tmp_path}']
    plain = tool('tools/train.py', *args)
    assert plain.returncode == 1 and len(error_lines(plain)) == 1
    assert 'Traceback' not in plain.stderr
    debug = tool('tools/train.py', *args, '--debug')
    assert debug.returncode != 0 and 'Traceback' in debug.stderr


def test_test_tool_evaluates_the_student_without_the_teacher(
        repo_root, fmnist_root, small_teacher_ckpt, tmp_path):
    """tools/test.py on a distillation checkpoint builds the student alone: a
    teacher whose weights would need a download is never built."""
    config = small_acckd_config(tmp_path, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    work = str(tmp_path / 'work')
    result = tool('tools/train.py', config, '--work-dir', work)
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
    result = tool('tools/test.py', str(with_clip), osp.join(work, 'epoch_1.pth'),
                  '--work-dir', str(tmp_path / 'test'))
    assert result.returncode == 1
    assert "model.student.head.in_channels=64 (this config: 768)" in result.stderr
    # CCKD imitates no feature, so its student is the trained network
    with_clip.write_text(with_clip.read_text() +
                         "model = dict(distill=dict(method='cckd'))\n")
    start = time.time()
    result = tool('tools/test.py', str(with_clip), osp.join(work, 'epoch_1.pth'),
                  '--work-dir', str(tmp_path / 'test'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'shot/all' in result.stdout + result.stderr
    # never built
    assert 'CLIPVisionBackbone(ViT-B-16):' not in result.stdout + result.stderr
    assert time.time() - start < 120


# -- MMPretrain's own tools ---------------------------------------------------------
def mmpretrain_train_tool():
    import mmpretrain
    path = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools', 'train.py')
    assert osp.isfile(path), f'the pinned mmpretrain ships tools/train.py: {path}'
    return path


@pytest.mark.parametrize('distill', [False, True], ids=['baseline', 'acckd'])
def test_mmpretrain_train_tool_runs_the_configs(distill, repo_root, fmnist_root,
                                                small_teacher_ckpt,
                                                tmp_path):
    """MMPretrain's tools/train.py (and so `mim train mmpretrain CONFIG`, which runs
    it) trains the plugin's configs: the plugin comes from custom_imports, the
    runner from runner_type, persistent_workers=False from the configs."""
    if distill:
        config = small_acckd_config(
            tmp_path, repo_root, fmnist_root, small_teacher_ckpt, epochs=1)
        opts = []
    else:
        config, opts = osp.join(ROOT, LA), data_options(fmnist_root)
    env = dict(os.environ, PYTHONWARNINGS='ignore', PYTHONPATH=ROOT)
    result = subprocess.run(
        [sys.executable, mmpretrain_train_tool(), config, '--work-dir',
         str(tmp_path / 'work'), '--cfg-options', 'train_cfg.max_epochs=1', *opts],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(tmp_path / 'work' / 'epoch_1.pth')


# -- importing the plugin changes nothing of mmengine ------------------------------
def test_import_leaves_mmengine_unpatched():
    code = '''
import mmengine.dist.utils as du
from mmengine.fileio.backends import LocalBackend
from mmengine.runner import Runner
before = (LocalBackend.put, Runner.dump_config, du._init_dist_pytorch)
import cckd_plugin

after = (LocalBackend.put, Runner.dump_config, du._init_dist_pytorch)
print(all(a is b for a, b in zip(before, after)))
'''
    result = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == 'True', result.stderr[-2000:]
