"""The keys a validation evaluator reports, checked against what the
checkpoint hook's ``save_best`` reads, before the first epoch.

mmengine looks the ``save_best`` key up in the metrics after the first
validation; a key the evaluator does not report (MMPretrain's ``Accuracy``
under a config that saves the best ``shot/all``) ends in a ``KeyError`` a whole
validation interval into the run."""
from typing import List, Optional, Set, Tuple

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


def plain_dict(section) -> Optional[dict]:
    """A config section (``ConfigDict`` or dict) as a plain dict; ``None`` for
    what is not a mapping."""
    if section is None or not hasattr(section, 'keys'):
        return None
    return section.to_dict() if hasattr(section, 'to_dict') else dict(section)


def evaluator_metrics(evaluator, name: str) -> List[Tuple[str, dict]]:
    """(config key, metric config) of each metric of an evaluator config: a
    metric, a list of them, or an ``Evaluator`` with ``metrics``."""
    if isinstance(evaluator, (list, tuple)):
        return [(f'{name}[{i}]', plain_dict(m)) for i, m in enumerate(evaluator)
                if plain_dict(m)]
    evaluator = plain_dict(evaluator)
    if not evaluator:
        return []
    if 'metrics' in evaluator:
        return evaluator_metrics(evaluator['metrics'], f'{name}.metrics')
    return [(name, evaluator)]


def reported_keys(evaluator) -> Optional[Set[str]]:
    """The keys an evaluator config (a metric, a list of them, or an
    ``Evaluator`` with ``metrics``) reports; ``None`` if any metric's are unknown."""
    keys: Set[str] = set()
    for _, metric in evaluator_metrics(evaluator, 'val_evaluator'):
        found = _metric_keys(metric)
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
        kinds = sorted({str(metric.get('type')) for _, metric in
                        evaluator_metrics(evaluator, 'val_evaluator')})
        raise ValueError(
            f'default_hooks.checkpoint.save_best={save_best!r} but val_evaluator '
            f'({", ".join(kinds)}) reports {sorted(reported)}: save the '
            f'best by one of those, or evaluate with ShotGroupAccuracy (shot/all)')
