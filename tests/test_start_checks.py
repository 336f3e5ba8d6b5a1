"""Checks a run makes before its first epoch, each on the smallest input that
shows it: config keys no class takes, save_best against the validation's keys,
a last batch of one under BatchNorm1d, --cfg-options paths with spaces, an
unwritable work directory, a missing CLIP weights file."""
import argparse
import os.path as osp

import pytest
import torch
import torch.nn as nn
from helpers import ROOT, error_lines, run_script
from mmengine.config import Config, DictAction
from torch.utils.data import DataLoader

from cckd_plugin.engine.config_keys import check_config_keys
from cckd_plugin.engine.last_batch_check import check_last_batch
from cckd_plugin.engine.preflight import MissingInputsError, check_inputs
from cckd_plugin.engine.tool_args import CfgOptionsAction, parse_options
from cckd_plugin.engine.work_dir_lock import WorkDirNotWritableError, lock_work_dir
from cckd_plugin.evaluation.metric_keys import check_save_best, reported_keys

LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'


# -- config keys no class takes ------------------------------------------------------
def la_config(**changes):
    cfg = Config.fromfile(osp.join(ROOT, LA))
    cfg.merge_from_dict(changes)
    return cfg


def test_a_classifier_key_misspelt_is_named_with_its_correction():
    with pytest.raises(ValueError, match=r'^model.hed is not a setting of '
                       r'ImageClassifier: did you mean model.head\? \(it takes '
                       r'backbone, neck, head, pretrained, train_cfg, '
                       r'data_preprocessor, init_cfg\)$'):
        check_config_keys(la_config(**{'model.hed': dict(type='LinearClsHead')}))


@pytest.mark.parametrize('section,key,loop,fix', [
    ('train_cfg', 'val_intervall', 'EpochBasedTrainLoop', 'train_cfg.val_interval'),
    ('val_cfg', 'fp61', 'ValLoop', 'val_cfg.fp16'),
    ('test_cfg', 'fp61', 'TestLoop', 'test_cfg.fp16')])
def test_a_loop_key_misspelt_is_named(section, key, loop, fix):
    with pytest.raises(ValueError, match=rf'^{section}.{key} is not a setting of '
                       rf'{loop}: did you mean {fix}\?'):
        check_config_keys(la_config(**{f'{section}.{key}': 1}))


def test_a_key_far_from_every_argument_gets_no_guess():
    with pytest.raises(ValueError, match=r'^model.colour is not a setting of '
                       r'ImageClassifier \(it takes backbone,'):
        check_config_keys(la_config(**{'model.colour': 'red'}))


def test_the_shipped_config_and_a_class_with_kwargs_pass():
    check_config_keys(la_config())
    # an IterBasedTrainLoop section and an untyped loop pass with their own keys
    check_config_keys(la_config(train_cfg=dict(_delete_=True, by_epoch=False,
                                               max_iters=10, val_interval=5)))


# -- save_best against what the validation reports -------------------------------------
def test_reported_keys_of_the_metrics():
    assert reported_keys(dict(type='ShotGroupAccuracy')) == {
        'shot/all', 'shot/many', 'shot/medium', 'shot/few'}
    assert 'shot/ece_few' in reported_keys(dict(type='ShotGroupAccuracy', ece_bins=15))
    assert reported_keys(dict(type='Accuracy', topk=(1, 5))) == {
        'accuracy/top1', 'accuracy/top5'}
    assert reported_keys([dict(type='Accuracy', topk=1, thrs=(None, 0.5))]) == {
        'accuracy/top1_no-thr', 'accuracy/top1_thr-0.50'}
    assert reported_keys(dict(type='SingleLabelMetric')) is None  # not known here


def test_save_best_must_be_a_reported_key():
    check_save_best(la_config())  # shot/all from ShotGroupAccuracy
    stock = la_config(val_evaluator=dict(_delete_=True, type='Accuracy', topk=(1, 5)))
    with pytest.raises(ValueError, match=r"^default_hooks.checkpoint.save_best="
                       r"'shot/all' but val_evaluator \(Accuracy\) reports "
                       r"\['accuracy/top1', 'accuracy/top5'\]"):
        check_save_best(stock)
    stock.default_hooks.checkpoint.save_best = 'accuracy/top1'
    check_save_best(stock)
    stock.val_cfg = None  # no validation: nothing is saved as best
    stock.default_hooks.checkpoint.save_best = 'shot/all'
    check_save_best(stock)


# -- a last batch of one under BatchNorm1d ---------------------------------------------
def neck_model():
    return nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))


@pytest.mark.parametrize('samples,drop_last,train,refused', [
    (17, False, True, True),
    (17, True, True, False),
    (18, False, True, False),
    (16, False, True, False),
    (17, False, False, False)])  # a frozen (eval-mode) BatchNorm takes one sample
def test_last_batch_of_one(samples, drop_last, train, refused):
    loader = DataLoader(torch.zeros(samples, 4), batch_size=16, drop_last=drop_last)
    model = neck_model().train(train)
    if not refused:
        check_last_batch(loader, model)
        return
    with pytest.raises(ValueError, match=r'^train_dataloader: 17 samples per epoch '
                       r'\(per process\) in batches of 16 leave a last batch of 1, on '
                       r'which the BatchNorm model.1 cannot train: set '
                       r'train_dataloader.drop_last=True'):
        check_last_batch(loader, model)
    with pytest.raises(ValueError, match='Expected more than 1 value per channel'):
        for batch in loader:  # what the check saves the run from
            model(batch)


# -- --cfg-options ---------------------------------------------------------------------
def test_cfg_options_keep_a_path_with_spaces_and_parse_the_rest_as_mmengine():
    pairs = ['load_from=/my runs/epoch 1.pth', 'a=1,2', 'b=[x, y]', 'c=(1, 2)',
             'd=None', 'e=0.5', 'f=True', 'g="/quoted dir/x.pth"']
    options = parse_options(pairs)
    assert options['load_from'] == '/my runs/epoch 1.pth'
    assert options['g'] == '/quoted dir/x.pth'
    parser = argparse.ArgumentParser()
    parser.add_argument('--o', nargs='+', action=DictAction)
    stock = vars(parser.parse_args(['--o', *pairs]))['o']
    assert stock['load_from'] == '/myruns/epoch1.pth'  # what mmengine makes of it
    assert {k: v for k, v in options.items() if k not in ('load_from', 'g')} == \
        {k: v for k, v in stock.items() if k not in ('load_from', 'g')}
    ours = argparse.ArgumentParser()
    ours.add_argument('--o', nargs='+', action=CfgOptionsAction)
    assert vars(ours.parse_args(['--o', *pairs]))['o'] == options


@pytest.mark.e2e
def test_train_names_the_path_with_spaces_as_given(tmp_path):
    missing = tmp_path / 'my runs' / 'teacher.pth'
    result = run_script(
        'tools/train.py', osp.join(ROOT, 'configs/distill/fashion_mnist_lt/'
                                         'kd_resnet8_offline-ft_fashion-mnist-lt.py'),
        '--work-dir', str(tmp_path / 'work'), '--cfg-options',
        f'model.teacher_ckpt={missing}')
    assert result.returncode == 1
    assert f'the teacher checkpoint {missing} (model.teacher_ckpt' in \
        error_lines(result)[-1]


# -- the work directory ----------------------------------------------------------------
def test_an_unwritable_work_dir_is_named(tmp_path, monkeypatch):
    a_file = tmp_path / 'results.txt'
    a_file.write_text('kept')
    with pytest.raises(WorkDirNotWritableError,
                       match=rf'^work_dir {a_file}/run cannot be written \(Not a '
                       rf'directory: {a_file}/run\): give --work-dir a folder this '
                       rf'user can write to$'):
        lock_work_dir(str(a_file / 'run'))
    assert a_file.read_text() == 'kept'

    def denied(path, *args, **kwargs):  # what a read-only folder gives a user
        raise PermissionError(13, 'Permission denied', path)
    monkeypatch.setattr('os.makedirs', denied)
    with pytest.raises(WorkDirNotWritableError, match=r'\(Permission denied: '):
        lock_work_dir(str(tmp_path / 'readonly' / 'run'))


@pytest.mark.e2e
def test_train_refuses_an_unwritable_work_dir_in_one_line(tmp_path):
    a_file = tmp_path / 'results.txt'
    a_file.write_text('kept')
    result = run_script('tools/train.py', osp.join(ROOT, LA),
                        '--work-dir', str(a_file / 'run'))
    assert result.returncode == 1
    lines = error_lines(result)
    assert len(lines) == 1 and lines[0].startswith(
        f'WorkDirNotWritableError: work_dir {a_file}/run cannot be written (Not a '
        f'directory: {a_file}/run): give --work-dir a folder this user can write to')


# -- CLIP weights given as a file ----------------------------------------------------
def test_a_missing_clip_weights_file_is_named_once(tmp_path):
    missing = str(tmp_path / 'ViT-B-16.bin')
    cfg = Config(dict(model=dict(
        type='ImageClassifier',
        backbone=dict(type='CLIPVisionBackbone', model_name='ViT-B-16',
                      pretrained=missing, out_type='projected'),
        head=dict(type='ZeroShotClsHead', num_classes=10, in_channels=512))))
    with pytest.raises(MissingInputsError) as err:
        check_inputs(cfg, 'test')
    assert str(err.value) == (f'cannot start, missing: the CLIP weights file '
                              f'{missing} of ViT-B-16 (model.backbone.pretrained)')
