"""The plugin inside other ways of running it: from another working directory,
through MMPretrain's own tools/train.py (what `mim train` runs), and an import
that leaves mmengine as it was."""
import os
import os.path as osp
import subprocess
import sys

import pytest
from helpers import PROFILE, ROOT, data_options, run_script, small_acckd_config

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e

LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'


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
        f'model.teacher_ckpt={small_teacher_ckpt}', 'train_cfg.max_epochs=1',
        'model.weak_teacher=warn']  # a random teacher, on purpose
    result = run_script(osp.join(ROOT, 'tools', 'train.py'), config, '--cfg-options',
                        *opts, cwd=str(elsewhere))
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(elsewhere / 'work_dirs' / osp.basename(config)[:-3] /
                      'epoch_1.pth')


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
