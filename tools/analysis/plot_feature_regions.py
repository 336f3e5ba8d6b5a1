"""The paper's Figure 1: models with a 2-D feature, side by side.

    python tools/analysis/plot_feature_regions.py --out fig1.png \\
        --run Teacher configs/toy/teacher_resnet8-2d_fashion-mnist-3cls-pool.py T.pth \\
        --run KD configs/toy/kd_resnet8-2d_fashion-mnist-3cls.py KD.pth ...

Each panel is one model's 2-D feature plane: the regions its classifier assigns
to each class (a grid through its head), its training samples (small dots:
the configs' training split, through the evaluation pipeline) and test samples
(crosses, a subsample), and its per-class test accuracy in the title.
"""
import argparse
import json
import os.path as osp
import sys

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from extract_features import load_classifier, split_features

COLOURS = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3']


@torch.no_grad()
def panel(ax, name: str, config: str, checkpoint: str, test_points: int = 300) -> dict:
    classifier, cfg = load_classifier(config, checkpoint)
    train_x, train_y = split_features(classifier, cfg, 'train')
    test_x, test_y = split_features(classifier, cfg, 'test')
    if train_x.shape[1] != 2:
        raise SystemExit(f'{config}: the feature is {train_x.shape[1]}-D, not 2-D')
    classes = cfg.test_dataloader.dataset.get('classes') or \
        [str(c) for c in range(int(test_y.max()) + 1)]
    k = len(classes)
    both = np.concatenate([train_x, test_x])
    lo, hi = np.percentile(both, 0.5, axis=0), np.percentile(both, 99.5, axis=0)
    pad = 0.15 * (hi - lo)
    gx, gy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], 300),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], 300))
    grid = torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)
    regions = classifier.head((grid, )).argmax(1).numpy().reshape(gx.shape)
    cmap = ListedColormap(COLOURS[:k])
    ax.contourf(gx, gy, regions, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.18)
    test_pred = classifier.head((torch.tensor(test_x), )).argmax(1).numpy()
    accuracy = [100.0 * float(np.mean(test_pred[test_y == c] == c)) for c in range(k)]
    rng = np.random.default_rng(0)
    shown = rng.choice(len(test_x), min(test_points, len(test_x)), replace=False)
    for c in range(k):
        ax.scatter(*train_x[train_y == c].T, s=3, color=COLOURS[c], alpha=0.5)
        sel = shown[test_y[shown] == c]
        ax.scatter(*test_x[sel].T, s=14, marker='x', color=COLOURS[c], linewidths=0.8)
    counts = np.bincount(train_y, minlength=k).tolist()
    ax.set_title(f'{name}\ntest % ' + ' / '.join(f'{a:.0f}' for a in accuracy) +
                 '\ntrain n ' + ' / '.join(str(n) for n in counts), fontsize=9)
    ax.set_xlim(gx[0, 0], gx[0, -1])  # the drawn regions' extent; outliers fall outside
    ax.set_ylim(gy[0, 0], gy[-1, 0])
    ax.set_xticks([])
    ax.set_yticks([])
    return dict(classes=list(classes), train_counts=counts, test_accuracy=accuracy)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--run', nargs=3, action='append', required=True,
                        metavar=('NAME', 'CONFIG', 'CHECKPOINT'))
    parser.add_argument('--out', required=True)
    parser.add_argument('--title')
    args = parser.parse_args(argv)
    fig, axes = plt.subplots(1, len(args.run), figsize=(3.1 * len(args.run), 3.7))
    axes = np.atleast_1d(axes)
    results = {name: panel(ax, name, config, ckpt)
               for ax, (name, config, ckpt) in zip(axes, args.run)}
    first = next(iter(results.values()))
    handles = [plt.Line2D([], [], marker='s', ls='', color=COLOURS[c], label=n)
               for c, n in enumerate(first['classes'])]
    handles += [plt.Line2D([], [], marker='o', ls='', color='grey', label='train'),
                plt.Line2D([], [], marker='x', ls='', color='grey', label='test')]
    fig.legend(handles=handles, loc='lower center', ncol=len(handles), fontsize=8)
    fig.suptitle(args.title or 'Classification regions in the 2-D feature plane',
                 fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 0.95))
    fig.savefig(args.out, dpi=150)
    with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
        json.dump(results, f, indent=1)
    for name, res in results.items():
        print(f'{name}: per-class test accuracy ' +
              ', '.join(f'{a:.1f}' for a in res['test_accuracy']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
