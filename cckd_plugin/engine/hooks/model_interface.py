"""What the plugin's hooks need from a model, declared in one place.

Each hook checks the model (or its modules) against one of these protocols
and does nothing for a model that does not offer it, so any MMPretrain model
runs with the hooks in place. ``ClassConditionalDistiller`` offers all five.
"""
from typing import Protocol, Sequence, runtime_checkable

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
    """A model, one of its modules or a dataset whose draws or settings are a
    function of the epoch (``EpochSeedHook``: the distiller's mixing generator,
    a loss's deferred re-weighting, the pair dataset's partners, the batched
    augmentation)."""

    def set_epoch(self, epoch: int) -> None:
        ...


@runtime_checkable
class MixingModel(Protocol):
    """A model that may train on mixed pairs: the pair dataset decodes partner
    images only when ``needs_mix`` (``EpochSeedHook``)."""

    needs_mix: bool


@runtime_checkable
class PreparesItself(Protocol):
    """A model that builds what it needs before its first epoch, once, in its
    own order (``PrepareModelHook`` hands it a ``PreparationData``)."""

    def prepare(self, data) -> None:
        ...
