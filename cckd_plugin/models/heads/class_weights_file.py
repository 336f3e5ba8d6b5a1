"""Saved class-weight files of zero-shot and NCM heads, with their provenance."""
import io
import json
import os.path as osp
from typing import Callable, Optional, Tuple

import torch
from mmengine.dist import is_main_process
from mmengine.logging import MMLogger

from ...compat import safe_torch_load
from ...fileio import atomic_write


def save_class_weights(path: str, weight: torch.Tensor, scale: float, kind: str,
                       provenance: dict) -> None:
    """Write ``weight`` ``(C, D)``, the logit ``scale`` and what they were built
    from; the file appears atomically (temporary file, then rename)."""
    record = dict(weight=weight.detach().float().cpu().contiguous(), scale=float(scale),
                  kind=kind, provenance=json.dumps(provenance, sort_keys=True))
    buffer = io.BytesIO()
    torch.save(record, buffer)
    atomic_write(buffer.getvalue(), path)


def load_class_weights(path: str,
                       kind: Optional[str],
                       num_classes: int,
                       feature_dim: int,
                       provenance: Optional[dict] = None,
                       key: str = 'weights_file') -> dict:
    """Read a class-weight file and check that it fits the head.

    Args:
        kind: ``'zero-shot'``, ``'ncm'`` or ``None`` for either.

    Raises:
        ValueError: another kind of head, another class count or feature size,
            or (when ``provenance`` is given) built from other data.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{key} not found: {path} (build it with '
                                f'tools/build_teacher_head.py)')
    record = safe_torch_load(path, map_location='cpu')
    if kind is not None and record.get('kind') != kind:
        raise ValueError(f'{key} {path} holds a {record.get("kind")} head, not {kind}')
    shape = tuple(record['weight'].shape)
    if shape != (num_classes, feature_dim):
        raise ValueError(
            f'{key} {path} holds {shape[0]} classes x {shape[1]} features, '
            f'the head expects {num_classes} x {feature_dim}')
    if provenance is not None:
        saved = json.loads(record['provenance'])
        wanted = json.loads(json.dumps(provenance, sort_keys=True))
        if saved != wanted:
            diff = sorted(
                k for k in set(saved) | set(wanted) if saved.get(k) != wanted.get(k))
            raise ValueError(
                f'{key} {path} was built from other data ({", ".join(diff)} '
                f'differ); delete it to rebuild or point {key} elsewhere')
    return record


def cached_class_weights(path: str, kind: str, num_classes: int, feature_dim: int,
                         provenance: dict,
                         build: Callable[[], Tuple[torch.Tensor, float]],
                         key: str = 'weights_file') -> Tuple[torch.Tensor, float]:
    """The class weights ``(C, D)`` and logit scale in ``path`` when it was built
    from ``provenance`` (checked by :func:`load_class_weights`: a file built
    from other data is an error, never silently rebuilt); without the file,
    ``build()``'s, saved there by the main process. Every head that builds its
    weights once (zero-shot, NCM, LIFT's text initialisation) goes through here."""
    logger = MMLogger.get_current_instance()
    if osp.isfile(path):
        record = load_class_weights(path, kind, num_classes, feature_dim, provenance,
                                    key=key)
        logger.info(f'{kind} class weights from {path}')
        return record['weight'], record['scale']
    weight, scale = build()
    if is_main_process():
        save_class_weights(path, weight, scale, kind, provenance)
    logger.info(f'{kind} class weights saved to {path}')
    return weight, scale
