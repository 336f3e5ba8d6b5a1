"""Random states that depend only on (seed, epoch, rank), for exact resume."""
import numpy as np
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.runner import set_random_seed
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from .model_interface import EpochAware, MixingModel


def epoch_seed(seed: int, epoch: int, rank: int) -> int:
    """A 32-bit seed drawn from ``(seed, epoch, rank)`` (NumPy's SeedSequence)."""
    return int(np.random.SeedSequence([seed, epoch, rank]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Before every training epoch, seeds Python's ``random``, NumPy's global
    generator and torch (CPU and CUDA) from ``(runner.seed, epoch, rank)``,
    and hands the epoch to everything that draws or changes per epoch: every
    module of the model with ``set_epoch(epoch)`` (the distiller's mixing
    generator, the losses' deferred re-weighting) and the training
    dataset's ``set_epoch(epoch, seed)`` (class-balanced partners, batched
    augmentation draws). This is the one place where the epoch is handed out;
    before training it also tells the pair dataset whether the model mixes.

    Every random draw of an epoch (augmentations, data-loader worker seeds,
    mixing coefficients, dropout) then depends on the seed, the epoch and the
    rank alone, never on what ran before it: a run resumed from an epoch's
    checkpoint draws exactly what the uninterrupted run draws, whether or not
    validation, prior estimation or head building consumed random numbers in
    between. The sampler order (``DistSamplerSeedHook``), the class-balanced
    partners and the batched augmentations are functions of the epoch.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        """The pair dataset decodes partners only for a model that mixes (or a
        loop that says it ``needs_partners``: the teacher cache's); a
        model that mixes needs a pair dataset (said now, not at the first step).
        A training set whose draws follow the epoch cannot live in persistent
        data-loader workers, whose copies would keep the first epoch's."""
        loader = runner.train_dataloader
        dataset = loader.dataset
        if isinstance(dataset, EpochAware) and getattr(loader, 'persistent_workers',
                                                       False):
            raise ValueError(
                f'train_dataloader.persistent_workers=True: the workers would keep '
                f'epoch 0\'s augmentation draws (and partners) of '
                f'{type(dataset).__name__}, which change every epoch; set '
                f'persistent_workers=False')
        model = get_ori_model(runner.model)
        if not isinstance(model, MixingModel):
            return
        if hasattr(dataset, 'with_partner'):  # or a loop that caches mixed views
            dataset.with_partner = model.needs_mix or getattr(
                runner.train_loop, 'needs_partners', False)
        elif model.needs_mix:
            raise ValueError(f"distill.method='{model.method}' mixes images: set "
                             f"train_dataloader.dataset to a ClassBalancedPairDataset, "
                             f"not {type(dataset).__name__}")

    def before_train_epoch(self, runner) -> None:
        rank, _ = get_dist_info()
        set_random_seed(epoch_seed(int(runner.seed), runner.epoch, rank))
        model = get_ori_model(runner.model)
        for module in model.modules():  # the model, and its epoch-aware losses
            if isinstance(module, EpochAware):
                module.set_epoch(runner.epoch)
        dataset = runner.train_dataloader.dataset
        if isinstance(dataset, EpochAware):
            dataset.set_epoch(runner.epoch, int(runner.seed))
