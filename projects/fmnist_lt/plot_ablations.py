"""Figures 7 and 8 from a benchmark's ``results.json`` (mean and sample
standard deviation over its seeds, test split).

    python projects/fmnist_lt/plot_ablations.py projects/fmnist_lt/results.json \\
        --out-dir projects/fmnist_lt

* ``fig7_sampling.png``: the two samplers of the mixed pairs: accuracy of
  many / medium / few and their mean for two random samplers, two
  class-balanced samplers and ACCKD's one of each (Appendix E);
* ``fig8_tau.png``: ACCKD at each distillation temperature (Appendix F).

The run tags are those of ``projects/fmnist_lt/run_benchmark.py``.
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from cckd_plugin.evaluation.shot_group_accuracy import GROUPS

SAMPLING = (('random + random', 'fig7-random-random'),
            ('balanced + balanced', 'fig7-balanced-balanced'),
            ('random + balanced (ACCKD)', 'acckd-ft'))
TAUS = ((1, 'fig8-tau1'), (2, 'acckd-ft'), (4, 'fig8-tau4'), (8, 'fig8-tau8'),
        (10, 'fig8-tau10'))


def seed_stats(results: dict, tag: str, key: str) -> Tuple[float, float]:
    """Mean and sample standard deviation over seeds of ``key`` (``mean``: the
    average of many, medium and few) on the test split, as the benchmark
    summarised them (diverged seeds left out, as in its tables)."""
    summary = results['students'].get(tag, {}).get('summary', {}).get(key)
    if summary is None:
        raise SystemExit(f'results have no tested run {tag!r}: run the benchmark first')
    return summary['mean'], summary['std']


def plot_sampling(results: dict, out: str) -> Dict[str, Dict[str, List[float]]]:
    keys = GROUPS + ('mean', )
    table = {name: {k: list(seed_stats(results, tag, k)) for k in keys}
             for name, tag in SAMPLING}
    fig, ax = plt.subplots(figsize=(7, 3.4))
    width = 0.8 / len(table)
    for i, (name, stats) in enumerate(table.items()):
        ax.bar(np.arange(len(keys)) + i * width, [stats[k][0] for k in keys], width,
               yerr=[stats[k][1] for k in keys], capsize=2, label=name)
    ax.set_xticks(np.arange(len(keys)) + 0.4 - width / 2, keys)
    ax.set_ylabel('test accuracy (%)')
    ax.set_title('Samplers of the two images of a mixed pair')
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    return table


def plot_tau(results: dict, out: str) -> Dict[str, Dict[str, List[float]]]:
    keys = GROUPS + ('all', )
    table = {str(tau): {k: list(seed_stats(results, tag, k)) for k in keys}
             for tau, tag in TAUS}
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    taus = [tau for tau, _ in TAUS]
    for k in keys:
        ax.errorbar(taus, [table[str(t)][k][0] for t in taus],
                    yerr=[table[str(t)][k][1] for t in taus], marker='o', capsize=2,
                    label=k)
    ax.set_xticks(taus)
    ax.set_xlabel('distillation temperature tau')
    ax.set_ylabel('test accuracy (%)')
    ax.set_title('ACCKD at each temperature')
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', help="a benchmark's results.json")
    parser.add_argument('--out-dir', required=True)
    args = parser.parse_args(argv)
    with open(args.results) as f:
        results = json.load(f)
    os.makedirs(args.out_dir, exist_ok=True)
    tables = dict(
        sampling=plot_sampling(results, osp.join(args.out_dir, 'fig7_sampling.png')),
        tau=plot_tau(results, osp.join(args.out_dir, 'fig8_tau.png')))
    with open(osp.join(args.out_dir, 'fig7_fig8.json'), 'w') as f:
        json.dump(tables, f, indent=1)
    print(f'wrote fig7_sampling.png, fig8_tau.png and fig7_fig8.json to {args.out_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
