"""Zero-shot head: CLIP text features of prompted class names."""
from typing import List, Optional, Sequence, Tuple, Union

import open_clip
import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar
from mmpretrain.registry import MODELS

from ...datasets.list_file_dataset import read_class_names
from ..backbones.clip_vision import create_open_clip
from .class_weights_file import cached_class_weights
from .prototype_cls_head import PrototypeClsHead

SINGLE_TEMPLATE = ('a photo of a {}.', )
#: a short ensemble in the spirit of CLIP's ImageNet prompts
ENSEMBLE_TEMPLATES = (
    'a photo of a {}.',
    'a bad photo of a {}.',
    'a photo of many {}.',
    'a sculpture of a {}.',
    'a rendering of a {}.',
    'graffiti of a {}.',
    'a cropped photo of the {}.',
    'a tattoo of a {}.',
    'the embroidered {}.',
    'a bright photo of a {}.',
    'a photo of a clean {}.',
    'a photo of a dirty {}.',
    'a dark photo of the {}.',
    'a drawing of a {}.',
    'a photo of my {}.',
    'the plastic {}.',
    'a photo of the cool {}.',
    'a close-up photo of a {}.',
    'a black and white photo of the {}.',
    'a painting of the {}.',
    'a pixelated photo of the {}.',
    'a jpeg corrupted photo of a {}.',
    'a blurry photo of the {}.',
    'a good photo of a {}.',
    'a low resolution photo of the {}.',
    'a photo of the large {}.',
    'a photo of the small {}.',
    'itap of a {}.',
)


def resolve_templates(templates: Union[str, Sequence[str]]) -> List[str]:
    if templates == 'single':
        return list(SINGLE_TEMPLATE)
    if templates == 'ensemble':
        return list(ENSEMBLE_TEMPLATES)
    if isinstance(templates, str) or not templates or \
            any('{}' not in t for t in templates):
        raise ValueError("ZeroShotClsHead: templates must be 'single', 'ensemble' or a "
                         "list of strings with a '{}' slot")
    return list(templates)


def readable_class_names(names: Optional[Sequence[str]], num_classes: int,
                         who: str) -> List[str]:
    """The class names a text tower encodes: ``num_classes`` of them, not the
    ``'0'``, ``'1'``, ... placeholders a dataset without a class-name file has
    (prompts of numbers would give a silently meaningless head).

    Raises:
        ValueError: naming ``who`` and how to give the names.
    """
    hint = ("set the dataset's classnames_file (one name per line) or the head's "
            'class_names')
    if names is None:
        raise ValueError(f'{who}: no class names; {hint}')
    names = [str(n) for n in names]
    if len(names) != num_classes:
        raise ValueError(
            f'{who}: {len(names)} class names for num_classes={num_classes}')
    if all(n.strip().isdigit() for n in names):
        raise ValueError(f"{who}: the class names are placeholders ('{names[0]}', "
                         f"'{names[1] if len(names) > 1 else ''}', ...); {hint}")
    return names


@torch.no_grad()
def zero_shot_weights(clip_model, tokenizer, class_names: Sequence[str],
                      templates: Sequence[str], device='cpu',
                      progress: bool = True) -> torch.Tensor:
    """Per class, the normalised mean over templates of the normalised text
    features: ``(C, D_proj)``."""
    clip_model = clip_model.to(device).eval()
    bar = ProgressBar(len(class_names)) if progress else None
    weights = []
    for name in class_names:
        readable = name.replace('_', ' ')  # CIFAR's 'aquarium_fish' -> 'aquarium fish'
        tokens = tokenizer([t.format(readable) for t in templates]).to(device)
        feats = F.normalize(clip_model.encode_text(tokens).float(), dim=-1)
        weights.append(F.normalize(feats.mean(0), dim=-1))
        if bar is not None:
            bar.update()
    return torch.stack(weights)


def encode_prompts(clip_cfg: dict, class_names: Sequence[str], templates: Sequence[str],
                   device='cpu') -> Tuple[torch.Tensor, float]:
    """The class names through the text tower of the CLIP model ``clip_cfg``
    (``model_name``, ``pretrained``, ``model_cfg``): :func:`zero_shot_weights`
    ``(C, D_proj)`` and the model's logit scale."""
    model_name = clip_cfg.get('model_name', 'ViT-B-16')
    clip = create_open_clip(model_name, clip_cfg.get('pretrained'),
                            clip_cfg.get('model_cfg'))
    MMLogger.get_current_instance().info(
        f'{model_name}: encoding {len(class_names)} classes x {len(templates)} prompts')
    weight = zero_shot_weights(clip, open_clip.get_tokenizer(model_name), class_names,
                               templates, device)
    return weight, float(clip.logit_scale.exp())


@MODELS.register_module()
class ZeroShotClsHead(PrototypeClsHead):
    """CLIP zero-shot classifier over projected image features.

    Class weights: class names x prompt templates through CLIP's text tower,
    averaged per class and normalised; the scale is CLIP's ``logit_scale``.

    Args:
        num_classes: ``C``.
        in_channels: CLIP's joint embedding size (512 for ViT-B/16); the
            backbone must use ``out_type='projected'``.
        clip: ``dict(model_name=..., pretrained=..., model_cfg=...)`` of the
            CLIP model whose text tower builds the weights.
        class_names: names in label order; default: ``class_names_file``,
            else the dataset's ``metainfo['classes']``.
        class_names_file: a file with one class name per line.
        templates: ``'single'`` ("a photo of a {}."), ``'ensemble'`` or a list.
        weights_file, scale: see :class:`PrototypeClsHead`.
    """

    kind = 'zero-shot'

    def __init__(self, num_classes: int, in_channels: int, clip: Optional[dict] = None,
                 class_names: Optional[Sequence[str]] = None,
                 class_names_file: Optional[str] = None,
                 templates: Union[str, Sequence[str]] = 'single', **kwargs):
        self.clip_cfg = dict(clip or {})
        if class_names is None and class_names_file is not None:
            class_names = read_class_names(class_names_file, num_classes)
        self.class_names = None if class_names is None else list(class_names)
        self.templates = resolve_templates(templates)
        super().__init__(num_classes, in_channels, **kwargs)

    def provenance(self, class_names: Sequence[str]) -> dict:
        return dict(
            kind=self.kind,
            model_name=self.clip_cfg.get('model_name', 'ViT-B-16'),
            pretrained=self.clip_cfg.get('pretrained'),
            class_names=list(class_names),
            templates=self.templates)

    def check_class_names(self, class_names: Optional[Sequence[str]]) -> List[str]:
        names = self.class_names if self.class_names is not None else class_names
        return readable_class_names(names, self.num_classes, 'ZeroShotClsHead')

    def prepare(self, classifier, data, inputs_of=None) -> None:
        """Load ``weights_file`` if it was built from the same class names,
        prompts and CLIP model, else encode them with CLIP's text tower and save
        the weights there. Reads no images."""
        names = self.check_class_names(data.class_names)
        device = next(classifier.parameters(), torch.empty(0)).device

        def build():
            weight, scale = encode_prompts(self.clip_cfg, names, self.templates, device)
            if weight.shape[1] != self.in_channels:
                raise ValueError(
                    f'ZeroShotClsHead: in_channels={self.in_channels} but the text '
                    f'features have {weight.shape[1]} dimensions')
            return weight, scale

        self.set_weights(*cached_class_weights(
            self.resolve_weights_file(data), self.kind, self.num_classes,
            self.in_channels, self.provenance(names), build,
            key='ZeroShotClsHead.weights_file'))
