"""Building the class weights of zero-shot and NCM heads (once, then cached)."""
import copy
import hashlib
import json
import os.path as osp
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import open_clip
import torch
from mmengine.dist import is_main_process
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar
from mmpretrain.models import ImageClassifier

from ..models.backbones.clip_vision import create_open_clip
from ..models.heads import (NCMClsHead, PrototypeClsHead, ZeroShotClsHead, class_means,
                            save_class_weights, zero_shot_weights)
from .dataset_pass import gather_ordered, ordered_loader


def prototype_heads(model: torch.nn.Module) -> List[Tuple[ImageClassifier, PrototypeClsHead]]:
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
    clip = create_open_clip(head.clip_cfg.get('model_name', 'ViT-B-16'),
                            head.clip_cfg.get('pretrained'), head.clip_cfg.get('model_cfg'))
    tokenizer = open_clip.get_tokenizer(head.clip_cfg.get('model_name', 'ViT-B-16'))
    logger.info(f'ZeroShotClsHead: encoding {len(names)} classes x '
                f'{len(head.templates)} prompts')
    weight = zero_shot_weights(clip, tokenizer, names, head.templates, device)
    if weight.shape[1] != head.in_channels:
        raise ValueError(f'ZeroShotClsHead: in_channels={head.in_channels} but the text '
                         f'features have {weight.shape[1]} dimensions')
    scale = float(clip.logit_scale.exp())
    save_class_weights(path, weight, scale, head.kind, provenance)
    head.set_weights(weight, scale)
    logger.info(f'ZeroShotClsHead: class weights saved to {path}')


def build_ncm(classifier: ImageClassifier, head: NCMClsHead, loader_cfg: dict,
              path: str, prepare: Optional[Callable] = None) -> None:
    """Load ``path`` if built from the same data and backbone, else build it."""
    logger = MMLogger.get_current_instance()
    dataloader = ordered_loader(loader_cfg)
    labels = np.asarray(dataloader.dataset.get_gt_labels(), dtype=np.int64) \
        if hasattr(dataloader.dataset, 'get_gt_labels') else None
    dataset_cfg = {k: v for k, v in loader_cfg['dataset'].items() if k != 'pipeline'}
    provenance = dict(
        kind=head.kind, dataset=json.loads(json.dumps(dataset_cfg, default=str)),
        num_samples=len(dataloader.dataset),
        labels=None if labels is None else hashlib.sha1(labels.tobytes()).hexdigest()[:16],
        backbone=weights_digest(classifier.backbone))
    if osp.isfile(path):
        head.load_weights(path, provenance)
        logger.info(f'NCMClsHead: class weights from {path}')
        return
    logger.info(f'NCMClsHead: class means over {len(dataloader.dataset)} training images')
    was_training = classifier.training
    classifier.eval()
    feats, labels = zip(*_features(classifier, dataloader, prepare or _own_view(classifier)))
    # every process gets all features, in order: the N-process means equal one's
    weight = class_means([(gather_ordered(torch.cat(feats)), gather_ordered(torch.cat(labels)))],
                         head.num_classes, head.in_channels)
    classifier.train(was_training)
    if is_main_process():
        save_class_weights(path, weight, head.scale.item(), head.kind, provenance)
    head.set_weights(weight, head.scale.item())
    logger.info(f'NCMClsHead: class weights saved to {path}')


def build_prototype_heads(model: torch.nn.Module, cfg, class_names: Optional[Sequence[str]],
                          work_dir: str) -> int:
    """Build (or load and check) every zero-shot / NCM head in ``model``.

    Returns:
        the number of heads handled.
    """
    heads = prototype_heads(model)
    device = next(model.parameters()).device if any(True for _ in model.parameters()) \
        else torch.device('cpu')
    for classifier, head in heads:
        path = head.weights_file or osp.join(work_dir, 'teacher_heads', f'{head.kind}.pth')
        head.weights_file = path
        if isinstance(head, ZeroShotClsHead):
            build_zero_shot(head, class_names, path, device)
            continue
        prepare = None
        if classifier is getattr(model, 'teacher', None) and hasattr(model, 'teacher_view'):
            # a distiller's teacher sees its own view of the raw pixels

            def prepare(batch, model=model):
                data = model.data_preprocessor(batch, False)
                return model.teacher_view(data['inputs']), data['data_samples']
        build_ncm(classifier, head, train_eval_loader_cfg(cfg), path, prepare)
    return len(heads)
