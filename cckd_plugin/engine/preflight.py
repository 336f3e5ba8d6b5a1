"""What a run needs from outside the repository, checked before it starts.

``tools/train.py`` and ``tools/test.py`` call :func:`check_inputs` first, so a
missing data root, teacher checkpoint or CLIP weights file is reported in one
line, with the config key that gives each, before any model is built or any
download is tried (offline, open_clip would retry for about a minute).
"""
import os
import os.path as osp
import socket
from typing import Iterator, List, Optional, Tuple
from urllib.parse import urlparse

from mmengine.config import Config

from ..datasets.fashion_mnist_lt import find_fashion_mnist

CIFAR_FOLDERS = {'CIFAR10': 'cifar-10-batches-py', 'CIFAR10LT': 'cifar-10-batches-py',
                 'CIFAR100': 'cifar-100-python', 'CIFAR100LT': 'cifar-100-python'}
CIFAR_HOST = 'www.cs.toronto.edu'
#: file names of weights open_clip loads from a path
WEIGHT_SUFFIXES = ('.bin', '.pt', '.pth', '.safetensors')
FASHION_MNIST_HOST = 'fashion-mnist.s3-website.eu-central-1.amazonaws.com'


class MissingInputsError(FileNotFoundError):
    """Inputs a run needs are missing; the message lists each and how to give it."""


def reachable(host: str, timeout: float = 3.0) -> bool:
    """Whether ``host`` answers on port 443 (no network: ``False`` at once)."""
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def clip_weights_source(model_name: str, tag: str) -> Tuple[bool, str]:
    """(whether open_clip's weights for ``tag`` are in the local cache, the
    host they would be downloaded from)."""
    import open_clip
    cfg = open_clip.get_pretrained_cfg(model_name, tag) or {}
    hub = cfg.get('hf_hub', '')
    if hub:
        from huggingface_hub import try_to_load_from_cache
        model_id, filename = (hub[:-1], '') if hub.endswith('/') else osp.split(hub)
        names = [filename] if filename else ['open_clip_model.safetensors',
                                             'open_clip_pytorch_model.bin']
        if filename:
            names.append(osp.splitext(filename)[0] + '.safetensors')
        if any(isinstance(try_to_load_from_cache(model_id, n), str) for n in names):
            return True, 'huggingface.co'
    url = cfg.get('url', '')
    if url and osp.isfile(osp.join(osp.expanduser('~/.cache/clip'), osp.basename(url))):
        return True, urlparse(url).netloc
    return False, 'huggingface.co' if hub else urlparse(url).netloc


def looks_like_a_file(tag: str) -> bool:
    """Whether an open_clip ``pretrained`` value is a file path rather than a
    tag (``'openai'``, ``'laion2b_s34b_b88k'``)."""
    return '/' in tag or os.sep in tag or tag.endswith(WEIGHT_SUFFIXES)


def _innermost(dataset: dict, key: str) -> Tuple[dict, str]:
    while isinstance(dataset.get('dataset'), dict):
        dataset, key = dataset['dataset'], f'{key}.dataset'
    return dataset, key


def _data_problems(cfg: Config, loaders: List[str]) -> Iterator[str]:
    seen = set()
    for name in loaders:
        loader = cfg.get(name)
        if not loader or not isinstance(loader.get('dataset'), dict):
            continue
        dataset, key = _innermost(
            loader['dataset'].to_dict() if hasattr(loader['dataset'], 'to_dict') else
            dict(loader['dataset']), f'{name}.dataset')
        kind, root = dataset.get('type'), dataset.get('data_root', '') or ''
        if (kind, root, dataset.get('ann_file')) in seen:
            continue
        seen.add((kind, root, dataset.get('ann_file')))
        if dataset.get('ann_file'):
            path = dataset['ann_file']
            path = path if osp.isabs(path) or not root else osp.join(root, path)
            if not osp.isfile(path):
                yield (f'the split file {path} ({key}.data_root / {key}.ann_file)')
        elif kind in CIFAR_FOLDERS:
            folder = osp.join(root, CIFAR_FOLDERS[kind])
            if not osp.isdir(folder) and not (dataset.get('download', True) and
                                              reachable(CIFAR_HOST)):
                yield (f'the {kind} files in {folder} ({key}.data_root; no network to '
                       f'download)')
        elif kind == 'FashionMNISTLT':
            try:
                find_fashion_mnist(root, download=False)
            except FileNotFoundError:
                if not (dataset.get('download', True)
                        and reachable(FASHION_MNIST_HOST)):
                    yield (
                        f'the Fashion-MNIST files in {root} ({key}.data_root; or '
                        f'apt-get '
                        f'install dataset-fashion-mnist)')


def _clip_problems(model: dict, key: str, covered: bool) -> Iterator[str]:
    """CLIP weights a model needs and cannot get. ``covered``: a checkpoint
    holds the tower's weights (the teacher of a distiller with teacher_ckpt)."""
    backbone = dict(model.get('backbone') or {})
    head = dict(model.get('head') or {})
    towers = []
    if backbone.get('type') == 'CLIPVisionBackbone' and not covered:
        towers.append((backbone.get('model_name', 'ViT-B-16'),
                       backbone.get('pretrained'), f'{key}.backbone.pretrained'))
    text = head.get('type') == 'ZeroShotClsHead' and not (
        head.get('weights_file') and osp.isfile(head['weights_file']))
    text = text or (head.get('type') == 'CosineClsHead'
                    and head.get('init_from') == 'text' and key == 'model')
    if text:
        clip = dict(head.get('clip') or {})
        towers.append((clip.get('model_name', backbone.get('model_name', 'ViT-B-16')),
                       clip.get('pretrained', backbone.get('pretrained')),
                       f'{key}.head.clip.pretrained' if head.get('clip')
                       else f'{key}.backbone.pretrained'))
    options = {}
    for model_name, tag, option in towers:
        keys = options.setdefault((model_name, tag), [])
        if tag is not None and not osp.isfile(str(tag)) and option not in keys:
            keys.append(option)
    for (model_name, tag), keys in options.items():
        if not keys:
            continue
        if looks_like_a_file(str(tag)):
            yield f'the CLIP weights file {tag} of {model_name} ({" and ".join(keys)})'
            continue
        cached, host = clip_weights_source(model_name, tag)
        if not cached and not reachable(host):
            yield (
                f"open_clip weights '{tag}' of {model_name} (not cached, no network to "
                f'{host}: set {" and ".join(keys)} to a local checkpoint file)')


def check_inputs(cfg: Config,
                 mode: str = 'train',
                 checkpoint: Optional[str] = None) -> None:
    """Everything a ``tools/train.py`` (``mode='train'``) or ``tools/test.py``
    (``'test'``) run needs from outside: data, the teacher checkpoint, CLIP
    weights, the checkpoint to test.

    Raises:
        MissingInputsError: one line listing each missing input and how to give it.
    """
    missing = []
    if checkpoint is not None and not osp.isfile(checkpoint):
        missing.append(f'the checkpoint {checkpoint}')
    loaders = ['train_dataloader', 'val_dataloader'] if mode == 'train' \
        else ['test_dataloader']
    if mode == 'train' and cfg.get('val_cfg') is None:
        loaders = loaders[:1]
    missing += list(_data_problems(cfg, loaders))
    model = cfg.get('model') or {}
    model = model.to_dict() if hasattr(model, 'to_dict') else dict(model)
    if model.get('type') == 'ClassConditionalDistiller':
        if mode == 'train':
            from ..models.distillers.frozen_teacher import teacher_ckpt_of
            teacher = model.get('teacher')
            ckpt = None if isinstance(teacher, str) and not osp.isfile(teacher) else \
                teacher_ckpt_of(model)
            if ckpt is not None and not osp.isfile(ckpt):
                missing.append(
                    f'the teacher checkpoint {ckpt} (model.teacher_ckpt: train the '
                    f'teacher config with tools/train.py, or give its checkpoint)')
            if isinstance(teacher, str) and not osp.isfile(teacher):
                missing.append(
                    f'the teacher config {osp.normpath(teacher)} (model.teacher)')
            else:
                from ..models.distillers.model_configs import read_model_config
                missing += list(
                    _clip_problems(
                        read_model_config(teacher, 'model.teacher'),
                        'model.teacher',
                        covered=ckpt is not None))
    else:  # a checkpoint to test holds the tower's weights
        missing += list(_clip_problems(model, 'model', covered=checkpoint is not None))
    if missing:
        raise MissingInputsError('cannot start, missing: ' + '; '.join(missing))
