"""The training split of a list-file data set shares no image with its other
splits.

ImageNet-LT, iNaturalist 2018 and Places-LT come as split files
(``relative/path label`` lines). A validation or test file that repeats
training images trains and trains silently; the split files are compared
once, before anything is built, and an overlap is refused in one line.
"""
import os.path as osp
from typing import Dict, Iterator, List, Tuple

from .loader_datasets import loader_datasets

#: the list-file data sets (``datasets/list_file_dataset.py``)
LIST_FILE_TYPES = ('ImageNetLT', 'INaturalist2018', 'PlacesLT', 'ListFileDataset')


def list_file_splits(cfg) -> Iterator[Tuple[str, dict]]:
    """(config key, dataset dict) of every list-file split the loaders build
    (the first of each loader's wrappers that is one)."""
    seen = set()
    for loader, key, dataset in loader_datasets(cfg):
        if loader not in seen and dataset.get('type') in LIST_FILE_TYPES and \
                dataset.get('ann_file'):
            seen.add(loader)
            yield key, dataset


def split_images(dataset: dict) -> Tuple[str, List[str]]:
    """(the split file's path, the normalised image paths it lists); no images
    when the file is missing (the pre-flight check reports that)."""
    root = dataset.get('data_root') or ''
    path = osp.join(root, dataset['ann_file'])
    if not osp.isfile(path):
        return path, []
    prefix = osp.join(root, dataset.get('data_prefix') or '')
    with open(path, encoding='utf-8') as f:
        images = [osp.normpath(osp.join(prefix, line.rsplit(maxsplit=1)[0]))
                  for line in f if line.strip()]
    return path, images


def check_split_overlap(cfg) -> None:
    """Refuse a validation or test split file that lists training images.

    Raises:
        ValueError: one line naming both files, the count and one image.
    """
    splits = list(list_file_splits(cfg))
    train = [(k, d) for k, d in splits if k.startswith('train_dataloader')]
    if not train:
        return
    train_key, train_dataset = train[0]
    train_file, images = split_images(train_dataset)
    seen: Dict[str, None] = dict.fromkeys(images)
    for key, dataset in splits:
        if key == train_key:
            continue
        other_file, other = split_images(dataset)
        shared = [image for image in other if image in seen]
        if shared:
            raise ValueError(
                f'{len(shared)} of the {len(other)} images of {other_file} ({key}) are '
                f'also in the training split {train_file} ({train_key}), e.g. '
                f'{shared[0]}: the splits must be disjoint')
