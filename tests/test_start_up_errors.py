"""A job that cannot start says why in one early line, before any download or
long work (the traceback only with --debug)."""
import os
import os.path as osp
import subprocess
import sys
import time

import pytest
from helpers import ROOT, error_lines, run_script
from mmengine.config import Config
from mmpretrain.registry import MODELS

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e

LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'


def test_headline_job_offline_says_what_is_missing_in_one_line(tmp_path):
    """No data, no teacher checkpoint: one early line naming each and its key."""
    start = time.time()
    result = run_script(
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
    plain = run_script('tools/train.py', *args)
    assert plain.returncode == 1 and len(error_lines(plain)) == 1
    assert 'Traceback' not in plain.stderr
    debug = run_script('tools/train.py', *args, '--debug')
    assert debug.returncode != 0 and 'Traceback' in debug.stderr
