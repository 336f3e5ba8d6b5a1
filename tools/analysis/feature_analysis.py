"""The paper's feature analyses for any of the plugin's configs and checkpoints.

    # Figure 3: nearest-class-mean accuracy of each model's features on the test
    # split, class centres from the balanced validation split, per shot group
    python tools/analysis/feature_analysis.py ncm --out fig3.png \\
        --run LA configs/baselines/la_resnet8_fashion-mnist-lt.py la/*/epoch_30.pth \\
        --run ACCKD configs/distill/.../acckd_....py acckd/seed*/epoch_30.pth

    # Figures 4 and 9: (a) reduction of the feature deviation (cosine distance of a
    # class's training and test mean features) against --base, (b) separability of
    # the test features, per class ordered by training frequency
    python tools/analysis/feature_analysis.py geometry --out fig4.png \\
        --base LA configs/baselines/la_....py la/seed*/epoch_30.pth --run ...

``--run NAME CONFIG CKPT [CKPT ...]`` (one per model; several checkpoints,
e.g. seeds, are averaged). ``--group-size K`` averages every K classes (the
paper uses 50 on ImageNet-LT). Writes the PNG and its numbers as JSON beside it.
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from extract_features import features_of

from cckd_plugin.evaluation import GROUPS, shot_groups
from cckd_plugin.evaluation.feature_geometry import (feature_deviation, ncm_accuracy,
                                                     separability)


def parse_runs(items: List[List[str]], option: str) -> Dict[str, tuple]:
    runs = {}
    for item in items or []:
        if len(item) < 3:
            raise SystemExit(f'{option} takes NAME CONFIG CHECKPOINT [CHECKPOINT ...], '
                             f'got {item}')
        runs[item[0]] = (item[1], item[2:])
    return runs


def ncm_per_class(config: str, ckpt: str):
    f = features_of(config, ckpt, ('val', 'test'))
    counts = f['counts']
    acc = ncm_accuracy(*f['val'], *f['test'], num_classes=len(counts))
    return acc, counts


def ncm_summary(per_class: np.ndarray, counts: np.ndarray) -> Dict[str, float]:
    groups = shot_groups(counts)
    out = {g: float(np.nanmean(per_class[groups == g])) if np.any(groups == g)
           else float('nan') for g in GROUPS}
    out['all'] = float(np.nanmean(per_class))
    return out


def run_ncm(args) -> dict:
    runs = parse_runs(args.run, '--run')
    results = {}
    for name, (config, ckpts) in runs.items():
        seeds = [ncm_summary(*ncm_per_class(config, c)) for c in ckpts]
        results[name] = {k: float(np.mean([s[k] for s in seeds])) for k in seeds[0]}
        print(f'{name}: ' + ', '.join(f'{k} {v:.1f}' for k, v in results[name].items()),
              flush=True)
    keys = GROUPS + ('all', )
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(keys), 3.4))
    width = 0.8 / len(results)
    for i, (name, res) in enumerate(results.items()):
        ax.bar(
            np.arange(len(keys)) + i * width, [res[k] for k in keys], width, label=name)
    ax.set_xticks(np.arange(len(keys)) + 0.4 - width / 2, keys)
    ax.set_ylabel('NCM accuracy on test (%)')
    ax.set_title(args.title or 'Nearest-class-mean accuracy of the features')
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    return results


def geometry_per_class(config: str, ckpt: str):
    f = features_of(config, ckpt, ('train', 'test'))
    counts = f['counts']
    dev = feature_deviation(*f['train'], *f['test'], num_classes=len(counts))
    sep = separability(*f['test'], num_classes=len(counts))
    return dev, sep, counts


def grouped(values: np.ndarray, order: np.ndarray, size: int) -> np.ndarray:
    ordered = values[order]
    return np.array(
        [np.nanmean(ordered[i:i + size]) for i in range(0, len(ordered), size)])


def run_geometry(args) -> dict:
    base = parse_runs([args.base], '--base')
    runs = parse_runs(args.run, '--run')
    (base_name, (base_cfg, base_ckpts)), = base.items()
    base_dev = np.mean([geometry_per_class(base_cfg, c)[0] for c in base_ckpts], axis=0)
    results, counts = {}, None
    for name, (config, ckpts) in runs.items():
        per_seed = [geometry_per_class(config, c) for c in ckpts]
        dev = np.mean([p[0] for p in per_seed], axis=0)
        sep = np.mean([p[1] for p in per_seed], axis=0)
        counts = per_seed[0][2]
        results[name] = dict(
            deviation=dev.tolist(),
            reduction=(base_dev - dev).tolist(),
            separability=sep.tolist())
        print(f'{name}: mean deviation reduction {np.nanmean(base_dev - dev):.4f}, '
              f'mean separability {np.nanmean(sep):.3f}', flush=True)
    order = np.argsort(
        -counts, kind='stable')  # classes by frequency, most frequent first
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    x = np.arange(len(grouped(counts.astype(float), order, args.group_size)))
    for name, res in results.items():
        axes[0].plot(x, grouped(np.array(res['reduction']), order, args.group_size),
                     marker='o', label=name)
        axes[1].plot(x, grouped(np.array(res['separability']), order, args.group_size),
                     marker='o', label=name)
    axes[0].axhline(0, color='grey', lw=0.8)
    axes[0].set_ylabel(f'deviation reduction vs {base_name}')
    axes[1].set_ylabel('separability (lower: more separable)')
    for ax, tag in zip(axes, ('(a)', '(b)')):
        ax.set_xlabel('class index, by training frequency' +
                      (f' (means of {args.group_size})' if args.group_size > 1 else ''))
        ax.set_title(tag)
    axes[1].legend(fontsize=7)
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    return dict(
        base=base_name,
        base_deviation=base_dev.tolist(),
        counts=counts.tolist(),
        runs=results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('analysis', choices=['ncm', 'geometry'])
    parser.add_argument('--run', nargs='+', action='append', metavar='ITEM',
                        help='NAME CONFIG CHECKPOINT [CHECKPOINT ...]', required=True)
    parser.add_argument(
        '--base',
        nargs='+',
        metavar='ITEM',
        help='geometry: NAME CONFIG CHECKPOINT [...] of the reference (LA)')
    parser.add_argument('--out', required=True, help='PNG (its JSON goes beside it)')
    parser.add_argument('--group-size', type=int, default=1)
    parser.add_argument('--title')
    args = parser.parse_args(argv)
    if args.analysis == 'geometry' and not args.base:
        parser.error('geometry needs --base')
    results = run_ncm(args) if args.analysis == 'ncm' else run_geometry(args)
    with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
        json.dump(results, f, indent=1)
    print(f'wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
