"""Nearest-class-mean head over a frozen teacher's features."""
from typing import Callable, Iterable, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmpretrain.registry import MODELS

from ...fingerprint import weights_hash
from .class_weights_file import cached_class_weights
from .prototype_cls_head import PrototypeClsHead


@torch.no_grad()
def class_means(features_and_labels: Iterable, num_classes: int,
                feature_dim: int) -> torch.Tensor:
    """Normalised per-class mean of features: ``(C, D)``.

    Args:
        features_and_labels: batches of features ``(B, D)`` and labels ``(B,)``.

    Raises:
        ValueError: a class has no sample.
    """
    sums = torch.zeros(num_classes, feature_dim, dtype=torch.float64)
    counts = torch.zeros(num_classes, dtype=torch.float64)
    for feats, labels in features_and_labels:
        sums.index_add_(0, labels.long().cpu(), feats.double().cpu())
        counts += torch.bincount(labels.long().cpu(), minlength=num_classes).double()
    if bool((counts == 0).any()):
        missing = int(torch.nonzero(counts == 0)[0])
        raise ValueError(f'NCMClsHead: class {missing} has no training sample')
    return F.normalize((sums / counts[:, None]).float(), dim=-1)


def training_class_means(
    classifier, data, inputs_of: Callable, kind: str, path: str, num_classes: int,
    feature_dim: int, scale: float
) -> Tuple[torch.Tensor, Optional[Tuple[torch.Tensor, torch.Tensor]]]:
    """Normalised class means ``(C, D)`` of ``classifier``'s last features over
    the training split of ``data`` (a ``PreparationData``): read from ``path``
    if it was built from the same samples and backbone weights, else computed
    in one ordered pass and saved there (:func:`cached_class_weights`).

    Returns:
        the means, and the pass's features ``(N, D)`` and labels ``(N,)`` in
        dataset order (``None`` when the means came from the file).
    """
    provenance = dict(kind=kind, **data.fingerprint('train'),
                      backbone=weights_hash(classifier.backbone))
    ran = []

    def build():
        MMLogger.get_current_instance().info(
            f'{kind}: class means over {provenance["num_samples"]} training images')
        was_training = classifier.training
        classifier.eval()

        def features(batch):
            inputs, data_samples = inputs_of(batch)
            return (classifier.extract_feat(inputs)[-1].float(),
                    torch.cat([s.gt_label for s in data_samples]))

        ran.append(data.pass_over('train', features))
        classifier.train(was_training)
        return class_means([ran[0]], num_classes, feature_dim), scale

    weight, _ = cached_class_weights(path, kind, num_classes, feature_dim, provenance,
                                     build)
    return weight, (ran[0] if ran else None)


@MODELS.register_module()
class NCMClsHead(PrototypeClsHead):
    """Cosine classifier whose class weights are the normalised class means of
    the (frozen) backbone's features over the training set (Kang et al. 2020).

    Args:
        num_classes, in_channels, weights_file: see :class:`PrototypeClsHead`.
        scale: logit scale (cosine similarities times ``scale``), default 25.
    """

    kind = 'ncm'

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 scale: float = 25.0,
                 **kwargs):
        super().__init__(num_classes, in_channels, scale=scale, **kwargs)

    def prepare(self, classifier, data, inputs_of: Callable
                ) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
        """The class means of ``classifier``'s features (see
        :func:`training_class_means`); returns the pass's training features and
        labels when one ran."""
        weight, features = training_class_means(
            classifier, data, inputs_of, self.kind, self.resolve_weights_file(data),
            self.num_classes, self.in_channels, self.scale.item())
        self.set_weights(weight, self.scale.item())
        return features
