"""The keys a validation evaluator reports, checked against what the
checkpoint hook's ``save_best`` reads, before the first epoch.

mmengine looks the ``save_best`` key up in the metrics after the first
validation; a key the evaluator does not report (MMPretrain's ``Accuracy``
under a config that saves the best ``shot/all``) ends in a ``KeyError`` a whole
validation interval into the run."""
from typing import List, Optional, Set

from mmengine.config import Config

from .shot_group_accuracy import GROUPS


def _metric_keys(metric: dict) -> Optional[Set[str]]:
    """The keys one metric config reports, or ``None`` when not known here."""
    kind = metric.get('type')
    if kind == 'ShotGroupAccuracy':
        prefix = metric.get('prefix') or 'shot'
        names = ['all', *GROUPS]
        if metric.get('ece_bins') is not None:
            names += ['ece'] + [f'ece_{g}' for g in GROUPS]
        return {f'{prefix}/{n}' for n in names}
    if kind == 'Accuracy':  # MMPretrain's: top-k, one name per threshold
        prefix = metric.get('prefix') or 'accuracy'
        topk = metric.get('topk', (1, ))
        topk = (topk, ) if isinstance(topk, int) else tuple(topk)
        thrs = metric.get('thrs', 0.0)
        single = thrs is None or isinstance(thrs, (int, float))
        thrs = (thrs, ) if single else tuple(thrs)
        keys = set()
        for k in topk:
            for thr in thrs:
                name = f'top{k}'
                if len(thrs) > 1:
                    name += '_no-thr' if thr is None else f'_thr-{thr:.2f}'
                keys.add(f'{prefix}/{name}')
        return keys
    return None


def reported_keys(evaluator) -> Optional[Set[str]]:
    """The keys an evaluator config (a metric, a list of them, or an
    ``Evaluator`` with ``metrics``) reports; ``None`` if any metric's are unknown."""
    if hasattr(evaluator, 'keys') and 'metrics' in evaluator:
        evaluator = evaluator['metrics']
    metrics: List[dict] = list(evaluator) if isinstance(evaluator, (list, tuple)) \
        else [evaluator]
    keys: Set[str] = set()
    for metric in metrics:
        found = _metric_keys(dict(metric))
        if found is None:
            return None
        keys |= found
    return keys


def check_save_best(cfg: Config) -> None:
    """``default_hooks.checkpoint.save_best`` names keys ``val_evaluator``
    reports (a run without validation, ``'auto'`` and metrics whose keys are
    not known here pass).

    Raises:
        ValueError: one line naming both settings and the reported keys.
    """
    hook = (cfg.get('default_hooks') or {}).get('checkpoint') or {}
    save_best = hook.get('save_best')
    evaluator = cfg.get('val_evaluator')
    if not save_best or cfg.get('val_cfg') is None or not evaluator:
        return
    wanted = [save_best] if isinstance(save_best, str) else list(save_best)
    reported = reported_keys(evaluator)
    if reported is None:
        return
    missing = [k for k in wanted if k != 'auto' and k not in reported]
    if missing:
        kinds = sorted({m.get('type') for m in (
            evaluator.get('metrics', [evaluator]) if hasattr(evaluator, 'keys')
            else evaluator)})
        raise ValueError(
            f'default_hooks.checkpoint.save_best={save_best!r} but val_evaluator '
            f'({", ".join(map(str, kinds))}) reports {sorted(reported)}: save the '
            f'best by one of those, or evaluate with ShotGroupAccuracy (shot/all)')
