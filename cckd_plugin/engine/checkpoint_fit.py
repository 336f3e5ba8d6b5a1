"""Strict checkpoint loading: a checkpoint must fit the model its config builds,
weight for weight and shape for shape, and a resumed run must keep its config.

mmengine loads ``load_from``, ``--resume`` and ``tools/test.py`` checkpoints
with ``strict=False`` and reports a mismatch as a warning deep in the log, so a
checkpoint of another network is evaluated half random. Here any missing,
unexpected or mis-shaped weight is one error line that names the first keys
and, from the config mmengine keeps in every checkpoint (``meta['cfg']``),
what the checkpoint was trained with where the given config differs.
"""
import os.path as osp
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence

import torch
from mmengine.config import Config

from ..models.utils import shape_note, weight_differences

#: config keys a resumed run may change (docs/conventions.md, "Checkpoints"):
#: the length of the run, how often it validates, logs and saves, where it
#: writes, how it is launched; every other key must be as the run was started
RESUME_MAY_CHANGE = ('train_cfg.max_epochs', 'train_cfg.val_interval',
                     'train_cfg.val_begin', 'default_hooks.logger',
                     'default_hooks.checkpoint', 'log_level', 'log_processor',
                     'visualizer', 'vis_backends', 'work_dir', 'experiment_name',
                     'load_from', 'resume', 'launcher', 'env_cfg', 'model_wrapper_cfg',
                     'custom_imports', 'load_from_skip')
#: data-loader keys the tools' flags change (``--no-pin-memory``, ...)
LOADER_MAY_CHANGE = ('num_workers', 'pin_memory', 'persistent_workers')
#: what decides a distiller's weights besides its student network
DISTILL_KEYS = ('method', 'align', 'always_align')
#: how many differing keys an error names
SHOWN = 3


class CheckpointMismatchError(ValueError):
    """A checkpoint that does not fit the model or the run it is loaded into."""


def flatten(value: Any, prefix: str = '') -> Dict[str, Any]:
    """Nested dicts and lists as ``{'a.b.0.c': leaf}`` (tuples read as lists,
    registry scopes dropped, paths through ``..`` normalised: a config moved to
    another folder names the same files)."""
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if k != '_scope_']
    elif isinstance(value, (list, tuple)):
        items = [(str(i), v) for i, v in enumerate(value)]
    elif isinstance(value, str) and '/../' in value:
        return {prefix: osp.normpath(value)}
    else:
        return {prefix: value}
    out: Dict[str, Any] = {}
    for key, item in items:
        out.update(flatten(item, f'{prefix}.{key}' if prefix else str(key)))
    if not items and prefix:
        out[prefix] = value
    return out


def model_summary(model_cfg: dict) -> Dict[str, Any]:
    """What builds a model's weights, by dotted config key: the backbone's
    keys (tuner included), neck and head types, classes and feature sizes;
    for a distiller its method and align layout and its student network."""
    from ..models.distillers.frozen_teacher import network_summary
    from ..models.distillers.model_configs import student_config
    model_cfg = dict(model_cfg or {})
    if model_cfg.get('type') != 'ClassConditionalDistiller':
        return dict({'model.type': model_cfg.get('type')}, **{
            f'model.{k}': v for k, v in flatten(network_summary(model_cfg)).items()})
    from ..models.distillers.distill_settings import resolve_distill
    distill = dict(model_cfg.get('distill') or {})
    try:
        settings = resolve_distill(distill)  # the defaults filled in
        distill = {k: getattr(settings, k) for k in DISTILL_KEYS}
    except Exception:  # noqa: BLE001  (settings of another version: as written)
        pass
    summary = {'model.type': model_cfg.get('type')}
    summary.update({f'model.distill.{k}': distill.get(k) for k in DISTILL_KEYS})
    try:
        student = student_config(model_cfg)
    except Exception:  # noqa: BLE001  (a student file that moved: compare its path)
        return dict(summary, **{'model.student': model_cfg.get('student')})
    summary.update({f'model.student.{k}': v for k, v in
                    flatten(network_summary(student)).items()})
    return summary


def config_differences(trained: dict, given: dict) -> List[str]:
    """``key=trained value`` vs ``given value`` for each key that differs (the
    model type first: the other keys mean little across types)."""
    if trained.get('model.type') != given.get('model.type'):
        trained = {'model.type': trained.get('model.type')}
        given = {'model.type': given.get('model.type')}
    keys = [k for k in given if trained.get(k) != given[k]]
    keys += [k for k in trained if k not in given]
    return [f'{k}={trained.get(k)!r} (this config: {given.get(k)!r})' for k in keys]


def saved_config(checkpoint: dict) -> Optional[Config]:
    """The config a checkpoint was trained with (``meta['cfg']``), if any."""
    text = (checkpoint.get('meta') or {}).get('cfg')
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return Config.fromstring(text, '.py')
    except Exception:  # noqa: BLE001  (an unreadable meta config: compare weights only)
        return None


def _state(checkpoint: dict, revise_keys: Sequence) -> Dict[str, torch.Tensor]:
    state = checkpoint.get('state_dict', checkpoint)
    for pattern, replacement in revise_keys:
        state = {re.sub(pattern, replacement, k): v for k, v in state.items()}
    return state


def _starts(key: str, prefixes: Iterable[str]) -> bool:
    return any(key.startswith(p) for p in prefixes)


def check_checkpoint_fits(model: torch.nn.Module,
                          checkpoint: dict,
                          path: str,
                          cfg: Config,
                          skip: Sequence[str] = (),
                          revise_keys: Sequence = ((r'^module\.', ''), )) -> None:
    """Refuse ``checkpoint`` unless every weight of ``model`` is in it with its
    shape and it holds no other weight.

    Args:
        skip: key prefixes left out of the comparison on both sides, with
            the documented exceptions: the model's
            ``checkpoint_ignored_prefixes`` (a student-only distiller's
            ``teacher.``), every prototype head (NCM, zero-shot: built from
            its weights file; class map: from the backbone's classifier) and
            the config's ``load_from_skip``.

    Raises:
        CheckpointMismatchError: one line naming the first missing,
            unexpected and mis-shaped keys and the config keys whose values
            the checkpoint was trained with differ from ``cfg``.
    """
    from ..models.heads import ClassMapClsHead, PrototypeClsHead
    skip = tuple(skip) + tuple(getattr(model, 'checkpoint_ignored_prefixes', ()))
    # a prototype head (NCM, zero-shot) builds its weights from its own file,
    # a class-map head from the backbone's pre-trained classifier
    skip += tuple(f'{name}.' for name, module in model.named_modules()
                  if isinstance(module, (PrototypeClsHead, ClassMapClsHead)))
    own = {k: v for k, v in model.state_dict().items() if not _starts(k, skip)}
    saved = {k: v for k, v in _state(checkpoint, revise_keys).items()
             if not _starts(k, skip)}
    missing, unexpected, shapes = weight_differences(own, saved)
    if not (missing or unexpected or shapes):
        return
    parts = []
    if missing:
        parts.append(f'{len(missing)} missing ({", ".join(missing[:SHOWN])})')
    if unexpected:
        parts.append(f'{len(unexpected)} unexpected ({", ".join(unexpected[:SHOWN])})')
    if shapes:
        parts.append(f'{len(shapes)} mis-shaped ({shape_note(shapes[0], own, saved)})')
    trained = saved_config(checkpoint)
    if trained is None:
        why = 'the checkpoint carries no config to compare'
    else:
        differ = config_differences(model_summary(trained.get('model')),
                                    model_summary(cfg.get('model')))
        why = ('it was trained with ' + '; '.join(differ[:SHOWN])) if differ else \
            'its training config builds the same network as far as the keys compared'
    raise CheckpointMismatchError(
        f'checkpoint {path} does not fit the model of {cfg.filename or "the config"}: '
        f'{", ".join(parts)}; {why}')


def _may_change(key: str) -> bool:
    if _starts(key + '.', [p + '.' for p in RESUME_MAY_CHANGE]):
        return True
    parts = key.split('.')
    return parts[0].endswith('_dataloader') and len(parts) == 2 and \
        parts[1] in LOADER_MAY_CHANGE


def check_resume_config(checkpoint: dict, path: str, cfg: Config) -> None:
    """Refuse to resume a run under another config than it was started with,
    except the keys of ``RESUME_MAY_CHANGE``.

    Raises:
        CheckpointMismatchError: one line naming the first changed keys.
    """
    trained = saved_config(checkpoint)
    if trained is None:
        return
    before = {k: v for k, v in flatten(trained.to_dict()).items() if not _may_change(k)}
    now = {k: v for k, v in flatten(cfg.to_dict()).items() if not _may_change(k)}
    changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    if changed:
        shown = '; '.join(f'{k}: {before.get(k)!r} -> {now.get(k)!r}'
                          for k in changed[:SHOWN])
        raise CheckpointMismatchError(
            f'refusing to resume from {path}: {len(changed)} config key(s) differ from '
            f'the run that wrote it ({shown}); only '
            f'{", ".join(RESUME_MAY_CHANGE[:5])}, ... may change on resume '
            f'(docs/conventions.md, section 11); start a new work_dir '
            f'or use load_from to begin a new run from these weights')
