"""A classifier's head prepared before its first epoch: zero-shot text
features, NCM class means and class-map rows built (or loaded and checked),
a trained cosine head's initial weights (LIFT's text features or the class
means)."""
from typing import Callable, Optional, Tuple

import torch
from mmpretrain.models import ImageClassifier

from .class_map_cls_head import ClassMapClsHead
from .cosine_cls_head import CosineClsHead
from .prototype_cls_head import PrototypeClsHead

Batch = dict
#: ``batch -> (inputs, data_samples)`` of the classifier's own view
InputsOf = Callable[[Batch], Tuple[torch.Tensor, list]]


def own_inputs(classifier: ImageClassifier) -> InputsOf:
    """A batch through the classifier's own data preprocessor."""
    def inputs_of(batch: Batch):
        data = classifier.data_preprocessor(batch, False)
        return data['inputs'], data['data_samples']
    return inputs_of


def prepare_classifier(classifier: ImageClassifier, data, inputs_of: Optional[InputsOf]
                       = None, trained: bool = False
                       ) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
    """Prepare ``classifier``'s head from ``data`` (a ``PreparationData``).

    Args:
        inputs_of: how a batch reaches the classifier (default: its own data
            preprocessor; a distiller's teacher sees its own view of the pixels).
        trained: the classifier is the one being trained (a ``CosineClsHead``
            with ``init_from`` is then initialised on a fresh training run).

    Returns:
        the training features ``(N, D)`` and labels ``(N,)`` of the pass an NCM
        head ran (in dataset order), else ``None``.
    """
    head = getattr(classifier, 'head', None)
    inputs_of = inputs_of or own_inputs(classifier)
    if isinstance(head, (PrototypeClsHead, ClassMapClsHead)):
        return head.prepare(classifier, data, inputs_of)
    if trained and isinstance(head, CosineClsHead) and head.init_from is not None \
            and data.fresh_training:
        head.prepare(classifier, data, inputs_of)
    return None
