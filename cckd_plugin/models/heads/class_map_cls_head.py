"""Zero-shot head over a pre-trained classifier: each target class reads the
source classes (ImageNet's) a class map gives it."""
from typing import Dict, List, Sequence, Tuple, Union

import torch
from mmengine.logging import MMLogger
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS

from ..backbones.packaged_weights import source_class_names

SourceClass = Union[int, str]


def resolve_source_classes(class_map: Dict[str, Sequence[SourceClass]],
                           source_names: Sequence[str]) -> List[List[int]]:
    """The source class indices of each target class.

    A source class is its index or a name: the whole entry of the source
    label list (``'tabby, tabby cat'``) or any of its comma-separated names
    (``'tabby'``), in any case.

    Raises:
        ValueError: an unknown or ambiguous name (with the candidates), an
            index out of range, a target with no source class, or a source
            class given to two targets.
    """
    by_name: Dict[str, List[int]] = {}
    for index, entry in enumerate(source_names):
        for name in {entry, *(n.strip() for n in entry.split(','))}:
            by_name.setdefault(name.lower(), []).append(index)
    owner: Dict[int, str] = {}
    groups = []
    for target, members in class_map.items():
        if isinstance(members, (str, int)) or not members:
            raise ValueError(f'head.class_map[{target!r}]: give a non-empty list of '
                             f'source classes, got {members!r}')
        indices = []
        for member in members:
            if isinstance(member, int):
                if not 0 <= member < len(source_names):
                    raise ValueError(f'head.class_map[{target!r}]: source class '
                                     f'{member} is not in 0..{len(source_names) - 1}')
                index = member
            else:
                found = by_name.get(str(member).strip().lower(), [])
                if len(found) != 1:
                    named = ', '.join(f'{i}: {source_names[i]}' for i in found)
                    what = f'ambiguous ({named})' if found else 'unknown'
                    raise ValueError(f'head.class_map[{target!r}]: source class '
                                     f'{member!r} is {what}; give its index')
                index = found[0]
            if index in owner:
                raise ValueError(
                    f'head.class_map: source class {index} ({source_names[index]}) '
                    f'is given to both {owner[index]!r} and {target!r}')
            owner[index] = target
            indices.append(index)
        groups.append(indices)
    return groups


@MODELS.register_module()
class ClassMapClsHead(ClsHead):
    """Zero-shot classification with a pre-trained network's own classifier.

    The backbone's pre-trained classifier (``source_weight`` ``(M, D)``,
    ``source_bias`` ``(M,)``, e.g. ImageNet-1k's 1,000 classes) gives source
    logits ``l = W x + b``; target class ``c`` reads the source classes
    ``S_c`` that ``class_map`` gives it::

        logit_c = log sum_{j in S_c} exp(l_j)

    so its softmax is the source posterior's mass on ``S_c``, renormalised
    over the mapped classes. This is the counterpart of CLIP's class-name
    prompts for a network trained on a fixed label space: it needs no
    training image, and works for any list of target classes that the source
    label space covers.

    The rows of the source classifier are copied in :meth:`prepare` (before
    the first epoch, or by ``tools/build_teacher_head.py``), after checking
    that ``class_map``'s keys are the dataset's classes in label order; they
    are buffers, so checkpoints carry them.

    Args:
        num_classes: ``C``, the number of keys of ``class_map``.
        in_channels: the feature size ``D``.
        class_map: ``{target class name: [source classes]}`` in label order;
            a source class is an index or a name (see
            :func:`resolve_source_classes`).
        source_classes: the source label space (``'imagenet'``).
    """

    def __init__(self, num_classes: int, in_channels: int,
                 class_map: Dict[str, Sequence[SourceClass]],
                 source_classes: str = 'imagenet', **kwargs):
        super().__init__(**kwargs)
        if not isinstance(class_map, dict) or len(class_map) != num_classes:
            got = len(class_map) if isinstance(class_map, dict) else repr(class_map)
            raise ValueError(f'head.class_map: {num_classes} target classes '
                             f'(num_classes) need as many keys, got {got}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.source_space = source_classes
        self.source_names = list(source_class_names(source_classes))
        self.target_names = [str(k) for k in class_map]
        groups = resolve_source_classes(dict(class_map), self.source_names)
        self.source_indices = [i for g in groups for i in g]
        width = max(len(g) for g in groups)
        rows = len(self.source_indices)  # a padded slot -> the -inf column
        members = torch.full((num_classes, width), rows, dtype=torch.long)
        start = 0
        for c, g in enumerate(groups):
            members[c, :len(g)] = torch.arange(start, start + len(g))
            start += len(g)
        self.register_buffer('members', members, persistent=False)
        self.register_buffer('weight', torch.zeros(rows, in_channels))
        self.register_buffer('bias', torch.zeros(rows))
        self.register_buffer('built', torch.tensor(False))

    def prepare(self, classifier, data, inputs_of=None) -> None:
        """Copy the mapped rows of ``classifier.backbone``'s pre-trained
        classifier. Reads no images.

        Raises:
            ValueError: the dataset's classes are not ``class_map``'s keys in
                order, or the backbone has no classifier over this label space.
        """
        names = data.class_names
        if names is not None and [str(n) for n in names] != self.target_names:
            raise ValueError(
                f'head.class_map: its keys {self.target_names} must be the dataset\'s '
                f'classes in label order, {list(names)}')
        backbone = classifier.backbone
        weight = getattr(backbone, 'source_weight', None)
        if weight is None or getattr(backbone, 'source_classes', None) != \
                self.source_names:
            raise ValueError(
                f'ClassMapClsHead: the backbone ({type(backbone).__name__}) has no '
                f"pre-trained classifier over the '{self.source_space}' classes "
                f'(give backbone.pretrained weights that include it)')
        if weight.shape[1] != self.in_channels:
            raise ValueError(f'ClassMapClsHead: in_channels={self.in_channels}, but '
                             f'the pre-trained classifier reads {weight.shape[1]}')
        index = torch.tensor(self.source_indices, device=weight.device)
        self.weight.copy_(weight.index_select(0, index))
        self.bias.copy_(backbone.source_bias.index_select(0, index))
        self.built.fill_(True)
        MMLogger.get_current_instance().info(
            f'ClassMapClsHead: {self.num_classes} classes read '
            f'{len(self.source_indices)} of the {len(self.source_names)} '
            f'{self.source_space} classes')

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        return feats[-1]

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """``feats[-1]`` ``(B, D)`` -> target logits ``(B, C)``."""
        if not bool(self.built):
            raise RuntimeError(
                'ClassMapClsHead: the class map is not built; run '
                'tools/build_teacher_head.py CONFIG or keep '
                "default_hooks.prepare_model=dict(type='PrepareModelHook')")
        x = self.pre_logits(feats)
        logits = x @ self.weight.to(x.dtype).t() + self.bias.to(x.dtype)  # (B, M)
        padded = torch.cat([logits, logits.new_full((len(x), 1), float('-inf'))], 1)
        return padded[:, self.members].logsumexp(-1)
