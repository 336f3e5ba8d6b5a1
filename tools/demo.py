"""The offline demo: train students on Fashion-MNIST-LT through tools/train.py,
evaluate them on the balanced test split through tools/test.py and print a
many / medium / few / all table.

    python tools/demo.py [--work-dir work_dirs/demo] [--epochs N]
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RUNS = [
    ('Student (CE)', 'configs/baselines/ce_resnet8_fashion-mnist-lt.py'),
    ('Student (LA)', 'configs/baselines/la_resnet8_fashion-mnist-lt.py'),
]
KEYS = ('shot/many', 'shot/medium', 'shot/few', 'shot/all')


def run(cmd):
    print('+', ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def last_checkpoint(work_dir):
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'demo'))
    parser.add_argument('--epochs', type=int, help='override max_epochs (quick check)')
    args = parser.parse_args()
    start = time.time()
    rows = []
    for name, config in RUNS:
        tag = osp.splitext(osp.basename(config))[0]
        work_dir = osp.join(args.work_dir, tag)
        train = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir]
        if args.epochs:
            train += ['--cfg-options', f'train_cfg.max_epochs={args.epochs}']
        run(train)
        ckpt = last_checkpoint(work_dir)
        metrics_file = osp.join(work_dir, 'test_metrics.json')
        run([sys.executable, 'tools/test.py', config, ckpt, '--work-dir', work_dir,
             '--out', metrics_file, '--out-item', 'metrics', '--cfg-options',
             f'test_evaluator.per_class_file={osp.join(work_dir, "per_class.json")}'])
        with open(metrics_file) as f:
            rows.append((name, json.load(f), ckpt, work_dir))

    print(f'\nFashion-MNIST-LT (ratio 100), balanced test split, top-1 accuracy (%); '
          f'{time.time() - start:.0f} s in all\n')
    print(f'| {"Method":<14} | Many | Medium |  Few |  All |')
    print('|' + '-' * 16 + '|------|--------|------|------|')
    for name, metrics, _, _ in rows:
        many, medium, few, all_ = (metrics[k] for k in KEYS)
        print(f'| {name:<14} | {many:4.1f} | {medium:6.1f} | {few:4.1f} | {all_:4.1f} |')
    print()
    for name, _, ckpt, work_dir in rows:
        print(f'{name}: checkpoint {osp.relpath(ckpt, ROOT)}, logs {osp.relpath(work_dir, ROOT)}')


if __name__ == '__main__':
    sys.exit(main())
