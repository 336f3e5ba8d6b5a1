"""The splits of one long-tailed data set share its profile: a ratio changed
on one split alone, or an ``lt_profile`` a child config sets without its
splits, is refused in one line; the README's way of changing the ratio builds
every split at the new ratio, disjoint."""
import os
import os.path as osp

import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS

from cckd_plugin.datasets.split_profiles import assigns_lt_profile, check_split_profiles

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
BASELINE = osp.join(ROOT, 'configs', 'baselines', 'la_resnet8_fashion-mnist-lt.py')
RATIO_10 = ["_base_ = ['./la_resnet8_fashion-mnist-lt.py']",
            'lt_profile = dict(imbalance_ratio=10, n_max=500, seed=0)']


@pytest.fixture
def child():
    """``child(*lines)``: the config of ``lines`` beside the baseline (its
    ``_base_``), kept while the test runs."""
    path = osp.join(osp.dirname(BASELINE), f'_split_profiles_{os.getpid()}.py')

    def write(*lines: str) -> Config:
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return Config.fromfile(path)

    yield write
    if osp.isfile(path):
        os.remove(path)


def test_a_child_lt_profile_alone_is_refused(child):
    with pytest.raises(ValueError, match=r'^_split_profiles_\d+\.py sets '
                       r'lt_profile\.imbalance_ratio=10 but '
                       r'train_dataloader\.dataset\.imbalance_ratio is 100: '):
        check_split_profiles(child(*RATIO_10))


def test_the_splits_set_with_it_run_at_the_new_ratio(child, fmnist_root):
    cfg = child(*RATIO_10, 'train_dataloader = dict(dataset=dict(**lt_profile))',
                'val_dataloader = dict(dataset=dict(**lt_profile))',
                'test_dataloader = dict(dataset=dict(**lt_profile))')
    check_split_profiles(cfg)  # nothing to refuse
    built = {}
    for loader in ('train_dataloader', 'val_dataloader'):
        assert cfg[loader].dataset.imbalance_ratio == 10
        built[loader] = DATASETS.build(dict(cfg[loader].dataset, data_root=fmnist_root,
                                            n_max=60, download=False))
    train, val = built['train_dataloader'], built['val_dataloader']
    assert max(train.class_counts) / min(train.class_counts) == 10

    def images(ds):
        return {ds.get_data_info(i)['img'].tobytes() for i in range(len(ds))}

    assert not images(train) & images(val)


def test_a_ratio_changed_on_one_split_is_refused():
    cfg = Config.fromfile(BASELINE)
    cfg.merge_from_dict({'train_dataloader.dataset.imbalance_ratio': 10})
    with pytest.raises(ValueError, match=r'^val_dataloader\.dataset\.imbalance_ratio '
                       r'is 100 but train_dataloader\.dataset\.imbalance_ratio is 10'):
        check_split_profiles(cfg)
    # the official test split does not depend on the profile
    cfg = Config.fromfile(BASELINE)
    cfg.merge_from_dict({'test_dataloader.dataset.imbalance_ratio': 10})
    check_split_profiles(cfg)


def test_only_the_config_file_itself_counts_as_setting_lt_profile(tmp_path):
    own = tmp_path / 'own.py'
    own.write_text('lt_profile = dict(imbalance_ratio=10)\n')
    inherited = tmp_path / 'inherited.py'
    inherited.write_text("_base_ = ['./own.py']\nx = 1\n")
    assert assigns_lt_profile(str(own)) and not assigns_lt_profile(str(inherited))
    assert not assigns_lt_profile(None)
