"""Per-shot-group confusion and reliability plots of a test run's predictions.

    python tools/test.py CONFIG CHECKPOINT --out preds.pkl --out-item pred \\
        --cfg-options test_evaluator.per_class_file=per_class.json
    python tools/analysis/plot_shot_groups.py preds.pkl per_class.json --out-dir DIR

``preds.pkl`` is MMPretrain's prediction dump (a list of data samples with
``pred_score`` and ``gt_label``); ``per_class.json`` (written by
``ShotGroupAccuracy``) gives the training class counts, the shot-group
thresholds and the class names. Writes

* ``DIR/confusion.png``: the row-normalised confusion matrix with the classes
  ordered by training images (lines between the shot groups), and the
  group-to-group confusion: the share of a group's test images predicted as a
  class of each group;
* ``DIR/reliability.png``: a reliability diagram per shot group and over all
  (accuracy against mean confidence per confidence bin, the bar's gap to the
  diagonal, the ECE in the title; a sample's group is its true class's);
* ``DIR/shot_groups.json``: the numbers behind both.

``--logit-adjust-tau`` applies post-hoc logit adjustment first, as
``test_evaluator.logit_adjust_tau`` does.
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt
import mmengine
import numpy as np
import torch

from cckd_plugin.engine import run_main
from cckd_plugin.evaluation.shot_group_accuracy import (GROUPS, calibration_bins,
                                                        expected_calibration_error,
                                                        logit_adjusted_scores,
                                                        shot_groups)
from cckd_plugin.fileio import atomic_write


def read_predictions(path: str):
    """``(scores (N, C) float64, labels (N,) int64)`` of a prediction dump."""
    samples = mmengine.load(path)
    if not isinstance(samples, list) or not samples or not all(
            isinstance(s, dict) and 'pred_score' in s and 'gt_label' in s
            for s in samples):
        raise ValueError(f'{path}: not a prediction dump of tools/test.py '
                         f'(--out FILE.pkl --out-item pred)')
    scores = torch.stack([torch.as_tensor(s['pred_score']) for s in samples]).double()
    labels = torch.tensor([int(torch.as_tensor(s['gt_label']).view(-1)[0])
                           for s in samples])
    return scores, labels


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int) -> dict:
    """Per bin ``(k/bins, (k+1)/bins]``: samples, mean confidence, accuracy."""
    count, conf, acc = calibration_bins(confidence, correct, bins)
    return dict(count=count.tolist(),
                confidence=[None if np.isnan(c) else float(c) for c in conf],
                accuracy=[None if np.isnan(a) else float(a) for a in acc],
                ece=expected_calibration_error(confidence, correct, bins))


def analyse(scores: torch.Tensor, labels: torch.Tensor, per_class: dict,
            bins: int = 15, tau: float = 0.0) -> dict:
    """The confusion matrices and reliability bins of the predictions."""
    counts = per_class.get('class_counts')
    if not counts:
        raise ValueError('per_class.json has no class_counts: test with a checkpoint '
                         'or config that knows the training counts')
    num_classes = len(counts)
    if scores.size(1) != num_classes or int(labels.max()) >= num_classes:
        raise ValueError(f'the predictions have {scores.size(1)} classes and labels '
                         f'up to {int(labels.max())} but per_class.json counts '
                         f'{num_classes} classes')
    if tau:
        scores = logit_adjusted_scores(scores, counts, tau)
    pred = scores.argmax(dim=1).numpy()
    gt = labels.numpy()
    thresholds = per_class.get('thresholds') or {}
    groups = shot_groups(counts, **thresholds)
    order = np.argsort(-np.asarray(counts), kind='stable')  # most images first
    confusion = np.zeros((num_classes, num_classes))
    np.add.at(confusion, (gt, pred), 1)
    with np.errstate(invalid='ignore'):
        rows = confusion / confusion.sum(1, keepdims=True)
    present = [g for g in GROUPS if (groups == g).any()]
    group_of = {g: np.flatnonzero(groups == g) for g in present}
    group_confusion = [[float(confusion[np.ix_(group_of[a], group_of[b])].sum() /
                              max(confusion[group_of[a]].sum(), 1)) for b in present]
                       for a in present]
    confidence = scores.max(dim=1).values.numpy()
    correct = (pred == gt).astype(np.float64)
    diagrams = {g: reliability(confidence[groups[gt] == g], correct[groups[gt] == g],
                               bins) for g in present}
    diagrams['all'] = reliability(confidence, correct, bins)
    classes = per_class.get('classes') or [str(c) for c in range(num_classes)]
    return dict(classes=[classes[c] for c in order], class_counts=[
        int(counts[c]) for c in order], groups=[str(groups[c]) for c in order],
        confusion=[[None if np.isnan(v) else float(v) for v in rows[c][order]]
                   for c in order],
        group_names=present, group_confusion=group_confusion,
        reliability=diagrams, bins=bins, logit_adjust_tau=tau)


def plot_confusion(result: dict, path: str) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.2),
                                      gridspec_kw=dict(width_ratios=[1.6, 1]))
    matrix = np.array([[np.nan if v is None else v for v in row]
                       for row in result['confusion']])
    image = left.imshow(matrix, vmin=0, vmax=1, cmap='Blues')
    names = [f'{c} ({n})' for c, n in zip(result['classes'], result['class_counts'])]
    left.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
    left.set_yticks(range(len(names)), names, fontsize=7)
    groups = result['groups']
    for k in range(1, len(groups)):
        if groups[k] != groups[k - 1]:  # a shot-group boundary
            left.axhline(k - 0.5, color='k', lw=1)
            left.axvline(k - 0.5, color='k', lw=1)
    left.set_xlabel('predicted class (training images)')
    left.set_ylabel('true class')
    left.set_title('confusion, rows normalised')
    fig.colorbar(image, ax=left, fraction=0.046)
    group = np.array(result['group_confusion'])
    right.imshow(group, vmin=0, vmax=1, cmap='Blues')
    names = result['group_names']
    right.set_xticks(range(len(names)), names)
    right.set_yticks(range(len(names)), names)
    for (i, j), value in np.ndenumerate(group):
        right.text(j, i, f'{100 * value:.1f}%', ha='center', va='center',
                   color='w' if value > 0.5 else 'k')
    right.set_xlabel('predicted group')
    right.set_ylabel('true group')
    right.set_title('share of each true group per predicted group')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_reliability(result: dict, path: str) -> None:
    panels: Dict[str, dict] = result['reliability']
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.6),
                             sharey=True)
    width = 1.0 / result['bins']
    centres = (np.arange(result['bins']) + 0.5) * width
    for ax, (name, diagram) in zip(np.atleast_1d(axes), panels.items()):
        acc = np.array([np.nan if a is None else a for a in diagram['accuracy']])
        conf = np.array([np.nan if c is None else c for c in diagram['confidence']])
        ax.bar(centres, acc, width=width, edgecolor='k', color='#4c72b0',
               label='accuracy')
        ax.bar(centres, conf - acc, bottom=acc, width=width, color='#c44e52',
               alpha=0.35, label='gap to confidence')
        ax.plot([0, 1], [0, 1], 'k--', lw=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel('confidence')
        ax.set_title(f'{name}: ECE {diagram["ece"]:.1f}% '
                     f'({sum(diagram["count"])} images)', fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel('accuracy')
    np.atleast_1d(axes)[0].legend(loc='upper left', fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('predictions', help='tools/test.py --out FILE.pkl '
                        '--out-item pred')
    parser.add_argument('per_class', help="ShotGroupAccuracy's per_class_file")
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--bins', type=int, default=15, help='confidence bins')
    parser.add_argument('--logit-adjust-tau', type=float, default=0.0,
                        help='post-hoc logit adjustment before plotting')
    parser.add_argument('--debug', action='store_true', help='show tracebacks')
    args = parser.parse_args(argv)

    def run() -> None:
        if args.bins < 1:
            raise ValueError(f'--bins must be >= 1, got {args.bins}')
        for path in (args.predictions, args.per_class):
            if not osp.isfile(path):
                raise FileNotFoundError(f'{path} is not a file')
        with open(args.per_class) as f:
            per_class = json.load(f)
        scores, labels = read_predictions(args.predictions)
        result = analyse(scores, labels, per_class, args.bins, args.logit_adjust_tau)
        os.makedirs(args.out_dir, exist_ok=True)
        plot_confusion(result, osp.join(args.out_dir, 'confusion.png'))
        plot_reliability(result, osp.join(args.out_dir, 'reliability.png'))
        atomic_write(json.dumps(result, indent=1),
                     osp.join(args.out_dir, 'shot_groups.json'))
        print(f'wrote confusion.png, reliability.png and shot_groups.json to '
              f'{args.out_dir}')

    run_main(run, args.debug)


if __name__ == '__main__':
    main()
