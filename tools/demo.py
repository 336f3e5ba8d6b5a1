"""The offline demo: pre-train the offline teacher on Fashion-MNIST's balanced
pool split (once; cached), train the same ResNet-8 student on Fashion-MNIST-LT
twice through tools/train.py, alone with the logit-adjusted loss (LA) and with
ACCKD from the teacher, evaluate all three on the balanced test split through
tools/test.py and print a many / medium / few / all table.

    python tools/demo.py [--work-dir work_dirs/demo] [--epochs N]

A finished step is kept and a half-finished training resumes, so running the
demo again only prints the table. Each step's full output (mmengine's
environment, hook and config dumps, the training log) goes to ``demo.log`` in
its work directory; the terminal gets the steps and the table, and the end of
a failed step's log.
"""
import argparse
import os
import os.path as osp
import sys
import time
import warnings
from typing import Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
# an import-time notice of the pinned stack that says nothing about the demo
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from mmengine.config import Config

from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
from tools.tool_runs import REPO_ROOT, SHOT_KEYS, test, train

TEACHER = 'configs/teachers/offline_resnet20_fashion-mnist-pool.py'
LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
ACCKD = 'configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py'


def shown(path: str) -> str:
    """``path`` relative to the repository when inside it."""
    inside = osp.abspath(path).startswith(REPO_ROOT + os.sep)
    return osp.relpath(path, REPO_ROOT) if inside else path


def stage(msg: str, work_dir: str) -> str:
    """Announce a step; returns the log file its commands append to."""
    os.makedirs(work_dir, exist_ok=True)
    log_file = osp.join(work_dir, 'demo.log')
    print(f'==> {msg}\n    log: {shown(log_file)}', flush=True)
    return log_file


def show_failure(err: RuntimeError, lines: int = 15) -> int:
    """Print a failed step's error and the end of its log; the exit status."""
    print(f'\n{err}', file=sys.stderr)
    log_file = getattr(err, 'log_file', None)  # a tool's (ToolRunError)
    if log_file and osp.isfile(log_file):
        with open(log_file) as f:
            tail = f.read().splitlines()[-lines:]
        print('\n'.join(['', f'last {len(tail)} lines of {log_file}:'] + tail),
              file=sys.stderr)
    return 1


def run_steps(args) -> Tuple[list, float]:
    """The demo's steps; returns the table's rows and the seconds they took."""
    start = time.time()
    # the checkpoint the distillation config expects; training the teacher writes it
    distill_cfg = Config.fromfile(osp.join(REPO_ROOT, ACCKD))
    teacher_ckpt = osp.join(REPO_ROOT, teacher_ckpt_of(distill_cfg.model))
    teacher_dir = osp.dirname(teacher_ckpt)
    rows = []

    if osp.isfile(teacher_ckpt):
        print(f'==> offline teacher: cached {shown(teacher_ckpt)}')
    else:
        log_file = stage(f'offline teacher: pre-training {TEACHER} on the balanced '
                         f'pool split', teacher_dir)
        train(TEACHER, teacher_dir, log_file=log_file)
    test_dir = osp.join(args.work_dir, 'teacher')
    log_file = stage('offline teacher: test split', test_dir)
    metrics = test(TEACHER, teacher_ckpt, test_dir, log_file=log_file)
    rows.append(('Teacher (ResNet-20, pool)', metrics, teacher_ckpt, teacher_dir))

    epochs = []
    if args.epochs:
        epochs = [f'train_cfg.max_epochs={args.epochs}',
                  f'param_scheduler.1.end={args.epochs}',
                  f'train_cfg.val_interval={args.epochs}']
    la_dir = osp.join(args.work_dir, 'la_resnet8_fashion-mnist-lt')
    log_file = stage(f'LA student (no teacher): {LA}', la_dir)
    la_ckpt = train(LA, la_dir, epochs, log_file=log_file)
    stage('LA student: test split', la_dir)
    rows.append(('Student (LA)', test(LA, la_ckpt, la_dir, log_file=log_file), la_ckpt,
                 la_dir))

    acckd_dir = osp.join(args.work_dir, 'acckd_resnet8_offline-ft_fashion-mnist-lt')
    options = [f'model.teacher_ckpt={teacher_ckpt}']
    log_file = stage(f'ACCKD student: {ACCKD}', acckd_dir)
    acckd_ckpt = train(ACCKD, acckd_dir, options + epochs, log_file=log_file)
    stage('ACCKD student: test split', acckd_dir)
    rows.append(('Student (ACCKD)', test(ACCKD, acckd_ckpt, acckd_dir, options,
                                         log_file=log_file), acckd_ckpt, acckd_dir))
    return rows, time.time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default=osp.join(REPO_ROOT, 'work_dirs', 'demo'))
    parser.add_argument('--epochs', type=int, help='student epochs (a quick check; '
                        'at least 2: one warm-up epoch, then the cosine schedule)')
    args = parser.parse_args()
    if args.epochs is not None and args.epochs < 2:
        parser.error(f'--epochs {args.epochs}: at least 2 (one warm-up epoch, then '
                     f'the cosine schedule)')
    try:
        rows, seconds = run_steps(args)
    except RuntimeError as err:
        return show_failure(err)

    print(f'\nFashion-MNIST-LT (ratio 100), balanced 10,000-image test split, top-1 '
          f'accuracy (%); {seconds:.0f} s in all\n')
    width = max(len(name) for name, *_ in rows)
    print(f'| {"Model":<{width}} | Many | Medium |  Few |  All |')
    print(f'|{"-" * (width + 2)}|-----:|-------:|-----:|-----:|')
    for name, metrics, _, _ in rows:
        many, medium, few, all_ = (metrics[k] for k in SHOT_KEYS)
        print(
            f'| {name:<{width}} | {many:4.1f} | {medium:6.1f} | {few:4.1f} | '
            f'{all_:4.1f} |'
        )
    print()
    for name, _, ckpt, work_dir in rows:
        print(f'{name}: checkpoint {shown(ckpt)}, logs {shown(work_dir)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
