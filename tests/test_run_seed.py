"""``randomness.seed`` drives every draw of a run that the config leaves unset:
the class-balanced partners and ACCKD's mixing follow it; a seed set on purpose
and the long-tailed profile's own seed stay. The runner applies it, so the
plugin's tools and MMPretrain's own ``tools/train.py`` both get it."""
import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.registry import DATASETS

from cckd_plugin.engine import merge_options
from cckd_plugin.engine.run_seed import follow_run_seed
from cckd_plugin.engine.runner import KeepConfigRunner

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
ACCKD = 'configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py'


def merged(options):
    return merge_options(Config.fromfile(osp.join(ROOT, ACCKD)), options)


def followed(options):
    cfg = merged(options)
    follow_run_seed(cfg)
    return cfg


def test_the_run_seed_drives_partners_and_mixing():
    cfg = followed({'randomness.seed': 3})
    assert cfg.model.seed == 3
    assert cfg.train_dataloader.dataset.type == 'ClassBalancedPairDataset'
    assert cfg.train_dataloader.dataset.seed == 3
    # which images form the long-tailed split is the data set's, not the run's
    assert cfg.train_dataloader.dataset.dataset.seed == 0
    default = followed({})
    assert default.model.seed == 0 and default.train_dataloader.dataset.seed == 0


def test_a_seed_set_on_purpose_stays():
    cfg = followed({'randomness.seed': 3, 'model.seed': 7,
                    'train_dataloader.dataset.seed': 5})
    assert (cfg.model.seed, cfg.train_dataloader.dataset.seed) == (7, 5)


def test_a_run_without_a_fixed_seed_leaves_the_defaults():
    cfg = followed({'randomness.seed': None})
    assert cfg.model.get('seed') is None
    assert cfg.train_dataloader.dataset.get('seed') is None


def test_the_runner_follows_the_run_seed(monkeypatch):
    """MMPretrain's tools build the runner from the registry, without the
    plugin's config preparation: the runner itself applies the seeds."""
    seen = {}
    monkeypatch.setattr(Runner, 'from_cfg',
                        classmethod(lambda cls, cfg: seen.setdefault('cfg', cfg)))
    cfg = merged({'randomness.seed': 4})
    KeepConfigRunner.from_cfg(cfg)
    assert seen['cfg'].model.seed == 4
    assert seen['cfg'].train_dataloader.dataset.seed == 4
    assert cfg.model.get('seed') is None  # the caller's config is left as it was


def test_two_run_seeds_give_other_partners(fmnist_root):
    """What the seed changes: the partner draws of the pair data set."""
    partners = []
    for seed in (0, 1):
        inner = 'train_dataloader.dataset.dataset'
        cfg = followed({'randomness.seed': seed, f'{inner}.data_root': fmnist_root,
                        f'{inner}.n_max': 60, f'{inner}.imbalance_ratio': 10})
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        partners.append([dataset.partner_index(i) for i in range(len(dataset))])
    assert partners[0] != partners[1]
