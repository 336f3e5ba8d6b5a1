"""The CIFAR-10-LT CPU profile's settings, chosen on `val` (never on `test`):

    python projects/cifar10_lt/choose_settings.py --part size        # teacher input
    python projects/cifar10_lt/choose_settings.py --part schedule    # student

* ``size``: the zero-shot and NCM EfficientNet-Lite0 teachers on `val` at each
  ``--sizes`` (``tools/test.py`` with ``model.backbone.input_size``), and the
  frozen network's forward speed there (images/s, one thread, batch 128);
* ``schedule``: the LA ResNet-8 baseline at each ``--epochs`` and ``--lrs``
  (cosine after one warm-up epoch) for ``--seeds``, its last `val` accuracy.

Prints a Markdown table; runs are kept in ``--work-dir`` and not repeated.
"""
import argparse
import itertools
import os
import os.path as osp
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from tools.tool_runs import last_val_metrics, test, train

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEACHER = 'configs/teachers/cifar10_lt/effnet-lite0_{}_cifar10-lt-n500.py'
BASELINE = 'configs/baselines/la_resnet8_cifar10-lt-n500.py'


def forward_speed(size: int, batch: int = 128, repeats: int = 3) -> float:
    """Images per second of the frozen EfficientNet-Lite0 forward at ``size``
    px, one thread, channels-last, after one warm-up batch."""
    import torch
    from mmpretrain.registry import MODELS

    import cckd_plugin  # noqa: F401  (registers TimmCNNBackbone)
    torch.set_num_threads(1)
    backbone = MODELS.build(dict(type='TimmCNNBackbone',
                                 model_name='tf_efficientnet_lite0',
                                 input_size=size)).eval()
    backbone.to(memory_format=torch.channels_last)
    x = torch.randn(batch, 3, size, size).contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        backbone(x)
        start = time.perf_counter()
        for _ in range(repeats):
            backbone(x)
    return batch * repeats / (time.perf_counter() - start)


def sizes_table(args) -> list:
    def one(job):
        kind, size = job
        work_dir = osp.join(args.work_dir, f'{kind}_{size}px')
        return test(TEACHER.format(kind), None, work_dir,
                    ['test_dataloader.dataset.split=val',
                     f'model.backbone.input_size={size}'],
                    osp.join(work_dir, 'choose.log'), args.threads)['all']

    jobs = list(itertools.product(('zero-shot', 'ncm'), args.sizes))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        accuracy = dict(zip(jobs, pool.map(one, jobs)))
    lines = ['| input size | zero-shot val all | NCM val all | forward, images/s '
             '(1 thread) |', '|---:|---:|---:|---:|']
    for size in args.sizes:
        lines.append(f'| {size} px | {accuracy["zero-shot", size]:.1f} | '
                     f'{accuracy["ncm", size]:.1f} | {forward_speed(size):.0f} |')
    return lines


def schedule_table(args) -> list:
    def one(job):
        epochs, lr, seed = job
        work_dir = osp.join(args.work_dir, f'la_e{epochs}_lr{lr}_seed{seed}')
        train(BASELINE, work_dir,
              [f'train_cfg.max_epochs={epochs}', f'param_scheduler.1.end={epochs}',
               f'train_cfg.val_interval={epochs}', f'optim_wrapper.optimizer.lr={lr}',
               f'randomness.seed={seed}'], osp.join(work_dir, 'choose.log'),
              args.threads)
        return last_val_metrics(work_dir)['all']

    jobs = list(itertools.product(args.epochs, args.lrs, args.seeds))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        accuracy = dict(zip(jobs, pool.map(one, jobs)))
    lines = ['| epochs | lr | ' + ' | '.join(f'val all, seed {s}' for s in args.seeds)
             + ' | mean |', '|---:|---:|' + '---:|' * (len(args.seeds) + 1)]
    for epochs, lr in itertools.product(args.epochs, args.lrs):
        values = [accuracy[epochs, lr, s] for s in args.seeds]
        lines.append(f'| {epochs} | {lr} | ' + ' | '.join(f'{v:.1f}' for v in values)
                     + f' | {statistics.fmean(values):.1f} |')
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--part', choices=('size', 'schedule'), required=True)
    parser.add_argument('--sizes', type=int, nargs='+', default=[64, 80, 96, 128])
    parser.add_argument('--epochs', type=int, nargs='+', default=[20, 30, 40])
    parser.add_argument('--lrs', type=float, nargs='+', default=[0.05, 0.1])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--work-dir',
                        default=osp.join(ROOT, 'work_dirs', 'cifar10_lt_settings'))
    args = parser.parse_args()
    args.threads = max(1, (os.cpu_count() or 1) // args.jobs)
    table = sizes_table(args) if args.part == 'size' else schedule_table(args)
    print('\n'.join(table))


if __name__ == '__main__':
    main()
