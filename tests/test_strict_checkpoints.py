"""Every checkpoint the plugin loads must fit the model its config builds:
``tools/test.py``, ``load_from``, ``--resume`` (also its config),
``tools/model_converters/export_student.py`` and a distiller's teacher. A
mismatch is one error line naming the keys and what the checkpoint was trained
with."""
import copy
import os.path as osp

import pytest
import torch
from helpers import EXPORT, data_options, run_tool, small_acckd_config, tiny_backbone
from mmengine.config import Config, DictAction
from mmpretrain.registry import MODELS

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.engine import (CheckpointMismatchError, build_runner, merge_options,
                                prepare_cfg)

# trains small runs: `make test-fast` leaves it out
pytestmark = pytest.mark.e2e

LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'


def options(fmnist_root, *extra) -> dict:
    """``--cfg-options`` as the tools parse them."""
    parsed = {}
    action = DictAction(option_strings=[], dest='o')
    for item in data_options(fmnist_root) + list(extra):
        namespace = type('N', (), {})()
        action(None, namespace, [item])
        parsed.update(namespace.o)
    return parsed


def la_cfg(repo_root, fmnist_root, work_dir, *extra) -> Config:
    cfg = Config.fromfile(osp.join(repo_root, LA))
    cfg = merge_options(cfg, options(fmnist_root, 'train_cfg.max_epochs=1',
                                     'default_hooks.checkpoint.interval=1', *extra))
    cfg.work_dir = str(work_dir)
    return prepare_cfg(cfg)


def evaluate(cfg: Config, checkpoint: str) -> dict:
    """What tools/test.py does with CONFIG CHECKPOINT."""
    cfg = copy.deepcopy(cfg)
    cfg.load_from = checkpoint
    if cfg.model.get('type') == 'ClassConditionalDistiller':
        cfg.model.student_only = True
    return build_runner(cfg).test()


@pytest.fixture(scope='module')
def la_run(repo_root, fmnist_root, tmp_path_factory):
    """A one-epoch LA ResNet-8 run (its checkpoint carries its config)."""
    work = tmp_path_factory.mktemp('la')
    cfg = la_cfg(repo_root, fmnist_root, work / 'run')
    cfg.experiment_name = 'la'
    build_runner(cfg).train()
    return dict(ckpt=str(work / 'run' / 'epoch_1.pth'), tmp=work)


@pytest.fixture(scope='module')
def acckd_run(repo_root, fmnist_root, small_teacher_ckpt, tmp_path_factory):
    """A one-epoch small ACCKD run."""
    tmp = tmp_path_factory.mktemp('acckd')
    config = small_acckd_config(tmp, repo_root, fmnist_root, small_teacher_ckpt,
                                epochs=1)
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp / 'run')
    cfg.experiment_name = 'acckd'
    build_runner(prepare_cfg(cfg)).train()
    return dict(config=config, ckpt=str(tmp / 'run' / 'epoch_1.pth'), tmp=tmp)


def edited(path: str, out, edit) -> str:
    ckpt = torch.load(path, weights_only=False)
    edit(ckpt)
    torch.save(ckpt, out)
    return str(out)


def test_a_checkpoint_that_fits_gives_the_trained_numbers(la_run, repo_root,
                                                          fmnist_root):
    metrics = evaluate(la_cfg(repo_root, fmnist_root, la_run['tmp'] / 't0'),
                       la_run['ckpt'])
    assert 0.0 <= metrics['shot/all'] <= 100.0


def test_a_missing_weight_is_one_line_from_the_test_tool(la_run, repo_root,
                                                         fmnist_root, tmp_path):
    bad = edited(la_run['ckpt'], tmp_path / 'no_bias.pth',
                 lambda c: c['state_dict'].pop('head.fc.bias'))
    result = run_tool(repo_root, 'test.py', LA, bad, '--work-dir', str(tmp_path / 'w'),
                      '--cfg-options', *data_options(fmnist_root))
    assert result.returncode == 1
    assert 'shot/all: ' not in result.stdout + result.stderr  # no metric printed
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('CheckpointMismatchError: checkpoint ') and \
        '1 missing (head.fc.bias)' in last, last


def test_another_backbone_depth_is_named(la_run, repo_root, fmnist_root):
    cfg = la_cfg(repo_root, fmnist_root, la_run['tmp'] / 't1',
                 'model.backbone.depth=20')
    with pytest.raises(CheckpointMismatchError) as err:
        evaluate(cfg, la_run['ckpt'])
    message = str(err.value)
    assert 'missing (student' not in message and 'missing (backbone.' in message
    assert 'trained with model.backbone.depth=8 (this config: 20)' in message
    assert '\n' not in message


def test_a_classifier_checkpoint_under_a_distiller_is_refused(la_run, acckd_run):
    cfg = prepare_cfg(Config.fromfile(acckd_run['config']))
    cfg.work_dir = str(acckd_run['tmp'] / 't2')
    with pytest.raises(CheckpointMismatchError) as err:
        evaluate(cfg, la_run['ckpt'])
    assert "44 unexpected (backbone.stem.0.weight" in str(err.value)
    assert "trained with model.type='ImageClassifier' (this config: " \
        "'ClassConditionalDistiller')" in str(err.value)


def test_a_student_of_another_align_layout_is_refused(acckd_run):
    """The ACCKD student of 64-d features has no align layer at equal sizes;
    ``distill.always_align`` adds one: its checkpoints do not fit each other."""
    cfg = prepare_cfg(Config.fromfile(acckd_run['config']))
    cfg.merge_from_dict({'model.distill.always_align': True})
    cfg.work_dir = str(acckd_run['tmp'] / 't3')
    with pytest.raises(CheckpointMismatchError) as err:
        evaluate(cfg, acckd_run['ckpt'])
    assert 'missing (student.neck.' in str(err.value)
    assert 'model.distill.always_align=False (this config: True)' in str(err.value)
    cfg.merge_from_dict({'model.distill.always_align': False})
    assert 'shot/all' in evaluate(cfg, acckd_run['ckpt'])  # the teacher is not read


def test_a_tuner_checkpoint_under_another_tuner_is_refused(la_run, repo_root,
                                                           fmnist_root, tmp_path):
    model = dict(type='ImageClassifier',
                 backbone=tiny_backbone(peft=dict(type='AdaptFormer', bottleneck=2)),
                 head=dict(type='CosineClsHead', num_classes=10, in_channels=64))
    trained = MODELS.build(copy.deepcopy(model))
    path = str(tmp_path / 'adaptformer.pth')
    torch.save({'state_dict': trained.state_dict(),
                'meta': dict(cfg=Config(dict(model=model)).pretty_text)}, path)
    cfg = la_cfg(repo_root, fmnist_root, tmp_path / 'w')
    cfg.model = dict(model, backbone=dict(model['backbone'],
                                          peft=dict(type='LoRA', bottleneck=2)))
    with pytest.raises(CheckpointMismatchError) as err:
        evaluate(cfg, path)
    assert "model.backbone.peft.type='AdaptFormer' (this config: 'LoRA')" in \
        str(err.value)
    cfg.model = model  # its own config: loads (the data is 1-channel, so no forward)
    runner = build_runner(cfg)
    runner.load_checkpoint(path)
    assert torch.equal(runner.model.state_dict()['backbone.tuner.adapters.0.up.weight'],
                       trained.state_dict()['backbone.tuner.adapters.0.up.weight'])


def test_resume_refuses_a_changed_config_but_not_a_longer_run(la_run, repo_root,
                                                              fmnist_root, tmp_path):
    import shutil
    work = tmp_path / 'resume'
    shutil.copytree(osp.dirname(la_run['ckpt']), work)
    cfg = la_cfg(repo_root, fmnist_root, work, 'optim_wrapper.optimizer.lr=0.5',
                 'train_cfg.max_epochs=2')
    cfg.resume = True
    with pytest.raises(CheckpointMismatchError) as err:
        build_runner(cfg).train()
    assert 'refusing to resume from' in str(err.value)
    assert 'optim_wrapper.optimizer.lr: 0.05 -> 0.5' in str(err.value)
    assert not osp.exists(work / 'epoch_2.pth')
    cfg = la_cfg(repo_root, fmnist_root, work, 'train_cfg.max_epochs=2')
    cfg.resume = True
    build_runner(cfg).train()
    assert safe_torch_load(str(work / 'epoch_2.pth'))['meta']['epoch'] == 2


def test_load_from_skip_reinitialises_the_named_part_only_when_training(
        la_run, repo_root, fmnist_root, tmp_path):
    no_head = edited(la_run['ckpt'], tmp_path / 'no_head.pth',
                     lambda c: [c['state_dict'].pop(k) for k in list(c['state_dict'])
                                if k.startswith('head.')])
    cfg = la_cfg(repo_root, fmnist_root, tmp_path / 'strict', f'load_from={no_head}')
    with pytest.raises(CheckpointMismatchError, match=r'2 missing \(head.fc.weight'):
        build_runner(cfg).train()
    cfg = la_cfg(repo_root, fmnist_root, tmp_path / 'skip', f'load_from={no_head}',
                 'train_cfg.max_epochs=0')
    cfg.load_from_skip = ['head.']
    runner = build_runner(cfg)
    runner.train()
    saved = safe_torch_load(la_run['ckpt'])['state_dict']
    own = runner.model.state_dict()
    assert torch.equal(own['backbone.stem.0.weight'], saved['backbone.stem.0.weight'])
    assert not torch.equal(own['head.fc.weight'], saved['head.fc.weight'])
    with pytest.raises(CheckpointMismatchError):  # testing loads every weight
        evaluate(cfg, no_head)


def test_export_refuses_a_student_of_another_config(acckd_run, repo_root, tmp_path):
    config = tmp_path / 'always_align.py'
    config.write_text(f'_base_ = [{acckd_run["config"]!r}]\n'
                      f'model = dict(distill=dict(always_align=True))\n')
    out = tmp_path / 'student.pth'
    result = run_tool(repo_root, EXPORT, str(config), acckd_run['ckpt'],
                      str(out))
    assert result.returncode == 1
    assert 'CheckpointMismatchError' in result.stderr
    assert 'model.distill.always_align=False (this config: True)' in result.stderr
    assert not out.exists() and not (tmp_path / 'student.py').exists()
    result = run_tool(repo_root, EXPORT, acckd_run['config'],
                      acckd_run['ckpt'], str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    meta = safe_torch_load(str(out))['meta']
    exported = Config.fromstring(meta['cfg'], '.py')
    assert exported.model.type == 'ImageClassifier'


def test_a_teacher_checkpoint_without_its_head_is_refused(acckd_run, small_teacher_ckpt,
                                                          tmp_path):
    no_head = edited(small_teacher_ckpt, tmp_path / 'teacher_no_head.pth',
                     lambda c: c['state_dict'].pop('head.fc.bias'))
    cfg = prepare_cfg(Config.fromfile(acckd_run['config']))
    with pytest.raises(ValueError) as err:
        MODELS.build(dict(cfg.model, teacher_ckpt=no_head))
    assert f'model.teacher_ckpt {no_head} does not fit model.teacher: 1 weights ' \
           f'missing (e.g. head.fc.bias)' in str(err.value)


def test_a_teacher_file_and_its_checkpoint_key_are_named_apart(acckd_run, tmp_path):
    """The error names ``model.teacher_ckpt`` and the teacher's file separately
    (it read ``model.teacher (/path/x.py)_ckpt`` before)."""
    teacher = dict(type='ImageClassifier',
                   backbone=dict(type='CifarResNet', depth=8, in_channels=1,
                                 stem_stride=2),
                   neck=dict(type='GlobalAveragePooling'),
                   head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
    config = tmp_path / 'teacher.py'
    config.write_text(f'model = {teacher!r}\n')
    other = dict(teacher, backbone=dict(teacher['backbone'], depth=14))
    ckpt = str(tmp_path / 'resnet14.pth')
    torch.save({'state_dict': MODELS.build(copy.deepcopy(other)).state_dict(),
                'meta': dict(cfg=Config(dict(model=other)).pretty_text)}, ckpt)
    cfg = prepare_cfg(Config.fromfile(acckd_run['config']))
    with pytest.raises(ValueError) as err:
        MODELS.build(dict(cfg.model, teacher=str(config), teacher_ckpt=ckpt))
    assert str(err.value).startswith(
        f'model.teacher_ckpt {ckpt} was trained with backbone.depth=14, but '
        f'model.teacher ({config}) builds backbone.depth=8')
