"""The student's own settings inside a distiller: honoured or refused.

The distiller runs the student's encoder and head itself, so a setting MMPretrain
applies elsewhere (its data preprocessor, its head's ``loss()``) must be taken
over here or refused at start-up (docs/conventions.md, section 7):

* normalisation: the student config's own ``data_preprocessor`` (mean, std,
  ``to_rgb``) is the student's; with the distiller's top-level one as well,
  both must agree;
* batch augmentations (``train_cfg.augments``, ``data_preprocessor.
  batch_augments``): refused. ACCKD mixes its batch itself (``model.mix``,
  Algorithm 1) and the other methods train on the unmixed batch, as the paper;
* a head whose training logits need the targets (``forward(feats, target)``,
  ArcFace's margin): honoured for the supervised loss on the real images; the
  distillation terms and the mixed images use the plain logits.
"""
import inspect
from typing import Callable, Optional

import torch.nn as nn

NORM_KEYS = ('mean', 'std', 'to_rgb')


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else value


def student_normalisation(norm: Optional[dict], student_cfg: dict, where: str) -> dict:
    """The student's normalisation: the distiller's ``data_preprocessor``,
    completed by the student config's own (``where``: how errors name it).

    Raises:
        ValueError: both give a key with different values.
    """
    norm = dict(norm or {})
    own = dict(student_cfg.get('data_preprocessor') or {})
    for key in NORM_KEYS:
        if key not in own or own[key] is None:
            continue
        if key in norm and _as_list(norm[key]) != _as_list(own[key]):
            raise ValueError(
                f'{where}.{key}={_as_list(own[key])} but the '
                f'distiller\'s data_preprocessor.{key}={_as_list(norm[key])}: the '
                f'student is normalised once; make them agree or remove one')
        norm[key] = own[key]
    return norm


def check_no_batch_augments(student_cfg: dict, where: Callable[[str], str]) -> None:
    """Refuse MMPretrain batch augmentations in the student's config
    (``where(key)``: how errors name a key of it)."""
    augments = (student_cfg.get('train_cfg') or {}).get('augments')
    key = 'train_cfg.augments'
    if not augments:
        augments = (student_cfg.get('data_preprocessor') or {}).get('batch_augments')
        key = 'data_preprocessor.batch_augments'
    if augments:
        raise ValueError(
            f'{where(key)} is not applied inside the distiller: ACCKD mixes '
            f'class-balanced pairs itself (model.mix) and KD, WKD, DiVE and CCKD '
            f'train on the unmixed batch; remove it from the student\'s config')


def head_takes_targets(head: nn.Module) -> bool:
    """Whether the head's training logits depend on the targets
    (``forward(feats, target)``, such as ``ArcFaceClsHead``)."""
    return 'target' in inspect.signature(head.forward).parameters
