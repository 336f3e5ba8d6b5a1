"""A training set whose last batch holds one sample, under a BatchNorm that
cannot train on one, found before the first epoch.

A ``BatchNorm1d`` in training mode (MMPretrain's ``LinearNeck`` with a norm,
a projection head) raises ``Expected more than 1 value per channel`` on a
batch of one, which arrives at the end of the first epoch when the sampler's
length is one more than a multiple of the batch size."""
import torch.nn as nn

#: BatchNorms whose input may be (batch, channels): one sample is one value each
_ONE_VALUE_NORMS = (nn.BatchNorm1d, nn.SyncBatchNorm)


def check_last_batch(dataloader, model: nn.Module,
                     key: str = 'train_dataloader') -> None:
    """Refuse a loader whose last batch is a single sample when a trained
    (training-mode) ``BatchNorm1d`` of ``model`` would see it.

    Args:
        dataloader: the built training loader (its ``batch_sampler``).
        model: the model as trained (a frozen teacher in eval mode is fine).

    Raises:
        ValueError: one line naming the sizes, the module and the fixes.
    """
    batches = getattr(dataloader, 'batch_sampler', None)
    if batches is None or getattr(batches, 'drop_last', True):
        return
    sampler = getattr(batches, 'sampler', None)
    size = getattr(batches, 'batch_size', None)
    if sampler is None or not size or not hasattr(sampler, '__len__'):
        return
    samples = len(sampler)
    if size == 1 or samples % size != 1:
        return
    norm = next((name for name, m in model.named_modules()
                 if isinstance(m, _ONE_VALUE_NORMS) and m.training), None)
    if norm is None:
        return
    raise ValueError(
        f'{key}: {samples} samples per epoch (per process) in batches of {size} '
        f'leave a last batch of 1, on which the BatchNorm model.{norm} cannot '
        f'train: set {key}.drop_last=True or another {key}.batch_size')
