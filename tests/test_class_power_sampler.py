"""ClassPowerSampler: class-aware, square-root and progressive sampling, by
hand; disjoint and covering over ranks; a function of (seed, epoch) alone."""
import numpy as np
import pytest
from helpers import LabelsOnly as Labelled
from helpers import data_options, train
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import cckd_plugin.datasets.class_power_sampler as sampler_module
from cckd_plugin.datasets import ClassPowerSampler
from tools.tool_runs import scalar_records

COUNTS = [100, 10, 1]  # Labelled()'s


@pytest.mark.parametrize('power, expected', [
    (0.0, [1 / 3] * 3),
    (0.5, [10 / (10 + 10**0.5 + 1), 10**0.5 / (10 + 10**0.5 + 1),
           1 / (10 + 10**0.5 + 1)]),
    (1.0, [100 / 111, 10 / 111, 1 / 111]),
])
def test_class_probabilities_by_hand(power, expected):
    sampler = ClassPowerSampler(Labelled(), power=power, seed=0)
    np.testing.assert_allclose(sampler.class_probabilities(0), expected)
    sampler = ClassPowerSampler(Labelled(), power=power, num_samples=60000, seed=0)
    drawn = np.bincount(Labelled().labels[list(sampler)], minlength=3) / 60000
    np.testing.assert_allclose(drawn, expected, atol=0.01)


def test_progressive_moves_from_instance_to_class_balanced():
    sampler = ClassPowerSampler(Labelled(), power=0.0, progressive=True,
                                max_epochs=5, seed=0)
    instance = np.array(COUNTS) / 111
    np.testing.assert_allclose(sampler.class_probabilities(0), instance)
    np.testing.assert_allclose(sampler.class_probabilities(2),
                               0.5 * instance + 0.5 / 3)
    np.testing.assert_allclose(sampler.class_probabilities(4), [1 / 3] * 3)


def test_within_a_class_every_image_is_equally_likely():
    sampler = ClassPowerSampler(Labelled(), power=0.0, num_samples=30000, seed=1)
    drawn = np.bincount(list(sampler), minlength=111)
    first = drawn[:100] / drawn[:100].sum()
    assert abs(first.max() - 0.01) < 0.006 and abs(first.min() - 0.01) < 0.006
    assert drawn[110] == pytest.approx(10000, rel=0.05)  # the one few-shot image


def test_an_epoch_is_a_function_of_seed_and_epoch():
    a = ClassPowerSampler(Labelled(), power=0.5, seed=3)
    b = ClassPowerSampler(Labelled(), power=0.5, seed=3)
    a.set_epoch(4)
    b.set_epoch(4)  # as a run resumed at epoch 4 sets it
    assert list(a) == list(b)
    b.set_epoch(5)
    assert list(a) != list(b)


def test_ranks_are_disjoint_and_cover_the_sequence(monkeypatch):
    world = 3
    whole = ClassPowerSampler(Labelled(), power=0.0, num_samples=100, seed=7)
    sequence = whole.epoch_indices(2)
    parts = []
    for rank in range(world):
        monkeypatch.setattr(sampler_module, 'get_dist_info', lambda r=rank: (r, world))
        part = ClassPowerSampler(Labelled(), power=0.0, num_samples=100, seed=7)
        part.set_epoch(2)
        parts.append(list(part))
        assert len(part) == 34
    merged = [parts[p % world][p // world] for p in range(world * 34)]
    assert merged[:100] == sequence.tolist()  # position by position
    assert merged[100:] == sequence[:2].tolist()  # padding, as DefaultSampler's


def test_bad_settings_are_one_line():
    with pytest.raises(ValueError, match=r'power must be in \[0, 1\], got 2'):
        ClassPowerSampler(Labelled(), power=2)
    with pytest.raises(ValueError, match='progressive=True needs max_epochs'):
        ClassPowerSampler(Labelled(), progressive=True)
    with pytest.raises(ValueError, match='list gives no labels'):
        ClassPowerSampler([], power=0.0)
    with pytest.raises(ValueError, match='shuffle=False has no meaning'):
        ClassPowerSampler(Labelled(), shuffle=False)


def test_mmengine_builds_it_from_a_dataloader_config():
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(
            dict(dataset=Labelled(), batch_size=10, num_workers=0,
                 sampler=dict(type='ClassPowerSampler', power=0.0)), seed=5)
    assert isinstance(loader.sampler, ClassPowerSampler) and loader.sampler.seed == 5
    labels = np.concatenate([np.asarray(b) for b in loader])
    assert len(labels) == 111 and np.bincount(labels).min() > 20  # balanced-ish


@pytest.mark.e2e
@pytest.mark.parametrize('config', [
    'configs/baselines/la_resnet8_fashion-mnist-lt.py',
    'configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py'])
def test_a_baseline_and_the_distiller_train_with_it(config, repo_root, fmnist_root,
                                                    small_teacher_ckpt, tmp_path):
    options = data_options(fmnist_root)
    if 'distill' in config:
        options = [o.replace('train_dataloader.dataset.',
                             'train_dataloader.dataset.dataset.') for o in options]
        options += [f'model.teacher_ckpt={small_teacher_ckpt}',
                    'model.weak_teacher=warn',  # a random teacher, on purpose
                    'model.teacher.backbone.stem_stride=2',
                    'model.teacher.backbone.depth=8']
    done = train(repo_root, config, str(tmp_path), '--cfg-options', *options,
                 'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
                 'train_dataloader.sampler.type=ClassPowerSampler',
                 'train_dataloader.sampler.power=0.0')
    assert done.returncode == 0, done.stderr[-3000:]
    assert any('shot/all' in r for r in scalar_records(str(tmp_path)))


def test_a_progressive_sampler_takes_the_runs_epochs():
    """tools/train.py gives a progressive sampler train_cfg.max_epochs (so
    --cfg-options train_cfg.max_epochs=N moves its end too) and refuses another
    value; other samplers are left alone."""
    from mmengine.config import Config

    from cckd_plugin.engine import prepare_cfg

    def cfg(**sampler):
        return Config(dict(train_cfg=dict(max_epochs=7), train_dataloader=dict(
            sampler=dict(type='ClassPowerSampler', **sampler))))

    assert prepare_cfg(cfg(progressive=True)).train_dataloader.sampler.max_epochs == 7
    assert 'max_epochs' not in prepare_cfg(cfg(power=0.5)).train_dataloader.sampler
    assert prepare_cfg(cfg(progressive=True, max_epochs=7))  # agrees
    with pytest.raises(ValueError, match=r'train_dataloader.sampler.max_epochs=30 but '
                       r'train_cfg.max_epochs=7: progressive sampling reaches its '
                       r'target at the last epoch of the run'):
        prepare_cfg(cfg(progressive=True, max_epochs=30))
