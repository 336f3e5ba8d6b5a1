"""The dataset dicts a config's loaders build, wrappers included."""
from typing import Iterator, Sequence, Tuple

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def loader_datasets(cfg, loaders: Sequence[str] = LOADERS
                    ) -> Iterator[Tuple[str, str, dict]]:
    """(loader, config key, dataset dict) of every dataset in ``loaders``, from
    the outermost wrapper in (``train_dataloader.dataset``,
    ``train_dataloader.dataset.dataset``, ...)."""
    for loader in loaders:
        dataset, key = (cfg.get(loader) or {}).get('dataset'), f'{loader}.dataset'
        while isinstance(dataset, dict):
            yield loader, key, dataset
            dataset, key = dataset.get('dataset'), f'{key}.dataset'
