"""Building a distiller's frozen teacher: its config, the checks that need no
weights, its checkpoint, eval mode without gradients."""
import os.path as osp
from typing import Any, Dict, Optional, Tuple, Union

import torch.nn as nn
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict
from mmpretrain.registry import MODELS

from ..utils import shape_note, weight_differences
from .model_configs import read_model_config, spec_label

#: backbone keys that decide which network a teacher is (``pretrained`` does not:
#: a checkpoint carries every weight of the tower). MMPretrain's ``LoRAModel``
#: saves only its LoRA weights, so its ``module`` (the frozen network and the
#: ``init_cfg`` it loads) and LoRA settings count.
BACKBONE_KEYS = ('type', 'depth', 'model_name', 'model_cfg', 'out_type', 'peft',
                 'in_channels', 'base_channels', 'stem_stride', 'num_stages',
                 'num_classes', 'module', 'rank', 'alpha', 'targets', 'input_size')
PROTOTYPE_HEADS = ('NCMClsHead', 'ZeroShotClsHead', 'ClassMapClsHead')


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in sorted(value.items()) if v is not None
                and k != '_scope_'}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def network_summary(model_cfg: dict, with_head: bool = True) -> Dict[str, Any]:
    """What builds a classifier's weights: backbone keys, neck and head type,
    classes and feature size (``None`` values and registry scopes dropped)."""
    backbone = dict(model_cfg.get('backbone') or {})
    summary = {f'backbone.{k}': _clean(backbone[k]) for k in BACKBONE_KEYS
               if backbone.get(k) is not None}
    neck = model_cfg.get('neck')
    if neck is not None:
        summary['neck'] = _clean([n['type'] for n in neck] if isinstance(neck, list)
                                 else neck['type'])
    head = dict(model_cfg.get('head') or {})
    if with_head:
        for k in ('type', 'num_classes', 'in_channels'):
            if head.get(k) is not None:
                summary[f'head.{k}'] = head[k]
    return summary


def check_teacher_checkpoint(meta: dict, teacher_cfg: dict, path: str,
                             key: str, label: Optional[str] = None) -> None:
    """Refuse a checkpoint trained as another network than ``teacher_cfg``.

    mmengine stores the training run's config in ``meta['cfg']``; its model
    must build the same backbone (tuner type and settings included), neck
    and, for heads the checkpoint provides, the same head and classes as the
    teacher config. A prototype head (NCM, zero-shot) builds its own weights,
    so only the backbone is compared then.

    Args:
        key: the config key of the teacher (``model.teacher``); its checkpoint
            is ``{key}_ckpt``.
        label: how the messages name the teacher (its config file), default
            ``key``.

    Raises:
        ValueError: one line naming the checkpoint, the teacher config and
            the first differing key.
    """
    label = label or key
    text = (meta or {}).get('cfg')
    logger = MMLogger.get_current_instance()
    if not text:
        logger.warning(f'{key}_ckpt {path} carries no training config: its weights are '
                       f'checked by name and shape only')
        return
    trained = Config.fromstring(text, '.py').get('model')
    if not trained or trained.get('type') == 'ClassConditionalDistiller':
        raise ValueError(f'{key}_ckpt {path} is not a checkpoint of a classifier '
                         f'(model.type {trained and trained.get("type")!r})')
    own_head = dict(teacher_cfg.get('head') or {}).get('type') not in PROTOTYPE_HEADS
    want = network_summary(teacher_cfg, with_head=own_head)
    got = network_summary(trained.to_dict(), with_head=own_head)
    differ = [k for k in want if k in got and want[k] != got[k]]
    differ += [k for k in want if k not in got] + [k for k in got if k not in want]
    if differ:
        k = differ[0]
        raise ValueError(
            f'{key}_ckpt {path} was trained with {k}={got.get(k)!r}, but '
            f'{label} builds {k}={want.get(k)!r}: a different teacher; point '
            f'{key}_ckpt at a checkpoint of {label}')


def load_teacher_checkpoint(teacher: nn.Module, checkpoint: dict, path: str,
                            key: str, label: Optional[str] = None) -> None:
    """The checkpoint's weights into ``teacher``, strictly: every weight of the
    teacher must be in the file with its shape and the file must hold no
    other, except a prototype head's (NCM, zero-shot: built from its own
    weights file, so the checkpoint's head is neither needed nor loaded)."""
    label = label or key
    saved = checkpoint.get('state_dict', checkpoint)
    saved = {
        k[len('module.'):] if k.startswith('module.') else k: v
        for k, v in saved.items()
    }
    skip = ('head.', ) if type(teacher.head).__name__ in PROTOTYPE_HEADS else ()
    saved = {k: v for k, v in saved.items() if not k.startswith(skip)}
    own = {k: v for k, v in teacher.state_dict().items() if not k.startswith(skip)}
    missing, unexpected, wrong = weight_differences(own, saved)
    if missing or unexpected:
        counts = [f'{len(missing)} weights missing (e.g. {missing[0]})'] if missing \
            else []
        counts += [f'{len(unexpected)} unexpected (e.g. {unexpected[0]})'
                   ] if unexpected else []
        raise ValueError(
            f'{key}_ckpt {path} does not fit {label}: {", ".join(counts)}')
    if wrong:
        raise ValueError(f'{key}_ckpt {path} does not fit {label}: '
                         f'{shape_note(wrong[0], own, saved)}')
    load_state_dict(teacher, saved, strict=False, logger='silent')


def final_checkpoint(config_path: str, key: str = 'model.teacher_ckpt',
                     cfg: Optional[Config] = None) -> str:
    """Where ``tools/train.py CONFIG`` leaves its last checkpoint: the config's
    ``work_dir`` (default ``work_dirs/<config name>``, relative to the working
    directory, as the tool makes it) and ``epoch_<max_epochs>.pth`` (or
    ``iter_<max_iters>.pth``). ``cfg``: the config when already read."""
    if cfg is None:
        if not osp.isfile(config_path):
            raise FileNotFoundError(f'{key}: the config {osp.normpath(config_path)} '
                                    f'that trains the teacher does not exist')
        cfg = Config.fromfile(config_path)
    work_dir = cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(config_path))[0])
    train_cfg = cfg.get('train_cfg') or {}
    if train_cfg.get('max_epochs'):
        name = f'epoch_{train_cfg["max_epochs"]}.pth'
    elif train_cfg.get('max_iters'):
        name = f'iter_{train_cfg["max_iters"]}.pth'
    else:
        raise ValueError(f'{key}: {osp.normpath(config_path)} has no '
                         f'train_cfg.max_epochs or max_iters; give the checkpoint')
    return osp.join(work_dir, name)


def resolve_teacher_ckpt(teacher: Union[str, dict],
                         teacher_ckpt: Union[str, dict, None],
                         key: str = 'model.teacher_ckpt') -> Optional[str]:
    """The teacher checkpoint a distiller loads.

    * ``'auto'`` (the default): a teacher given as a config file that trains
      (not a zero-shot or NCM head, whose weights come from the config) loads
      the last checkpoint ``tools/train.py`` writes for that config
      (:func:`final_checkpoint`); any other teacher loads none;
    * ``dict(trained_by=CONFIG)``: the last checkpoint of another config's run
      (an NCM teacher over the backbone that config trains);
    * a path: that file; ``None``: no checkpoint.
    """
    if isinstance(teacher_ckpt, dict):
        unknown = sorted(set(teacher_ckpt) - {'trained_by'})
        if unknown or 'trained_by' not in teacher_ckpt:
            raise ValueError(f"{key}: a dict takes one key, trained_by=CONFIG; got "
                             f'{sorted(teacher_ckpt)}')
        return final_checkpoint(teacher_ckpt['trained_by'], key)
    if teacher_ckpt != 'auto':
        return teacher_ckpt
    if not isinstance(teacher, str):
        return None
    if not osp.isfile(teacher):
        read_model_config(teacher, 'model.teacher')  # its one-line error
    cfg = Config.fromfile(teacher)  # read once: its head, then its schedule
    if ((cfg.get('model') or {}).get('head') or {}).get('type') in PROTOTYPE_HEADS:
        return None
    return final_checkpoint(teacher, key, cfg)


def teacher_ckpt_of(model_cfg: dict) -> Optional[str]:
    """The teacher checkpoint a distiller config's ``model`` loads
    (:func:`resolve_teacher_ckpt` of its ``teacher`` and ``teacher_ckpt``)."""
    return resolve_teacher_ckpt(model_cfg.get('teacher'),
                                model_cfg.get('teacher_ckpt', 'auto'))


def prepare_teacher(teacher: Union[str, dict], teacher_ckpt: Optional[str],
                    key: str = 'model.teacher') -> Tuple[dict, Optional[dict]]:
    """The teacher config and its checkpoint, checked before anything is built
    or downloaded: the config file exists, the checkpoint exists and was
    trained as this teacher. With a checkpoint the tower is built without its
    pretrained weights (the checkpoint holds them), so nothing is downloaded."""
    teacher_cfg = read_model_config(teacher, key)
    label = spec_label(teacher, key)
    checkpoint = None
    if teacher_ckpt is not None:
        if not osp.isfile(teacher_ckpt):
            raise FileNotFoundError(
                f'{key}_ckpt not found: {teacher_ckpt} (train the teacher config '
                f'with tools/train.py, or set {key}_ckpt to its checkpoint)')
        checkpoint = CheckpointLoader.load_checkpoint(teacher_ckpt, map_location='cpu',
                                                      logger='silent')
        check_teacher_checkpoint(
            checkpoint.get('meta'), teacher_cfg, teacher_ckpt, key, label)
        backbone = teacher_cfg.get('backbone') or {}
        if backbone.get('type') == 'CLIPVisionBackbone':
            backbone['pretrained'] = None
    return teacher_cfg, checkpoint


def build_frozen_teacher(teacher_cfg: dict,
                         checkpoint: Optional[dict] = None,
                         path: Optional[str] = None,
                         key: str = 'model.teacher') -> nn.Module:
    """Build the teacher, load ``checkpoint`` (then it counts as initialised, so
    ``init_weights`` leaves it), freeze it and put it in eval mode."""
    teacher = MODELS.build(teacher_cfg)
    if checkpoint is not None:
        load_teacher_checkpoint(teacher, checkpoint, path, key)
        teacher._is_init = True  # mmengine's BaseModule: init_weights skips it
    teacher.requires_grad_(False)
    return teacher.eval()
