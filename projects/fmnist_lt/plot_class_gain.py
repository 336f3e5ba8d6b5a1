"""Per-class accuracy gain of one method over another (the paper's Figure 5):
bars of ``method - base`` accuracy per class, classes sorted by training
count, with the class counts as a line on a log axis.

    python projects/fmnist_lt/plot_class_gain.py \\
        --method work_dirs/.../acckd*/seed*/per_class.json \\
        --base work_dirs/.../la/seed*/per_class.json --out class_gain.png

Inputs are the ``per_class_file`` JSONs that ``ShotGroupAccuracy`` writes
(``tools/test.py ... --cfg-options test_evaluator.per_class_file=FILE``);
several files per side (seeds) are averaged.
"""
import argparse
import json
import sys
from typing import List, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np

GROUP_COLOURS = {'many': '#4c72b0', 'medium': '#dd8452', 'few': '#55a868'}


def load_mean(files: Sequence[str], side: str) -> Tuple[np.ndarray, dict]:
    """Mean per-class accuracy (%) over ``files``, and the first file's record."""
    records = []
    for path in files:
        try:
            with open(path, encoding='utf-8') as f:
                records.append(json.load(f))
        except (OSError, json.JSONDecodeError) as err:
            raise SystemExit(f'--{side}: cannot read per-class file {path}: {err}')
        missing = {'accuracy', 'class_counts', 'classes'} - set(records[-1])
        if missing:
            raise SystemExit(f'--{side}: {path} is not a per_class_file of '
                             f'ShotGroupAccuracy (missing {sorted(missing)})')
        if records[-1]['classes'] != records[0]['classes']:
            raise SystemExit(f'--{side}: {path} lists other classes than {files[0]}')
    acc = np.array([[np.nan if a is None else a for a in r['accuracy']]
                    for r in records],
                   dtype=float)
    return np.nanmean(acc, axis=0), records[0]


def plot(method_files: List[str],
         base_files: List[str],
         out: str,
         method_name: str = 'ACCKD',
         base_name: str = 'LA',
         title: str = '') -> np.ndarray:
    """Write the figure to ``out``; returns the per-class gains (percentage points)."""
    method, ref = load_mean(method_files, 'method')
    base, other = load_mean(base_files, 'base')
    if ref['classes'] != other['classes']:
        raise SystemExit('--method and --base files describe different classes')
    counts = np.asarray(ref['class_counts'], dtype=float)
    order = np.argsort(-counts, kind='stable')
    gain = (method - base)[order]
    groups = [ref.get('groups', ['many'] * len(counts))[i] for i in order]
    names = [ref['classes'][i] for i in order]

    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(names)), 4.0))
    x = np.arange(len(names))
    ax.bar(x, gain, color=[GROUP_COLOURS.get(g, 'grey') for g in groups])
    ax.axhline(0.0, color='black', linewidth=0.8)
    ax.set_ylabel(f'{method_name} - {base_name} accuracy (points)')
    ax.set_xticks(x)
    ax.set_xticklabels(names if len(names) <= 30 else [''] * len(names),
                       rotation=45, ha='right')
    counts_ax = ax.twinx()
    counts_ax.plot(x, counts[order], color='black', marker='o', markersize=3)
    counts_ax.set_yscale('log')
    counts_ax.set_ylabel('training images per class')
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in GROUP_COLOURS.values()]
    ax.legend(handles, list(GROUP_COLOURS), loc='upper left', title='shot group')
    ax.set_title(title or f'Per-class gain of {method_name} over {base_name} '
                 f'({len(method_files)} vs {len(base_files)} runs)')
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return gain


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--method', nargs='+', required=True, help='per-class JSON file(s)')
    parser.add_argument(
        '--base', nargs='+', required=True, help='per-class JSON file(s)')
    parser.add_argument('--out', required=True, help='PNG file to write')
    parser.add_argument('--method-name', default='ACCKD')
    parser.add_argument('--base-name', default='LA')
    parser.add_argument('--title', default='')
    args = parser.parse_args(argv)
    gain = plot(args.method, args.base, args.out, args.method_name, args.base_name,
                args.title)
    print(f'{args.out}: gain per class (points, most to least frequent): '
          + ' '.join(f'{g:+.1f}' for g in gain))
    return 0


if __name__ == '__main__':
    sys.exit(main())
