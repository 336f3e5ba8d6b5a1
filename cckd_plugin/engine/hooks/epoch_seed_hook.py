"""Random states that depend only on (seed, epoch, rank), for exact resume."""
import numpy as np
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import set_random_seed
from mmpretrain.registry import HOOKS


def epoch_seed(seed: int, epoch: int, rank: int) -> int:
    """A 32-bit seed drawn from ``(seed, epoch, rank)`` (NumPy's SeedSequence)."""
    return int(np.random.SeedSequence([seed, epoch, rank]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Before every training epoch, seeds Python's ``random``, NumPy's global
    generator and torch (CPU and CUDA) from ``(runner.seed, epoch, rank)``,
    and hands the epoch to everything that draws per epoch: the model's
    ``set_epoch(epoch)`` (the distiller's mixing generator) and the training
    dataset's ``set_epoch(epoch, seed)`` (class-balanced partners, batched
    augmentation draws). This is the one place where the epoch is handed out.

    Every random draw of an epoch (augmentations, data-loader worker seeds,
    mixing coefficients, dropout) then depends on the seed, the epoch and the
    rank alone, never on what ran before it: a run resumed from an epoch's
    checkpoint draws exactly what the uninterrupted run draws, whether or not
    validation, prior estimation or head building consumed random numbers in
    between. The sampler order (``DistSamplerSeedHook``), the class-balanced
    partners and the batched augmentations are functions of the epoch.
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        rank, _ = get_dist_info()
        set_random_seed(epoch_seed(int(runner.seed), runner.epoch, rank))
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if hasattr(model, 'set_epoch'):
            model.set_epoch(runner.epoch)
        dataset = runner.train_dataloader.dataset
        if hasattr(dataset, 'set_epoch'):
            dataset.set_epoch(runner.epoch, int(runner.seed))
