"""One seed for a run: ``randomness.seed`` drives every draw a config leaves
unset.

A distillation run draws from three seeds: mmengine's ``randomness.seed``
(initialisation, augmentation, shuffling), the class-balanced partners of
``ClassBalancedPairDataset`` (``train_dataloader.dataset.seed``) and ACCKD's
mixing coefficients (``model.seed``). A seed sweep the MMPretrain way sets only
the first; the other two follow it unless the config or ``--cfg-options`` sets
them on purpose. The long-tailed profile's own ``seed`` (which images form the
training split) is part of the data set's definition and does not follow.
"""
from mmengine.config import Config

from ..datasets.loader_datasets import loader_datasets

#: distiller types whose ``model.seed`` follows the run's
SEEDED_MODELS = ('ClassConditionalDistiller', )
#: dataset types whose ``seed`` follows the run's
SEEDED_DATASETS = ('ClassBalancedPairDataset', )


def follow_run_seed(cfg: Config) -> None:
    """Set every unset partner and mixing seed to ``randomness.seed`` (left as
    they are when the run has no fixed seed: each component's default then)."""
    seed = (cfg.get('randomness') or {}).get('seed')
    if seed is None:
        return
    model = cfg.get('model')
    if model is not None and model.get('type') in SEEDED_MODELS and \
            model.get('seed') is None:
        model['seed'] = seed
    for _, _, dataset in loader_datasets(cfg, ['train_dataloader']):
        if dataset.get('type') in SEEDED_DATASETS and dataset.get('seed') is None:
            dataset['seed'] = seed
