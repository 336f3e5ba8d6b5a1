"""Top-1 accuracy over all classes and over the many / medium / few shot groups."""
import json
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpretrain.registry import METRICS

from ..fileio import atomic_write
from ..models.losses.functional import safe_log

#: the shot groups (Liu et al. 2019) and, with ``all``, the keys of every result
GROUPS = ('many', 'medium', 'few')
SHOT_KEYS = GROUPS + ('all', )


def shot_table(metrics: dict, prefix: str = 'shot') -> Optional[str]:
    """The many / medium / few / all top-1 (%) and, when reported, the ECE (%)
    of a :class:`ShotGroupAccuracy`'s ``metrics`` as a Markdown table; ``None``
    without ``{prefix}/all``. A group the metric did not report shows ``-``."""
    if f'{prefix}/all' not in metrics:
        return None
    columns = [(name, metrics.get(f'{prefix}/{name}')) for name in SHOT_KEYS]
    if f'{prefix}/ece' in metrics:
        columns.append(('ECE', metrics[f'{prefix}/ece']))
    cells = [f'{v:.2f}' if v is not None else '-' for _, v in columns]
    widths = [max(len(name), len(cell)) for (name, _), cell in zip(columns, cells)]
    row = lambda items: '| ' + ' | '.join(  # noqa: E731
        f'{item:>{w}}' for item, w in zip(items, widths)) + ' |'
    return '\n'.join([row([name for name, _ in columns]),
                      '|' + '|'.join('-' * (w + 1) + ':' for w in widths) + '|',
                      row(cells)])


def calibration_bins(confidence: np.ndarray, correct: np.ndarray,
                     bins: int = 15) -> tuple:
    """Per equal-width confidence bin ``(k/bins, (k+1)/bins]`` of top-1
    confidences ``(N,)`` in ``[0, 1]``: the samples ``(bins,)`` and their mean
    confidence and accuracy ``(bins,)`` (NaN where a bin is empty)."""
    which = np.clip(np.ceil(confidence * bins).astype(np.int64) - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid='ignore', divide='ignore'):
        mean_confidence = np.bincount(which, confidence, bins) / count
        accuracy = np.bincount(which, correct, bins) / count
    return count, mean_confidence, accuracy


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               bins: int = 15) -> float:
    """ECE (%) of top-1 confidences ``(N,)`` in ``[0, 1]``: ``sum_b |B_b| / N *
    |acc(B_b) - conf(B_b)|`` over :func:`calibration_bins` (Guo et al. 2017);
    NaN for no samples."""
    if not len(confidence):
        return float('nan')
    count, mean_confidence, accuracy = calibration_bins(confidence, correct, bins)
    filled = count > 0
    gaps = count[filled] * np.abs(accuracy[filled] - mean_confidence[filled])
    return float(100.0 * gaps.sum() / len(confidence))


def logit_adjusted_scores(scores: torch.Tensor, class_counts: Sequence[int],
                          tau: float) -> torch.Tensor:
    """Post-hoc logit adjustment (Menon et al. 2021) of softmax scores ``(N, C)``:
    ``softmax(log score - tau * log p_tr)`` with ``p_tr`` the training prior
    from ``class_counts`` ``(C,)``; ``tau=0`` returns the scores renormalised."""
    counts = torch.as_tensor(class_counts, dtype=scores.dtype, device=scores.device)
    return torch.softmax(safe_log(scores) - tau * safe_log(counts / counts.sum()),
                         dim=-1)


def shot_groups(class_counts: Sequence[int], many_thr: int = 100,
                few_thr: int = 20) -> np.ndarray:
    """Group name of every class: ``many`` (> many_thr training images),
    ``few`` (< few_thr) or ``medium`` (the rest), ``(C,)`` strings."""
    counts = np.asarray(class_counts)
    return np.where(counts > many_thr, 'many',
                    np.where(counts < few_thr, 'few', 'medium'))


@METRICS.register_module()
class ShotGroupAccuracy(BaseMetric):
    """Top-1 accuracy (%) on all samples and per shot group (Liu et al. 2019).

    A group's accuracy is the mean per-class accuracy of its classes, which on
    a balanced test set equals the sample accuracy over the group. Keys:
    ``shot/all``, ``shot/many``, ``shot/medium``, ``shot/few`` (NaN for a
    group without classes).

    Args:
        class_counts: training images per class, ``(C,)``. Left ``None``, the
            :class:`ClassCountsHook` fills it from the training set or the
            checkpoint; without any, only ``shot/all`` is reported.
        many_thr: classes with more training images are ``many``.
        few_thr: classes with fewer training images are ``few``.
        per_class_file: JSON file to write per-class accuracy, counts, groups
            and class names to (for plots).
        ece_bins: also report the expected calibration error (%) of the top-1
            softmax confidence with this many bins (15 is Guo et al.'s), over
            all samples (``shot/ece``) and per group (``shot/ece_many``, ...,
            a sample's group being its true class's); ``None`` reports none.
        logit_adjust_tau: post-hoc logit adjustment (Menon et al. 2021) at test
            time, no retraining: the prediction becomes
            ``argmax(log score - tau * log p_tr)`` over the model's softmax scores
            (``p_tr`` from the class counts), the ECE is of the renormalised
            adjusted scores; ``0`` keeps the model's prediction. For example
            ``--cfg-options test_evaluator.logit_adjust_tau=1`` on ``tools/test.py``.
        collect_device: ``'cpu'`` or ``'gpu'`` for collecting results.
        prefix: key prefix, default ``'shot'``.
    """

    default_prefix = 'shot'

    def __init__(self,
                 class_counts: Optional[Sequence[int]] = None,
                 many_thr: int = 100,
                 few_thr: int = 20,
                 per_class_file: Optional[str] = None,
                 ece_bins: Optional[int] = None,
                 logit_adjust_tau: float = 0.0,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.logit_adjust_tau = float(logit_adjust_tau)
        if ece_bins is not None and ece_bins < 1:
            raise ValueError(
                f'ShotGroupAccuracy: ece_bins must be >= 1, got {ece_bins}')
        self.ece_bins = ece_bins
        if few_thr > many_thr + 1:
            raise ValueError(f'ShotGroupAccuracy: few_thr={few_thr} must not exceed '
                             f'many_thr + 1 = {many_thr + 1}')
        self.class_counts = None if class_counts is None else [
            int(c) for c in class_counts
        ]
        self.many_thr = many_thr
        self.few_thr = few_thr
        self.per_class_file = per_class_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        preds = [int(s['pred_label'].view(-1)[0]) for s in data_samples]
        confidence = [float('nan')] * len(data_samples)
        if self.logit_adjust_tau or self.ece_bins is not None:
            scores = torch.stack([s['pred_score'] for s in data_samples]).double()
            if self.logit_adjust_tau:
                if self.class_counts is None:
                    raise ValueError('ShotGroupAccuracy: logit_adjust_tau needs the '
                                     'class counts (none in the config or checkpoint)')
                scores = logit_adjusted_scores(scores, self.class_counts,
                                               self.logit_adjust_tau)
                preds = scores.argmax(dim=-1).tolist()
            if self.ece_bins is not None:
                confidence = scores.max(dim=-1).values.tolist()
        for sample, pred, conf in zip(data_samples, preds, confidence):
            self.results.append((pred, int(sample['gt_label'].view(-1)[0]), conf))

    def compute_metrics(self, results: List[tuple]) -> dict:
        pred, gt = (np.asarray(x, dtype=np.int64) for x in list(zip(*results))[:2])
        confidence = np.asarray([r[2] for r in results], dtype=np.float64)
        classes = (self.dataset_meta or {}).get('classes')
        num_classes = (
            len(self.class_counts) if self.class_counts is not None else
            len(classes) if classes is not None else int(max(pred.max(), gt.max())) + 1)
        if max(pred.max(), gt.max()) >= num_classes:
            raise ValueError(
                f'ShotGroupAccuracy: class_counts has {num_classes} entries '
                f'but labels reach {max(pred.max(), gt.max())}')
        total = np.bincount(gt, minlength=num_classes)
        correct = np.bincount(gt[pred == gt], minlength=num_classes)
        with np.errstate(invalid='ignore', divide='ignore'):
            per_class = np.where(total > 0, 100.0 * correct / total, np.nan)
        metrics = {}
        if self.class_counts is None:
            MMLogger.get_current_instance().warning(
                'ShotGroupAccuracy: no class counts known (none in the config, the '
                'training set or the checkpoint); reporting shot/all only')
            groups = None
        else:
            groups = shot_groups(self.class_counts, self.many_thr, self.few_thr)
            for name in GROUPS:
                members = per_class[(groups == name) & (total > 0)]
                metrics[name] = float(members.mean()) if members.size else float('nan')
        metrics['all'] = float(100.0 * np.mean(pred == gt))
        if self.ece_bins is not None:
            correct = (pred == gt).astype(np.float64)
            metrics['ece'] = expected_calibration_error(confidence, correct,
                                                        self.ece_bins)
            for name in GROUPS if groups is not None else ():
                members = groups[gt] == name
                metrics[f'ece_{name}'] = expected_calibration_error(
                    confidence[members], correct[members], self.ece_bins)
        if self.per_class_file:
            self._write_per_class(per_class, total, groups, classes, metrics)
        return metrics

    def _write_per_class(self, per_class, total, groups, classes, metrics) -> None:
        record = dict(
            summary=metrics,
            thresholds=dict(many_thr=self.many_thr, few_thr=self.few_thr),
            classes=list(classes) if classes is not None else None,
            class_counts=self.class_counts,
            groups=None if groups is None else groups.tolist(),
            test_samples=total.tolist(),
            accuracy=[None if np.isnan(a) else float(a) for a in per_class])
        atomic_write(json.dumps(record, indent=1), self.per_class_file)
