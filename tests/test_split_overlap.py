"""A list-file validation or test split that repeats training images is
refused in one line, before the runner is built; disjoint official-style
splits pass."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from cckd_plugin.datasets.split_overlap import check_split_overlap
from cckd_plugin.engine.runner import KeepConfigRunner


def write_split(path, lines):
    path.write_text(''.join(f'{image} {label}\n' for image, label in lines))
    return path.name


def list_file_config(root, train, val, test=None, wrapped=False):
    def split(ann):
        return dict(type='ImageNetLT', data_root=str(root), data_prefix='images',
                    ann_file=ann)
    train_set = split(train)
    if wrapped:
        train_set = dict(type='ClassBalancedPairDataset', dataset=train_set)
    cfg = dict(train_dataloader=dict(dataset=train_set),
               val_dataloader=dict(dataset=split(val)))
    if test:
        cfg['test_dataloader'] = dict(dataset=split(test))
    return Config(cfg)


@pytest.fixture
def splits(tmp_path):
    train = write_split(tmp_path / 'train.txt', [
        (f'train/c{c}/{i}.jpg', c) for c in range(3) for i in range(4)])
    val = write_split(tmp_path / 'val.txt',
                      [(f'train/c{c}/{i}.jpg', c) for c in range(3) for i in (4, 5)])
    test = write_split(tmp_path / 'test.txt',
                       [(f'val/c{c}/{i}.jpg', c) for c in range(3) for i in range(2)])
    # a val file that repeats two training images, one written another way
    leaky = write_split(tmp_path / 'leaky.txt', [('train/c0/0.jpg', 0),
                                                 ('train/c1/./2.jpg', 1),
                                                 ('train/c2/9.jpg', 2)])
    return tmp_path, train, val, test, leaky


def test_disjoint_splits_pass(splits):
    root, train, val, test, _ = splits
    check_split_overlap(list_file_config(root, train, val, test))
    check_split_overlap(list_file_config(root, train, test, test))  # val on test


@pytest.mark.parametrize('wrapped', [False, True])
def test_a_split_that_repeats_training_images_is_refused(splits, wrapped):
    root, train, _, test, leaky = splits
    key = 'train_dataloader.dataset' + ('.dataset' if wrapped else '')
    with pytest.raises(ValueError, match=(
            rf'^2 of the 3 images of {osp.join(root, leaky)} '
            rf'\(val_dataloader\.dataset\) are also in the training split '
            rf'{osp.join(root, train)} \({key}\), e\.g\. ')):
        check_split_overlap(list_file_config(root, train, leaky, test, wrapped))


def test_missing_split_files_are_left_to_the_preflight(splits):
    root, train, *_ = splits
    check_split_overlap(list_file_config(root, train, 'none.txt'))


def test_the_runner_checks_before_it_builds(splits, monkeypatch):
    root, train, _, test, leaky = splits
    built = []
    monkeypatch.setattr(Runner, 'from_cfg',
                        classmethod(lambda cls, cfg: built.append(cfg)))
    with pytest.raises(ValueError, match='are also in the training split'):
        KeepConfigRunner.from_cfg(list_file_config(root, train, leaky, test))
    assert not built
