"""The splits of one long-tailed data set must share its profile.

``FashionMNISTLT``'s ``val`` and ``pool`` splits are carved from the training
images that the long-tailed profile (imbalance ratio, ``n_max``, seed, explicit
``counts``) leaves out, which keeps them disjoint from ``train`` only when every
split is built with the same profile: a ratio changed on the training split
alone would put validation images into training. (The CIFAR-LT ``val`` split is
disjoint by construction: it never moves with the profile.) The configs write
the profile once, as the top-level ``lt_profile``, and expand it into every
split; a child config that redefines ``lt_profile`` does not reach the datasets
its base already expanded. Both are refused here, before anything is built.
"""
import ast
import inspect
import os.path as osp
from typing import Iterator, Optional, Tuple

from .loader_datasets import loader_datasets

#: the keys that decide which images a split holds, by dataset type
PROFILE_KEYS = {
    'FashionMNISTLT': ('data_root', 'imbalance_ratio', 'n_max', 'seed', 'counts'),
}
#: splits drawn independently of the profile (the official test images)
INDEPENDENT_SPLITS = ('test', )


def profiled_datasets(cfg) -> Iterator[Tuple[str, dict]]:
    """(config key, dataset dict) of every long-tailed split the run's loaders
    build (the first of each loader's wrappers that is one)."""
    seen = set()
    for loader, key, dataset in loader_datasets(cfg):
        if loader not in seen and dataset.get('type') in PROFILE_KEYS:
            seen.add(loader)
            if dataset.get('split', 'train') not in INDEPENDENT_SPLITS:
                yield key, dataset


def profile_value(dataset: dict, name: str):
    """``dataset[name]``, else the dataset class's default."""
    if name in dataset:
        return dataset[name]
    from mmpretrain.registry import DATASETS
    parameter = inspect.signature(DATASETS.get(dataset['type']).__init__).parameters
    return parameter[name].default if name in parameter else None


def check_split_profiles(cfg) -> None:
    """Refuse splits of one data set built with different profiles, and a
    top-level ``lt_profile`` that the datasets do not follow.

    Raises:
        ValueError: one line naming both keys and how to change the profile.
    """
    datasets = list(profiled_datasets(cfg))
    first: Optional[Tuple[str, dict]] = datasets[0] if datasets else None
    if first is None:
        return
    key0, dataset0 = first
    names = PROFILE_KEYS[dataset0['type']]
    for key, dataset in datasets[1:]:
        if dataset['type'] != dataset0['type']:
            continue
        for name in names:
            mine, theirs = profile_value(dataset, name), profile_value(dataset0, name)
            if mine != theirs:
                raise ValueError(
                    f'{key}.{name} is {mine!r} but {key0}.{name} is {theirs!r}: the '
                    f'{dataset.get("split")} split is carved from the images the '
                    f'training profile leaves out, so every split needs the same '
                    f'{", ".join(names[1:])} (set lt_profile and each split, see '
                    f'the README: changing the imbalance ratio)')
    profile = cfg.get('lt_profile')
    filename = getattr(cfg, 'filename', None)
    if not isinstance(profile, dict) or not assigns_lt_profile(filename):
        return
    for name in names:
        value = profile_value(dataset0, name)
        if name in profile and profile[name] != value:
            raise ValueError(
                f'{osp.basename(filename)} sets lt_profile.{name}={profile[name]!r} '
                f'but {key0}.{name} is {value!r}: lt_profile does not reach the '
                f'splits its base config already built; set them in this config too '
                f'(see the README: changing the imbalance ratio)')


def assigns_lt_profile(filename: Optional[str]) -> bool:
    """Whether the config file itself (not a base) assigns ``lt_profile``."""
    if not filename or not filename.endswith('.py') or not osp.isfile(filename):
        return False
    with open(filename) as f:
        tree = ast.parse(f.read(), filename)
    return any(isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == 'lt_profile' for t in node.targets)
        for node in tree.body)
