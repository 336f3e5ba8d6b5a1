"""A fault in every phase: the run is killed (SIGKILL), its disk fills up
(``ENOSPC``) or a file it reads is cut short or disappears; what was already
written stays whole, and the next command works or stops with one line."""
import hashlib
import os
import os.path as osp
import shutil

import pytest
import torch
from helpers import EXPORT, TESTS, data_options, run_script, small_acckd_config, train
from mmengine.config import Config
from mmpretrain.registry import MODELS

from cckd_plugin.compat import safe_torch_load

# end-to-end runs of the tools: `make test-fast` leaves them out
pytestmark = pytest.mark.e2e

NCM = 'configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py'
KILLED = -9


def with_fault(repo_root, tool, *args, **fault):
    """``tools/<tool> ARGS`` with the fault of ``inject_fault`` set by ``fault``."""
    return run_script(osp.join(TESTS, 'run_with_fault.py'), osp.join('tools', tool),
                      *args, cwd=repo_root, env=fault, timeout=900)


def last_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ''


def one_line_error(result, *parts):
    assert result.returncode == 1, result.stderr[-3000:]
    line = last_line(result)
    assert line.endswith('(--debug shows the traceback)'), result.stderr[-3000:]
    for part in parts:
        assert part in line, line
    return line


def digest(folder) -> dict:
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = osp.join(root, name)
            if '.tmp' in name or name.endswith('.log') or name.endswith('.json') \
                    or 'vis_data' in root:
                continue
            with open(path, 'rb') as f:
                out[osp.relpath(path, folder)] = hashlib.sha1(f.read()).hexdigest()
    return out


@pytest.fixture(scope='module')
def config(repo_root, fmnist_root, small_teacher_ckpt, tmp_path_factory):
    return small_acckd_config(tmp_path_factory.mktemp('faults'), repo_root,
                              fmnist_root, small_teacher_ckpt, epochs=2)


@pytest.fixture(scope='module')
def finished(repo_root, config, tmp_path_factory):
    """A whole two-epoch run."""
    work = str(tmp_path_factory.mktemp('finished'))
    result = train(repo_root, config, work)
    assert result.returncode == 0, result.stderr[-3000:]
    return work


# -- SIGKILL -------------------------------------------------------------------------
def train_killed_in(repo_root, config, work, target: str, at: int) -> None:
    """``tools/train.py CONFIG`` SIGKILLed on the ``at``-th call of ``target``."""
    result = with_fault(repo_root, 'train.py', config, '--work-dir', work,
                        FAULT_KILL_IN=target, FAULT_KILL_AT=str(at))
    assert result.returncode == KILLED, result.stderr[-3000:]


def test_killed_in_the_teacher_prior_pass_then_resumed(repo_root, config, tmp_path):
    work = str(tmp_path / 'work')
    train_killed_in(repo_root, config, work,
                    'cckd_plugin.models.distillers.class_conditional_distiller:'
                    'ClassConditionalDistiller._teacher_posteriors_of', at=2)
    assert not [f for f in os.listdir(work) if f.endswith('.pth')]
    # nothing to resume: --resume says so in one line, a plain run starts again
    result = train(repo_root, config, work, '--resume')
    one_line_error(result, 'FileNotFoundError', '--resume: nothing to resume in')
    result = train(repo_root, config, work)
    assert result.returncode == 0, result.stderr[-3000:]
    assert safe_torch_load(osp.join(work, 'epoch_2.pth'))['meta']['epoch'] == 2


def test_killed_in_validation_keeps_the_epochs_checkpoint(repo_root, config, tmp_path):
    work = str(tmp_path / 'work')
    train_killed_in(repo_root, config, work,  # in epoch 2's validation
                    'cckd_plugin.evaluation.shot_group_accuracy:'
                    'ShotGroupAccuracy.compute_metrics', at=2)
    with open(osp.join(work, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('epoch_2.pth')
    ckpt = safe_torch_load(osp.join(work, 'epoch_2.pth'))  # saved before validation
    assert ckpt['meta']['epoch'] == 2
    result = train(repo_root, config, work, '--resume', '--cfg-options',
                   'train_cfg.max_epochs=3')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 2' in result.stdout + result.stderr


def test_killed_while_exporting_keeps_the_earlier_export(repo_root, config, finished,
                                                         tmp_path):
    out = str(tmp_path / 'student.pth')
    ckpt = osp.join(finished, 'epoch_2.pth')
    result = with_fault(repo_root, EXPORT, config, ckpt, out)
    assert result.returncode == 0, result.stderr[-3000:]
    before = digest(tmp_path)
    assert set(before) == {'student.pth', 'student.py'}
    result = with_fault(repo_root, EXPORT, config, ckpt, out,
                        FAULT_KILL_WHILE_WRITING='student.py')
    assert result.returncode == KILLED, result.stderr[-3000:]
    assert digest(tmp_path) == before  # the weights were flushed, not yet renamed
    left = sorted(os.listdir(tmp_path))  # the killed run's temporary files
    result = with_fault(repo_root, EXPORT, config, ckpt, out,
                        FAULT_ENOSPC='student.pth')
    one_line_error(result, 'OSError: [Errno 28] No space left on device')
    assert digest(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == left  # none of its own left behind


@pytest.fixture(scope='module')
def pool_teacher_ckpt(tmp_path_factory):
    """A random ResNet-20 classifier (the NCM teacher's backbone) with its config."""
    model = dict(type='ImageClassifier',
                 backbone=dict(type='CifarResNet', depth=20, in_channels=1),
                 neck=dict(type='GlobalAveragePooling'),
                 head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp('pool') / 'resnet20.pth')
    torch.save({'state_dict': MODELS.build(model).state_dict(),
                'meta': dict(cfg=Config(dict(model=model)).pretty_text)}, path)
    return path


def ncm_test(repo_root, fmnist_root, ckpt, work, option=None, **fault):
    options = data_options(fmnist_root) + ([option] if option else [])
    return with_fault(repo_root, 'test.py', NCM, ckpt, '--work-dir', work,
                      '--cfg-options', *options, **fault)


def test_killed_while_building_an_ncm_head_then_rebuilt(repo_root, fmnist_root,
                                                        pool_teacher_ckpt, tmp_path):
    work = str(tmp_path / 'ncm')
    head = osp.join(work, 'teacher_heads', 'ncm.pth')
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work,
                      FAULT_KILL_IN='cckd_plugin.engine.hooks.prepare_model_hook:'
                      'PreparationData.pass_over')
    assert result.returncode == KILLED, result.stderr[-3000:]
    assert not osp.exists(head)
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work,
                      FAULT_KILL_WHILE_WRITING='ncm.pth')
    assert result.returncode == KILLED, result.stderr[-3000:]
    assert not osp.exists(head)  # only its temporary file, cut short
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work)
    assert result.returncode == 0, result.stderr[-3000:]
    assert safe_torch_load(head)['kind'] == 'ncm'


# -- a full disk ---------------------------------------------------------------------
def test_a_full_disk_while_saving_a_checkpoint_then_resumed(repo_root, config,
                                                            tmp_path):
    work = str(tmp_path / 'work')
    result = with_fault(repo_root, 'train.py', config, '--work-dir', work,
                        FAULT_ENOSPC='epoch_2.pth')
    one_line_error(result, 'OSError: [Errno 28] No space left on device')
    assert sorted(f for f in os.listdir(work) if '.pth' in f) == \
        ['best_shot_all_epoch_1.pth', 'epoch_1.pth']
    with open(osp.join(work, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('epoch_1.pth')
    result = train(repo_root, config, work, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    assert safe_torch_load(osp.join(work, 'epoch_2.pth'))['meta']['epoch'] == 2


def test_a_full_disk_while_writing_a_head_file_or_per_class_json(
        repo_root, fmnist_root, pool_teacher_ckpt, tmp_path):
    work = str(tmp_path / 'ncm')
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work,
                      FAULT_ENOSPC='ncm.pth')
    one_line_error(result, 'OSError: [Errno 28] No space left on device')
    assert not os.listdir(osp.join(work, 'teacher_heads'))
    per_class = str(tmp_path / 'per_class.json')
    option = f'test_evaluator.per_class_file={per_class}'
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work, option=option)
    assert result.returncode == 0, result.stderr[-3000:]
    before = open(per_class).read()
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work, option=option,
                      FAULT_ENOSPC='per_class.json')
    one_line_error(result, 'OSError: [Errno 28] No space left on device')
    assert open(per_class).read() == before
    assert [f for f in os.listdir(tmp_path) if 'per_class' in f] == ['per_class.json']


# -- files cut short or gone ---------------------------------------------------------
def test_a_truncated_head_file_is_one_line(repo_root, fmnist_root,
                                           pool_teacher_ckpt, tmp_path):
    work = str(tmp_path / 'ncm')
    assert ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work).returncode == 0
    head = osp.join(work, 'teacher_heads', 'ncm.pth')
    raw = open(head, 'rb').read()
    with open(head, 'wb') as f:
        f.write(raw[:len(raw) // 2])
    result = ncm_test(repo_root, fmnist_root, pool_teacher_ckpt, work)
    one_line_error(result, 'CorruptCheckpointError',
                   'ncm.pth is not a whole torch file')


def test_a_broken_last_checkpoint_is_one_line(repo_root, config, finished, tmp_path):
    work = str(tmp_path / 'work')
    shutil.copytree(finished, work)
    for content, expected in (('/nowhere/epoch_9.pth',
                               "names '/nowhere/epoch_9.pth'"), ('', "names ''")):
        with open(osp.join(work, 'last_checkpoint'), 'w') as f:
            f.write(content)
        result = train(repo_root, config, work, '--resume', '--cfg-options',
                       'train_cfg.max_epochs=3')
        one_line_error(result, 'FileNotFoundError', expected)
    ckpt = osp.join(work, 'epoch_2.pth')
    raw = open(ckpt, 'rb').read()
    with open(ckpt, 'wb') as f:
        f.write(raw[:len(raw) // 2])
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(ckpt)
    result = train(repo_root, config, work, '--resume', '--cfg-options',
                   'train_cfg.max_epochs=3')
    one_line_error(result, 'CorruptCheckpointError', 'epoch_2.pth is not a whole')
    assert safe_torch_load(osp.join(work, 'epoch_1.pth'))['meta']['epoch'] == 1


@pytest.mark.parametrize('fault', ['removed', 'truncated'])
def test_data_that_changes_after_the_preflight_is_one_line(repo_root, config,
                                                           fmnist_root, tmp_path,
                                                           fault):
    data = str(tmp_path / 'data')
    shutil.copytree(fmnist_root, data)
    images = next(osp.join(data, f) for f in os.listdir(data)
                  if f.startswith('train-images'))
    work = str(tmp_path / 'work')
    options = ['--cfg-options', f'train_dataloader.dataset.dataset.data_root={data}',
               f'val_dataloader.dataset.data_root={data}',
               f'test_dataloader.dataset.data_root={data}']
    if fault == 'removed':
        result = with_fault(repo_root, 'train.py', config, '--work-dir', work, *options,
                            FAULT_REMOVE_AFTER_PREFLIGHT=images)
        one_line_error(result, 'but not train-images-idx3-ubyte')
    else:
        result = with_fault(repo_root, 'train.py', config, '--work-dir', work, *options,
                            FAULT_TRUNCATE_AFTER_PREFLIGHT=images)
        one_line_error(result, 'is truncated')
    assert not [f for f in os.listdir(work) if f.endswith('.pth')]
