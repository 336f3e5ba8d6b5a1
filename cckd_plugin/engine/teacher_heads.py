"""Building the class weights of zero-shot and NCM heads (once, then cached)."""
import copy
import hashlib
import json
import os.path as osp
from functools import partial
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import open_clip
import torch
from mmengine.dist import is_main_process
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar
from mmpretrain.models import ImageClassifier

from ..models.backbones.clip_vision import create_open_clip
from ..models.heads import (CosineClsHead, NCMClsHead, PrototypeClsHead,
                            ZeroShotClsHead, class_means, load_class_weights,
                            readable_class_names, save_class_weights, zero_shot_weights)
from .dataset_pass import gather_ordered, ordered_loader


def prototype_heads(
        model: torch.nn.Module) -> List[Tuple[ImageClassifier, PrototypeClsHead]]:
    """Every classifier inside ``model`` whose head is a zero-shot or NCM head."""
    return [(m, m.head) for m in model.modules()
            if isinstance(m, ImageClassifier) and isinstance(m.head, PrototypeClsHead)]


def weights_digest(module: torch.nn.Module) -> str:
    """Fingerprint of a module's weights (which backbone produced the features)."""
    sha = hashlib.sha1()
    for name, tensor in sorted(module.state_dict().items()):
        sha.update(name.encode())
        sha.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return sha.hexdigest()[:16]


def train_eval_loader_cfg(cfg) -> dict:
    """The training set seen through the evaluation pipeline, in order (for
    class means and priors); a ``ClassBalancedPairDataset`` wrapper is dropped,
    other wrappers (which choose the samples) are kept."""
    loader = copy.deepcopy(cfg.train_dataloader)
    while loader['dataset'].get('type') == 'ClassBalancedPairDataset':
        loader['dataset'] = loader['dataset']['dataset']
    inner = loader['dataset']
    while 'dataset' in inner and 'pipeline' not in inner:
        inner = inner['dataset']
    eval_loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    inner['pipeline'] = copy.deepcopy(eval_loader['dataset']['pipeline'])
    loader['sampler'] = dict(type='DefaultSampler', shuffle=False)
    loader['batch_size'] = eval_loader.get('batch_size', loader.get('batch_size', 64))
    loader['persistent_workers'] = False
    loader.pop('batch_sampler', None)
    return loader


def _features(classifier: ImageClassifier, dataloader, prepare: Callable) -> Iterator:
    bar = ProgressBar(len(dataloader.dataset))
    with torch.no_grad():
        for batch in dataloader:
            inputs, data_samples = prepare(batch)
            feats = classifier.extract_feat(inputs)[-1]
            labels = torch.cat([s.gt_label for s in data_samples])
            bar.update(len(labels))
            yield feats.float(), labels


def _own_view(classifier: ImageClassifier) -> Callable:
    def prepare(batch):
        data = classifier.data_preprocessor(batch, False)
        return data['inputs'], data['data_samples']
    return prepare


def build_zero_shot(head: ZeroShotClsHead, class_names: Optional[Sequence[str]],
                    path: str, device='cpu') -> None:
    """Load ``path`` if it was built from the same names and prompts, else build it."""
    logger = MMLogger.get_current_instance()
    names = head.check_class_names(class_names)
    provenance = head.provenance(names)
    if osp.isfile(path):
        head.load_weights(path, provenance)
        logger.info(f'ZeroShotClsHead: class weights from {path}')
        return
    clip = create_open_clip(
        head.clip_cfg.get('model_name', 'ViT-B-16'), head.clip_cfg.get('pretrained'),
        head.clip_cfg.get('model_cfg'))
    tokenizer = open_clip.get_tokenizer(head.clip_cfg.get('model_name', 'ViT-B-16'))
    logger.info(f'ZeroShotClsHead: encoding {len(names)} classes x '
                f'{len(head.templates)} prompts')
    weight = zero_shot_weights(clip, tokenizer, names, head.templates, device)
    if weight.shape[1] != head.in_channels:
        raise ValueError(
            f'ZeroShotClsHead: in_channels={head.in_channels} but the text '
            f'features have {weight.shape[1]} dimensions')
    scale = float(clip.logit_scale.exp())
    save_class_weights(path, weight, scale, head.kind, provenance)
    head.set_weights(weight, scale)
    logger.info(f'ZeroShotClsHead: class weights saved to {path}')


def training_class_means(
    classifier: ImageClassifier,
    loader_cfg: dict,
    kind: str,
    path: str,
    num_classes: int,
    feature_dim: int,
    scale: float,
    prepare: Optional[Callable] = None
) -> Tuple[torch.Tensor, Optional[Tuple[torch.Tensor, torch.Tensor]]]:
    """Normalised class means ``(C, D)`` of ``classifier``'s features over the
    training set: loaded from ``path`` if it was built from the same data and
    backbone weights, else computed (one ordered pass) and saved there.

    Returns:
        the means, and the pass's features ``(N, D)`` and labels ``(N,)`` in
        dataset order (``None`` when the means came from the file).
    """
    logger = MMLogger.get_current_instance()
    dataloader = ordered_loader(loader_cfg)
    labels = np.asarray(dataloader.dataset.get_gt_labels(), dtype=np.int64) \
        if hasattr(dataloader.dataset, 'get_gt_labels') else None
    dataset_cfg = {k: v for k, v in loader_cfg['dataset'].items() if k != 'pipeline'}
    provenance = dict(
        kind=kind,
        dataset=json.loads(json.dumps(dataset_cfg, default=str)),
        num_samples=len(dataloader.dataset),
        labels=None
        if labels is None else hashlib.sha1(labels.tobytes()).hexdigest()[:16],
        backbone=weights_digest(classifier.backbone))
    if osp.isfile(path):
        record = load_class_weights(path, kind, num_classes, feature_dim, provenance)
        logger.info(f'{kind} class weights from {path}')
        return record['weight'], None
    logger.info(f'{kind}: class means over {len(dataloader.dataset)} training images')
    was_training = classifier.training
    classifier.eval()
    feats, labels = zip(
        *_features(classifier, dataloader, prepare or _own_view(classifier)))
    # every process gets all features, in order: the N-process means equal one's
    feats, labels = gather_ordered(torch.cat(feats)), gather_ordered(torch.cat(labels))
    weight = class_means([(feats, labels)], num_classes, feature_dim)
    classifier.train(was_training)
    if is_main_process():
        save_class_weights(path, weight, scale, kind, provenance)
    logger.info(f'{kind}: class weights saved to {path}')
    return weight, (feats, labels)


def build_ncm(classifier: ImageClassifier, head: NCMClsHead, loader_cfg: dict,
              path: str, prepare: Optional[Callable] = None
              ) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
    """Load ``path`` if built from the same data and backbone, else build it;
    returns the training features and labels of the pass when one ran."""
    weight, features = training_class_means(classifier, loader_cfg, head.kind, path,
                                            head.num_classes, head.in_channels,
                                            head.scale.item(), prepare)
    head.set_weights(weight, head.scale.item())
    return features


def text_features_in_token_space(classifier: ImageClassifier, head: CosineClsHead,
                                 class_names: Optional[Sequence[str]],
                                 path: str) -> torch.Tensor:
    """LIFT's head initialisation for a CLIP ViT (``init_head: text_feat``):
    ``normalize(normalize(text) @ proj^T)`` ``(C, D)``, the prompted class names'
    text features mapped into the class-token space by the transpose of the
    backbone's image projection. Cached in ``path`` with its provenance."""
    logger = MMLogger.get_current_instance()
    backbone = classifier.backbone
    proj = getattr(getattr(backbone, 'visual', None), 'proj', None)
    if proj is None or getattr(backbone, 'out_type', None) != 'cls_token':
        raise ValueError(
            "CosineClsHead.init_from='text' needs a CLIPVisionBackbone ViT with "
            "out_type='cls_token' (its image projection maps text features "
            "into the class-token space); use init_from='class_mean'")
    names = readable_class_names(class_names, head.num_classes,
                                 "CosineClsHead.init_from='text'")
    clip_cfg = dict(model_name=backbone.model_name, pretrained=backbone.pretrained,
                    model_cfg=backbone.model_cfg)
    clip_cfg.update(head.clip_cfg)
    provenance = dict(kind='text-feat', model_name=clip_cfg['model_name'],
                      pretrained=clip_cfg['pretrained'], class_names=names,
                      templates=head.templates, projection=weights_digest(
                          torch.nn.ParameterList([proj])))
    if osp.isfile(path):
        logger.info(f'CosineClsHead: text-feature initialisation from {path}')
        return load_class_weights(
            path,
            'text-feat',
            head.num_classes,
            head.in_channels,
            provenance,
            key='CosineClsHead.init_weights_file')['weight']
    clip = create_open_clip(clip_cfg['model_name'], clip_cfg['pretrained'],
                            clip_cfg['model_cfg'])
    tokenizer = open_clip.get_tokenizer(clip_cfg['model_name'])
    logger.info(f'CosineClsHead: encoding {len(names)} classes x {len(head.templates)} '
                f'prompts (LIFT text-feature initialisation)')
    device = proj.device
    text = zero_shot_weights(clip, tokenizer, names, head.templates, device)
    weight = torch.nn.functional.normalize(
        text @ proj.detach().float().t(), dim=-1).cpu()
    if is_main_process():
        save_class_weights(path, weight, float(head.scale), 'text-feat', provenance)
    return weight


def init_cosine_heads(model: torch.nn.Module, cfg, class_names: Optional[Sequence[str]],
                      work_dir: str) -> int:
    """Initialise the ``CosineClsHead`` of a classifier being trained from its
    ``init_from`` (LIFT's text features or class means). Returns 1 when it did."""
    head = getattr(model, 'head', None)
    if not isinstance(model, ImageClassifier) or not isinstance(head, CosineClsHead) \
            or head.init_from is None:
        return 0
    path = head.init_weights_file or osp.join(work_dir, 'teacher_heads',
                                              f'init-{head.init_from}.pth')
    if head.init_from == 'text':
        weight = text_features_in_token_space(model, head, class_names, path)
    else:
        weight, _ = training_class_means(model, train_eval_loader_cfg(cfg),
                                         'class-mean', path, head.num_classes,
                                         head.in_channels, float(head.scale))
    head.set_weights(weight)
    MMLogger.get_current_instance().info(
        f'CosineClsHead: initialised from {head.init_from} ({path})')
    return 1


def _teacher_view(distiller, batch):
    data = distiller.data_preprocessor(batch, False)
    return distiller.teacher_view(data['inputs']), data['data_samples']


def build_prototype_heads(model: torch.nn.Module, cfg,
                          class_names: Optional[Sequence[str]], work_dir: str) -> int:
    """Build (or load and check) every zero-shot / NCM head in ``model``.

    Returns:
        the number of heads handled.
    """
    heads = prototype_heads(model)
    device = next(model.parameters()).device if any(True for _ in model.parameters()) \
        else torch.device('cpu')
    for classifier, head in heads:
        path = head.weights_file or osp.join(work_dir, 'teacher_heads',
                                             f'{head.kind}.pth')
        head.weights_file = path
        if isinstance(head, ZeroShotClsHead):
            build_zero_shot(head, class_names, path, device)
            continue
        distiller_teacher = classifier is getattr(model, 'teacher', None) and \
            hasattr(model, 'teacher_view')
        # a distiller's teacher sees its own view of the raw pixels
        prepare = partial(_teacher_view, model) if distiller_teacher else None

        features = build_ncm(classifier, head, train_eval_loader_cfg(cfg), path,
                             prepare)
        if distiller_teacher and features is not None:
            # the priors reuse this pass over the training set instead of a second one
            model.keep_teacher_train_features(*features)
    return len(heads)
