"""What the plugin's hooks need from a model, declared in one place.

Each hook checks the model (or its modules) against one of these protocols
and does nothing for a model that does not offer it, so any MMPretrain model
runs with the hooks in place. ``ClassConditionalDistiller`` offers all four.
"""
from typing import Optional, Protocol, Sequence, Tuple, runtime_checkable

import torch


@runtime_checkable
class TakesClassCounts(Protocol):
    """A loss, metric or model that needs the training class counts
    (``ClassCountsHook``); ``counts_from_config=True`` keeps the config's own."""

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        ...


@runtime_checkable
class ClassifierWithHead(Protocol):
    """A model whose head's ``num_classes`` the counts must match; the key under
    which the config sets that head names it in errors (``ClassCountsHook``)."""

    head: torch.nn.Module
    head_config_key: str


@runtime_checkable
class EpochAware(Protocol):
    """A model or dataset whose random draws are a function of the epoch
    (``EpochSeedHook``: the distiller's mixing generator, the pair dataset's
    partners, the batched augmentation)."""

    def set_epoch(self, epoch: int) -> None:
        ...


@runtime_checkable
class MixingModel(Protocol):
    """A model that may train on mixed pairs: the pair dataset decodes partner
    images only when ``needs_mix`` (``EpochSeedHook``)."""

    needs_mix: bool


@runtime_checkable
class PriorEstimating(Protocol):
    """A model that estimates its priors from teacher posteriors once, before
    training (``TeacherPriorHook`` runs the passes, the model does the maths)."""

    priors_ready: torch.Tensor

    def prior_passes(self, has_val: bool) -> Tuple[bool, bool]:
        """Which teacher passes the priors need: (training set, validation split)."""

    def teacher_posteriors(self, pixels: torch.Tensor) -> torch.Tensor:
        """The teacher's softmax ``(B, C)`` (temperature 1) of raw pixels."""

    def teacher_train_posteriors(self) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
        """Posteriors and labels of a training-set pass that already ran, if any."""

    def estimate_priors(self, train=None, val=None) -> Optional[float]:
        """Eq. 9 and Eq. 4 from the passes' ``(posteriors, labels)``; stores them."""
