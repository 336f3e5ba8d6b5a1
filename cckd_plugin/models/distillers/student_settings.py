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
  distillation terms and the mixed images use the plain logits;
* a sigmoid supervised loss (MMPretrain's ``FocalLoss``, ``use_sigmoid=True``):
  honoured as ``L_sup``, with a start-up line that every other term (and the
  prediction) reads the softmax of the same logits;
* channels and class counts: the student's backbone takes as many channels as
  its normalisation has, and its head has the teacher's class count.
"""
import inspect
from typing import Callable, Optional

import torch.nn as nn
from mmpretrain.registry import MODELS

from .model_configs import spec_key, spec_label

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


#: MMPretrain's single-label losses that score each class by a sigmoid
SIGMOID_LOSSES = ('FocalLoss', )


def is_sigmoid_loss(loss: Optional[nn.Module]) -> bool:
    """Whether ``loss`` treats each class as a binary decision (``FocalLoss``,
    any loss with ``use_sigmoid=True``) rather than one softmax over classes."""
    return type(loss).__name__ in SIGMOID_LOSSES or bool(
        getattr(loss, 'use_sigmoid', False))


def head_takes_targets(head: nn.Module) -> bool:
    """Whether the head's training logits depend on the targets
    (``forward(feats, target)``, such as ``ArcFaceClsHead``)."""
    return 'target' in inspect.signature(head.forward).parameters


def check_student_channels(student, student_cfg: dict, mean) -> None:
    """The student's backbone must take as many channels as the normalisation
    has (a grey image is repeated to that many channels)."""
    backbone = dict(student_cfg.get('backbone') or {})
    cls = MODELS.get(backbone.get('type')) if isinstance(backbone.get('type'),
                                                         str) else None
    channels = backbone.get('in_channels')
    declared = False
    for base in (cls.__mro__ if channels is None and cls is not None else ()):
        param = inspect.signature(base.__init__).parameters.get('in_channels') \
            if '__init__' in vars(base) else None
        if param is not None:  # the default of the first class that declares it
            channels = None if param.default is param.empty else param.default
            declared = True
            break
    if channels is None and cls is not None and not declared:
        # a backbone without the argument (MobileNetV2, ...) reads RGB images
        channels = backbone.get('in_chans', 3)
    if channels is None or mean is None or len(mean) == channels:
        return
    where = spec_key(student, 'model.student', 'backbone')
    raise ValueError(
        f'{where} takes {channels}-channel images but data_preprocessor.mean has '
        f'{len(mean)} value(s): give {channels} means and stds (grey images are '
        f'repeated to {channels} channels) or a {len(mean)}-channel backbone')


def check_class_counts(student, student_cfg: dict, teacher, teacher_cfg: dict) -> int:
    """The student's and the teacher's class counts, from their configs, must
    agree; returns the count. Errors name the keys the user sets."""
    where = spec_label

    classes = (student_cfg.get('head') or {}).get('num_classes')
    theirs = (teacher_cfg.get('head') or {}).get('num_classes')
    if classes is None:
        raise ValueError(
            f'{where(student, "model.student")}: head.num_classes is not set')
    if theirs is not None and theirs != classes:
        raise ValueError(
            f'teacher has {theirs} classes but the student {classes}: '
            f'{where(teacher, "model.teacher")} head.num_classes={theirs}, '
            f'{where(student, "model.student")} head.num_classes={classes}')
    return int(classes)
