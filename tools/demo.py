"""The offline demo: pre-train the offline teacher on Fashion-MNIST's balanced
pool split (once; cached), train the same ResNet-8 student on Fashion-MNIST-LT
twice through tools/train.py, alone with the logit-adjusted loss (LA) and with
ACCKD from the teacher, evaluate all three on the balanced test split through
tools/test.py and print a many / medium / few / all table.

    python tools/demo.py [--work-dir work_dirs/demo] [--epochs N]

A finished step is kept and a half-finished training resumes, so running the
demo again only prints the table.
"""
import argparse
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config

from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
from cckd_plugin.tool_runs import REPO_ROOT, SHOT_KEYS, test, train

TEACHER = 'configs/teachers/offline_resnet20_fashion-mnist-pool.py'
LA = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
ACCKD = 'configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py'


def stage(msg: str) -> None:
    print(f'\n==> {msg}', flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default=osp.join(REPO_ROOT, 'work_dirs', 'demo'))
    parser.add_argument('--epochs', type=int, help='student epochs (a quick check)')
    args = parser.parse_args()
    start = time.time()
    # the checkpoint the distillation config expects; training the teacher writes it
    distill_cfg = Config.fromfile(osp.join(REPO_ROOT, ACCKD))
    teacher_ckpt = osp.join(REPO_ROOT, teacher_ckpt_of(distill_cfg.model))
    teacher_dir = osp.dirname(teacher_ckpt)
    rows = []

    if osp.isfile(teacher_ckpt):
        stage(f'offline teacher: cached {osp.relpath(teacher_ckpt, REPO_ROOT)}')
    else:
        stage(f'offline teacher: pre-training {TEACHER} on the balanced pool split')
        train(TEACHER, teacher_dir)
    stage('offline teacher: test split')
    metrics = test(TEACHER, teacher_ckpt, osp.join(args.work_dir, 'teacher'))
    rows.append(('Teacher (ResNet-20, pool)', metrics, teacher_ckpt, teacher_dir))

    epochs = []
    if args.epochs:
        epochs = [f'train_cfg.max_epochs={args.epochs}',
                  f'param_scheduler.1.end={args.epochs}',
                  f'train_cfg.val_interval={args.epochs}']
    la_dir = osp.join(args.work_dir, 'la_resnet8_fashion-mnist-lt')
    stage(f'LA student (no teacher): {LA}')
    la_ckpt = train(LA, la_dir, epochs)
    stage('LA student: test split')
    rows.append(('Student (LA)', test(LA, la_ckpt, la_dir), la_ckpt, la_dir))

    acckd_dir = osp.join(args.work_dir, 'acckd_resnet8_offline-ft_fashion-mnist-lt')
    options = [f'model.teacher_ckpt={teacher_ckpt}']
    stage(f'ACCKD student: {ACCKD}')
    acckd_ckpt = train(ACCKD, acckd_dir, options + epochs)
    stage('ACCKD student: test split')
    rows.append(('Student (ACCKD)', test(ACCKD, acckd_ckpt, acckd_dir, options),
                 acckd_ckpt, acckd_dir))

    print(f'\nFashion-MNIST-LT (ratio 100), balanced 10,000-image test split, top-1 '
          f'accuracy (%); {time.time() - start:.0f} s in all\n')
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
        print(f'{name}: checkpoint {osp.relpath(ckpt, REPO_ROOT)}, '
              f'logs {osp.relpath(work_dir, REPO_ROOT)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
