import os
import os.path as osp

import numpy as np
import pytest
from helpers import write_cifar, write_list_dataset
from mmpretrain.registry import DATASETS

from cckd_plugin.datasets import get_class_counts, long_tail_counts


@pytest.fixture(scope='module')
def cifar100_root(tmp_path_factory):
    return write_cifar(str(tmp_path_factory.mktemp('c100')), 100, 12, 3)


@pytest.fixture(scope='module')
def cifar10_root(tmp_path_factory):
    return write_cifar(str(tmp_path_factory.mktemp('c10')), 10, 60, 5)


def test_cifar100_lt_train_counts_and_untouched_test(cifar100_root):
    cfg = dict(type='CIFAR100LT', data_root=cifar100_root, imbalance_ratio=12, n_max=12,
               verify_md5=False, download=False, pipeline=[dict(type='PackInputs')])
    train = DATASETS.build(dict(cfg, split='train'))
    expected = long_tail_counts(100, 12, 12)
    assert train.class_counts == expected
    assert len(train) == sum(expected)
    assert np.bincount(train.get_gt_labels(), minlength=100).tolist() == expected
    assert train[0]['inputs'].shape == (3, 32, 32)
    test = DATASETS.build(dict(cfg, split='test'))
    assert len(test) == 300
    assert test.class_counts == expected  # the training profile, on every split


def test_cifar10_lt_seed_changes_selection_not_counts(cifar10_root):
    cfg = dict(type='CIFAR10LT', data_root=cifar10_root, imbalance_ratio=10, n_max=60,
               verify_md5=False, download=False, split='train')
    a, b = DATASETS.build(dict(cfg, seed=0)), DATASETS.build(dict(cfg, seed=1))
    assert a.class_counts == b.class_counts == long_tail_counts(10, 60, 10)
    imgs_a = np.stack([a.get_data_info(i)['img'] for i in range(len(a))])
    imgs_b = np.stack([b.get_data_info(i)['img'] for i in range(len(b))])
    assert not np.array_equal(imgs_a, imgs_b)


def test_cifar_lt_bad_input(cifar10_root):
    base = dict(type='CIFAR10LT', data_root=cifar10_root, verify_md5=False,
                download=False)
    with pytest.raises(ValueError, match='imbalance_ratio must be >= 1'):
        DATASETS.build(dict(base, imbalance_ratio=0.5))
    with pytest.raises(ValueError, match='n_max=6000 exceeds'):
        DATASETS.build(dict(base, n_max=6000))
    with pytest.raises(ValueError, match='n_max=100 asks for 100 images of class 0'):
        DATASETS.build(dict(base, n_max=100))


def test_fashion_mnist_lt_splits(fmnist_root):
    cfg = dict(type='FashionMNISTLT', data_root=fmnist_root, imbalance_ratio=10,
               n_max=50, seed=0, val_per_class=5, download=False,
               pipeline=[dict(type='PackInputs')])
    splits = {
        s: DATASETS.build(dict(cfg, split=s))
        for s in ('train', 'val', 'pool', 'test')
    }
    expected = long_tail_counts(10, 50, 10)
    assert splits['train'].class_counts == expected
    assert np.bincount(splits['val'].get_gt_labels()).tolist() == [5] * 10
    # the pool keeps every class equal: 120 - 50 (class 0 in train) - 5 (val)
    assert np.bincount(splits['pool'].get_gt_labels()).tolist() == [65] * 10
    assert len(splits['test']) == 100
    for split in ('val', 'test'):  # evaluation splits report the training profile
        assert splits[split].class_counts == expected
    assert splits['pool'].class_counts == [65] * 10  # a training split of its own

    def images(ds):
        return {ds.get_data_info(i)['img'].tobytes() for i in range(len(ds))}

    train, val, pool = (images(splits[s]) for s in ('train', 'val', 'pool'))
    assert not train & val and not train & pool and not val & pool
    sample = splits['train'][0]
    assert sample['inputs'].shape == (1, 28, 28)


def test_fashion_mnist_lt_bad_input(tmp_path, fmnist_root, monkeypatch):
    from cckd_plugin.datasets import fashion_mnist_lt
    monkeypatch.setattr(fashion_mnist_lt, 'DEBIAN_DIR', str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match='dataset-fashion-mnist'):
        DATASETS.build(dict(type='FashionMNISTLT', data_root=str(tmp_path / 'empty'),
                            download=False))
    with pytest.raises(ValueError, match='n_max=500 asks for 500 images of class 0'):
        DATASETS.build(
            dict(type='FashionMNISTLT', data_root=fmnist_root, download=False))
    with pytest.raises(ValueError, match='imbalance_ratio must be >= 1'):
        DATASETS.build(dict(type='FashionMNISTLT', data_root=fmnist_root,
                            imbalance_ratio=0, download=False))
    with pytest.raises(ValueError, match='split must be one of'):
        DATASETS.build(dict(type='FashionMNISTLT', data_root=fmnist_root, split='dev'))


@pytest.fixture(scope='module')
def imagenet_lt_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('imagenet_lt'))
    write_list_dataset(root, 'ImageNet_LT_train.txt', [0] * 6 + [1] * 3 + [2])
    write_list_dataset(root, 'ImageNet_LT_test.txt', [0, 1, 2, 3] * 2)
    return root


def test_list_file_dataset_reads_split_files(imagenet_lt_root):
    train = DATASETS.build(dict(type='ImageNetLT', data_root=imagenet_lt_root,
                                ann_file='ImageNet_LT_train.txt'))
    assert len(train) == 10
    assert train.class_counts[:4] == [6, 3, 1, 0] and len(train.class_counts) == 1000
    assert train.metainfo['classes'][0].startswith('tench')
    test = DATASETS.build(dict(type='ImageNetLT', data_root=imagenet_lt_root,
                               ann_file='ImageNet_LT_test.txt',
                               train_ann_file='ImageNet_LT_train.txt'))
    assert test.class_counts == train.class_counts
    info = test.get_data_info(0)
    assert osp.isfile(info['img_path']) and info['gt_label'] == 0


def test_list_file_dataset_class_names(tmp_path):
    root = str(tmp_path)
    write_list_dataset(root, 'Places_LT_train.txt', [0, 1, 364])
    names = tmp_path / 'names.txt'
    names.write_text('\n'.join(f'scene {i}' for i in range(365)))
    ds = DATASETS.build(
        dict(
            type='PlacesLT',
            data_root=root,
            ann_file='Places_LT_train.txt',
            classnames_file=str(names)))
    assert ds.metainfo['classes'][364] == 'scene 364'
    names.write_text('a\nb\n')
    with pytest.raises(ValueError, match='lists 2 names, expected 365'):
        DATASETS.build(dict(type='PlacesLT', data_root=root,
                            ann_file='Places_LT_train.txt', classnames_file=str(names)))


def test_list_file_bad_input(tmp_path):
    root = str(tmp_path)
    write_list_dataset(root, 'train.txt', [0, 1, 2])
    with open(tmp_path / 'train.txt', 'a') as f:
        f.write('images/missing.png 1\n')
    with pytest.raises(
            FileNotFoundError, match='train.txt: image of entry 4 not found'):
        DATASETS.build(
            dict(type='INaturalist2018', data_root=root, ann_file='train.txt'))
    (tmp_path /
     'bad.txt').write_text('images/train_0000.png 0\nimages/train_0001.png\n')
    with pytest.raises(ValueError, match=r'bad.txt:2: expected "relative/path label"'):
        DATASETS.build(dict(type='INaturalist2018', data_root=root, ann_file='bad.txt'))
    (tmp_path / 'range.txt').write_text('images/train_0000.png 8142\n')
    with pytest.raises(
            ValueError, match=r'range.txt:1: label 8142 is outside \[0, 8142\)'):
        DATASETS.build(
            dict(type='INaturalist2018', data_root=root, ann_file='range.txt'))
    with pytest.raises(FileNotFoundError, match='split file not found'):
        DATASETS.build(
            dict(type='INaturalist2018', data_root=root, ann_file='none.txt'))


def test_long_tail_wrapper_on_any_dataset(tmp_path):
    root = str(tmp_path)
    labels = np.repeat(np.arange(4), 16)
    write_list_dataset(root, 'all.txt', labels)
    os.makedirs(tmp_path / 'meta', exist_ok=True)
    wrapped = DATASETS.build(
        dict(
            type='LongTailDataset',
            imbalance_ratio=8,
            n_max=16,
            seed=1,
            dataset=dict(
                type='CustomDataset',
                data_root=root,
                ann_file='all.txt',
                with_label=True,
                classes=['a', 'b', 'c', 'd'],
                pipeline=[dict(type='LoadImageFromFile'),
                          dict(type='PackInputs')])))
    assert wrapped.class_counts == [16, 8, 4, 2]
    assert get_class_counts(wrapped) == [16, 8, 4, 2]
    assert len(wrapped) == 30
    assert np.bincount(wrapped.get_gt_labels()).tolist() == [16, 8, 4, 2]
    assert int(wrapped[len(wrapped) - 1]['data_samples'].gt_label) == \
        wrapped.get_cat_ids(len(wrapped) - 1)[0]
    with pytest.raises(ValueError, match='LongTailDataset: n_max=20 asks for 20'):
        DATASETS.build(dict(type='LongTailDataset', n_max=20,
                            dataset=dict(type='CustomDataset', data_root=root,
                                         ann_file='all.txt', with_label=True,
                                         classes=['a', 'b', 'c', 'd'])))


def test_get_class_counts_of_plain_and_wrapped_datasets(fmnist_root):
    ds = DATASETS.build(dict(type='FashionMNISTLT', data_root=fmnist_root, n_max=40,
                             imbalance_ratio=8, download=False))
    assert get_class_counts(ds) == long_tail_counts(10, 40, 8)
    # mmengine's wrappers repeat images; the counts stay the images held
    repeated = DATASETS.build(dict(type='RepeatDataset', times=2, dataset=ds))
    assert get_class_counts(repeated) == long_tail_counts(10, 40, 8)


def test_cifar_lt_keeps_ldam_drw_images(cifar100_root):
    """ldam_subset (the CIFAR-LT default): the images Cao et al.'s IMBALANCECIFAR100
    keeps for rand_number = seed: np.random.seed(seed), then per class
    np.random.shuffle(np.where(targets == c)[0])[:n_c]."""
    cfg = dict(type='CIFAR100LT', data_root=cifar100_root, imbalance_ratio=12, n_max=12,
               verify_md5=False, download=False, split='train', seed=0)
    train = DATASETS.build(cfg)
    everything = DATASETS.build(dict(cfg,
                                     imbalance_ratio=1))  # all 12 per class, in order
    targets = np.asarray(everything.get_gt_labels())
    np.random.seed(0)  # LDAM-DRW's gen_imbalanced_data, line by line
    expected = []
    for the_class, the_img_num in zip(
            np.unique(targets), long_tail_counts(100, 12, 12)):
        idx = np.where(targets == the_class)[0]
        np.random.shuffle(idx)
        expected.extend(idx[:the_img_num].tolist())
    kept = [everything.get_data_info(i)['img'] for i in sorted(expected)]
    got = [train.get_data_info(i)['img'] for i in range(len(train))]
    assert len(got) == len(kept) and all(
        np.array_equal(a, b) for a, b in zip(got, kept))
    other = DATASETS.build(dict(cfg, ldam_subset=False))
    assert not all(np.array_equal(other.get_data_info(i)['img'], got[i])
                   for i in range(len(got)))


def test_cifar_copy_with_other_md5_is_one_line_naming_verify_md5(
        cifar10_root, monkeypatch):
    """A copy whose files are not the official ones (a re-encoding) stops at once
    with one line naming verify_md5, instead of MMPretrain's attempt to download
    CIFAR again (offline: a traceback that says nothing of md5 sums)."""
    import mmpretrain.datasets.cifar as cifar

    def no_download(*args, **kwargs):
        raise AssertionError('tried to download')

    monkeypatch.setattr(cifar, 'download_and_extract_archive', no_download)
    cfg = dict(type='CIFAR10LT', data_root=cifar10_root, n_max=60, imbalance_ratio=10)
    with pytest.raises(ValueError) as error:
        DATASETS.build(cfg)
    message = str(error.value)
    assert '\n' not in message and 'data_batch_1 is not the official file' in message
    assert "set the dataset's verify_md5=False" in message
    assert len(DATASETS.build(dict(cfg, verify_md5=False))) == sum(
        long_tail_counts(10, 60, 10))


@pytest.mark.parametrize('ratio,n_max', [(10, 50), (100, 50), (1, 50), (10, 20)])
def test_cifar_val_split_is_balanced_and_disjoint_from_train(cifar10_root, ratio,
                                                             n_max):
    """``val`` is the end of each class's shuffle, which ``train`` never reaches:
    disjoint from train whatever the ratio and n_max of each (same seed)."""
    base = dict(type='CIFAR10LT', data_root=cifar10_root, verify_md5=False,
                download=False, val_per_class=10, seed=3)
    train = DATASETS.build(dict(base, imbalance_ratio=ratio, n_max=n_max))
    val = DATASETS.build(dict(base, split='val', imbalance_ratio=100, n_max=5))
    assert np.bincount(val.get_gt_labels()).tolist() == [10] * 10
    assert val.class_counts == long_tail_counts(10, 5, 100)  # its own profile's
    assert train.class_counts == long_tail_counts(10, n_max, ratio)

    def images(ds):
        return {ds.get_data_info(i)['img'].tobytes() for i in range(len(ds))}

    assert not images(train) & images(val)
    other_ratio = DATASETS.build(dict(base, split='val', imbalance_ratio=ratio,
                                      n_max=n_max))
    assert images(other_ratio) == images(val)  # val does not move with the profile
    test = DATASETS.build(dict(base, split='test'))
    assert len(test) == 50 and not images(test) & images(val)


def test_cifar_val_split_bad_input(cifar10_root):
    base = dict(type='CIFAR10LT', data_root=cifar10_root, verify_md5=False,
                download=False)
    with pytest.raises(ValueError, match=r'n_max=60 leaves class 0 \(airplane\) 0 '
                       r'unused training images, fewer than val_per_class=10 for the '
                       r'val split; use n_max <= 50'):
        DATASETS.build(dict(base, n_max=60, imbalance_ratio=10, val_per_class=10))
    with pytest.raises(ValueError, match="split='val' needs val_per_class > 0"):
        DATASETS.build(dict(base, split='val', n_max=50))
    with pytest.raises(ValueError, match='split must be one of'):
        DATASETS.build(dict(base, split='pool', n_max=50))
