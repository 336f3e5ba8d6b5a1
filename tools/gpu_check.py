"""The one-GPU check: speed, the headline job's real data path, and NCCL.

    python tools/gpu_check.py           # on a machine with one GPU, offline, < 8 min
    python tools/gpu_check.py --smoke   # the same steps on the CPU at tiny sizes
                                        # (batch 2, the teacher's tower tiny)

Prints one table:

1. the GPU part of ``benchmarks/benchmark_speed.py``: the ViT-B/16 teacher's forward at
   224 px in fp32, bf16 autocast, + channels-last and + ``torch.compile``, and the
   full ACCKD step of ``configs/acckd_r18_imagenet-lt.py`` at batch 256 per view,
   in images per second and as a share of the card's peak;
2. 50 iterations of ``tools/train.py configs/acckd_r18_imagenet-lt.py`` on a
   generated ImageNet-LT-shaped folder (1,000 classes with the exponential
   long-tail profile of ImageNet-LT's extremes, 1,280 down to 5 images, scaled
   down to 50 batches; JPEGs of ImageNet's typical 500 x 375 px) through the real
   data loader with its workers, the teacher at random weights (nothing is
   downloaded): the data-time share of an iteration and the peak GPU memory;
3. the same 50 iterations from a teacher replay cache: ``tools/cache_teacher.py``
   writes the teacher's outputs on every view of that run, then ``tools/train.py``
   reads them (``model.teacher_cache``): the cache's write time and the cached
   step's seconds per iteration;
4. ``tools/dist_train.sh`` with one process on the same folder, 20 iterations (NCCL);
5. the CIFAR-10-LT standard profile's LA baseline, ResNet-32 for its 200 epochs
   (``configs/baselines/la_resnet32_cifar10-lt.py``) on the CIFAR-10 files in
   ``--cifar-root`` (skipped, and said so, when there are none), tested on the
   10,000 test images beside the published ResNet-32 numbers; with
   ``--cifar-acckd`` also the ACCKD student of the full fine-tuning + LA
   teacher (the teacher tuned first), when the time allows.

Everything it writes goes to ``--work-dir`` (default ``work_dirs/gpu_check``).
"""
import argparse
import os
import os.path as osp
import shutil
import statistics
import sys
import time
from typing import Dict, List

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
# the speed benchmark's GPU cases (benchmarks/benchmark_speed.py)
sys.path.insert(
    1, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'benchmarks'))

import numpy as np
import torch

from cckd_plugin.datasets.long_tail_profile import long_tail_counts
from tools.tool_runs import run_tool, scalar_records

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/acckd_r18_imagenet-lt.py'
NUM_CLASSES = 1000
CIFAR_LA = 'configs/baselines/la_resnet32_cifar10-lt.py'
CIFAR_TEACHER = 'configs/teachers/cifar10_lt/effnet-lite0_full_la_cifar10-lt.py'
CIFAR_ACCKD = 'configs/distill/cifar10_lt/acckd_resnet32_effnet-full-la_cifar10-lt.py'
#: published CIFAR-10-LT (ratio 100) top-1 accuracy of ResNet-32, for the table
PUBLISHED = ('CE 70.36 and LDAM-DRW 77.03 (Cao et al. 2019, Table 2: errors 29.64 '
             'and 22.97); the logit-adjusted loss 78.57 in the PyTorch '
             'reproduction of Menon et al. 2021 (Chumsy0725/logit-adj-pytorch)')


def make_imagenet_lt_folder(root: str, train_images: int, val_images: int,
                            files: int, size, seed: int = 0) -> Dict[str, str]:
    """An ImageNet-LT-shaped folder: ``files`` JPEGs of ``size`` (w, h) and split
    files with ``train_images`` long-tailed lines over 1,000 classes (every
    class at least once when there are enough lines) and ``val_images`` lines,
    reusing the JPEGs: the val lines read a quarter of them that the training
    lines never do (the runner refuses overlapping splits)."""
    from PIL import Image
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    width, height = size
    for i in range(files):
        path = osp.join(root, 'images', f'{i:05d}.JPEG')
        if osp.isfile(path):
            continue
        low = rng.integers(
            0, 256, (height // 16 + 1, width // 16 + 1, 3), dtype=np.uint8)
        img = np.kron(low, np.ones((16, 16, 1), dtype=np.uint8))[:height, :width]
        noise = rng.integers(-20, 21, img.shape)
        Image.fromarray(np.clip(img + noise, 0, 255).astype(np.uint8)).save(
            path, quality=90)
    profile = np.asarray(long_tail_counts(NUM_CLASSES, 1280, 256), dtype=float)
    if train_images >= 2 * NUM_CLASSES:  # the profile scaled down, every class kept
        counts = np.maximum(1, np.floor(profile * train_images /
                                        profile.sum())).astype(int)
        step = np.sign(train_images - counts.sum())
        for i in range(abs(int(train_images - counts.sum()))):
            counts[i % 50] += step  # the head classes absorb the rounding
        labels = np.repeat(np.arange(NUM_CLASSES), counts)
    else:  # a tiny check: classes drawn with the profile's frequencies
        labels = np.sort(
            rng.choice(NUM_CLASSES, train_images, p=profile / profile.sum()))
    split = {}
    held_out = max(1, files // 4)  # the val lines' JPEGs
    val_labels = rng.integers(0, NUM_CLASSES, val_images)
    for name, lines, (low, high) in (('train', labels, (0, files - held_out)),
                                     ('val', val_labels, (files - held_out, files))):
        picks = rng.integers(low, high, len(lines))
        path = osp.join(root, f'ImageNet_LT_{name}.txt')
        with open(path, 'w') as f:
            f.writelines(f'images/{p:05d}.JPEG {c}\n' for p, c in zip(picks, lines))
        split[name] = path
    return split


def data_options(root: str, split: Dict[str, str], batch: int,
                 workers: int) -> List[str]:
    data = 'train_dataloader.dataset.dataset'
    return [
        f'{data}.data_root={root}',
        f'{data}.ann_file={split["train"]}',
        f'val_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.ann_file={split["val"]}',
        f'val_dataloader.dataset.train_ann_file={split["train"]}',
        f'train_dataloader.batch_size={batch}',
        f'train_dataloader.num_workers={workers}',
        f'val_dataloader.num_workers={workers}',
        'model.teacher.backbone.pretrained=None',
        'model.teacher_ckpt=None',
        'model.weak_teacher=warn',  # a random tower: speed, not accuracy
        'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=1000',
        'default_hooks.checkpoint.save_last=False',
    ]


def smoke_config(config: str, work_dir: str) -> str:
    """A config file in ``work_dir`` that is ``config`` with its CLIP teacher's
    tower swapped for the tiny random one (``shrink_clip_teacher``, as the speed
    part's smoke run does): the same training steps at CPU cost."""
    from mmengine.config import Config

    from cckd_plugin.models.distillers.model_configs import read_model_config
    from cckd_plugin.testing import shrink_clip_teacher
    cfg = Config.fromfile(osp.join(ROOT, config))
    teacher = read_model_config(cfg.model.teacher, 'model.teacher')
    path = osp.join(work_dir, 'smoke_' + osp.basename(config))
    with open(path, 'w') as f:
        f.write(f'_base_ = [{osp.join(ROOT, config)!r}]\n'
                f'model = dict(teacher=dict(_delete_=True, '
                f'**{shrink_clip_teacher(teacher)!r}))\n')
    return path


def run(cmd: List[str], log: str, env: Dict[str, str]) -> float:
    """Run ``cmd`` in the repository root, output to ``log``; wall seconds. A
    failure exits with the log's tail (the device run may return nothing else)."""
    start = time.time()
    try:
        run_tool(cmd, log, env=env)
    except RuntimeError as error:
        with open(log) as f:
            raise SystemExit(f'{error}\n{f.read()[-3000:]}') from None
    return time.time() - start


def iteration_stats(work_dir: str) -> Dict[str, float]:
    """Mean iteration and data time (s), iterations and peak GPU memory (MB)
    from the run's mmengine scalars."""
    records = [r for r in scalar_records(work_dir) if 'loss' in r]  # training only
    if not records:
        raise SystemExit(f'no training iterations were logged in {work_dir}')
    times = [r['time']
             for r in records[1:]] or [records[0]['time']]  # the first warms up
    data = [r['data_time'] for r in records[1:]] or [records[0]['data_time']]
    return dict(time=statistics.fmean(times), data_time=statistics.fmean(data),
                iters=len(records),
                memory=max((r.get('memory', 0) for r in records), default=0))


def cifar_rows(args) -> List[str]:
    """Step 5: the standard profile's LA ResNet-32 (and, with ``--cifar-acckd``,
    the tuned teacher, trained only, and its ACCKD student) trained and the
    students tested on the CIFAR-10 files of ``--cifar-root``; table rows."""
    from tools.tool_runs import test as test_tool
    from tools.tool_runs import train as train_tool
    root = args.cifar_root
    if not osp.isdir(osp.join(root, 'cifar-10-batches-py')):
        return [f'| {CIFAR_LA} | not measured: no cifar-10-batches-py in {root} | | |']
    splits = ('train_dataloader.dataset', 'val_dataloader.dataset',
              'test_dataloader.dataset')
    data = [f'{s}.{k}={v}' for s in splits for k, v in (
        ('data_root', root), ('verify_md5', args.cifar_verify_md5))]
    if args.smoke:  # the tiny CIFAR files of the smoke run: 60 images per class
        data += [f'{s}.{k}' for s in splits for k in ('n_max=50', 'imbalance_ratio=10')]
        data.append('train_dataloader.batch_size=16')
    epochs = args.cifar_epochs
    schedule = [f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
                'default_hooks.checkpoint.interval=1000']
    if epochs < 200:  # the milestones at 160 and 180 scaled to the run
        schedule.append(f'param_scheduler.1.milestones=[{int(epochs * 0.8)},'
                        f'{int(epochs * 0.9)}]')
    rows = []

    def train_and_test(config, name, options):
        work_dir = osp.join(args.work_dir, name)
        log = osp.join(args.work_dir, f'{name}.log')
        start = time.time()
        ckpt = train_tool(config, work_dir, options, log)
        wall = time.time() - start
        tested = [o for o in data if o.startswith('test_dataloader.')]
        metrics = test_tool(config, ckpt, work_dir, tested, log)
        return ckpt, wall, metrics

    _, wall, la = train_and_test(CIFAR_LA, 'cifar10_la', data + schedule)
    rows.append(f'| {CIFAR_LA} ({epochs} epochs) | ' + ' / '.join(
        f'{la[k]:.1f}' for k in ('many', 'medium', 'few', 'all')) +
        f' | {wall:.0f} s | {PUBLISHED} |')
    if args.cifar_acckd:
        teacher_opts = data + ['train_cfg.max_epochs=10' if not args.smoke else
                               'train_cfg.max_epochs=1', 'param_scheduler.0.end=' +
                               ('10' if not args.smoke else '1')]
        start = time.time()  # the teacher is trained only: the table reports students
        ckpt = train_tool(CIFAR_TEACHER, osp.join(args.work_dir, 'cifar10_teacher'),
                          teacher_opts, osp.join(args.work_dir, 'cifar10_teacher.log'))
        teacher_wall = time.time() - start
        dist = [o.replace('train_dataloader.dataset.', 'train_dataloader.dataset.'
                          'dataset.') for o in data] + schedule + [
            f'model.teacher_ckpt={ckpt}']
        if args.smoke:  # a teacher of one epoch on 60 images per class may be weak
            dist.append('model.weak_teacher=warn')
        _, wall, acckd = train_and_test(CIFAR_ACCKD, 'cifar10_acckd', dist)
        rows.append(f'| {CIFAR_ACCKD} ({epochs} epochs; its teacher tuned in '
                    f'{teacher_wall:.0f} s) | ' + ' / '.join(
                        f'{acckd[k]:.1f}' for k in ('many', 'medium', 'few', 'all'))
                    + f' | {wall:.0f} s | the paper has no CIFAR-10-LT row |')
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--smoke', action='store_true',
                        help='CPU, tiny sizes: checks that every step runs')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'gpu_check'))
    parser.add_argument(
        '--workers', type=int, help='data-loader workers (default 8; smoke 2)')
    parser.add_argument('--skip-speed', action='store_true')
    parser.add_argument('--cifar-root', default=osp.join(ROOT, 'data', 'cifar10'),
                        help='folder holding cifar-10-batches-py (step 5)')
    parser.add_argument('--cifar-epochs', type=int, help='default 200 (smoke: 2)')
    parser.add_argument('--cifar-verify-md5', type=int, default=0, choices=(0, 1),
                        help='1: refuse files that are not the official ones')
    parser.add_argument('--cifar-acckd', action='store_true',
                        help='step 5 also tunes the full fine-tuning + LA teacher '
                        'and trains its ACCKD ResNet-32')
    args = parser.parse_args()
    cuda = torch.cuda.is_available()
    if not cuda and not args.smoke:
        raise SystemExit('gpu_check: no CUDA device; use --smoke for the CPU check')
    batch = 2 if args.smoke else 256
    workers = args.workers if args.workers is not None else (2 if args.smoke else 8)
    iters, dist_iters = (3, 2) if args.smoke else (50, 20)
    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    start = time.time()
    device = torch.device('cuda' if cuda else 'cpu')
    name = torch.cuda.get_device_name(0) if cuda else 'CPU (smoke run)'
    report = [f'# GPU check: {name}, torch {torch.__version__}', '']

    if not args.skip_speed:
        from benchmark_speed import heavy_cases
        report += heavy_cases(device, batch, iters=2 if args.smoke else 20,
                              warmup=1 if args.smoke else 3,
                              compile_teacher=not args.smoke,
                              tiny_teacher=args.smoke) + ['']

    data_root = osp.join(args.work_dir, 'imagenet_lt')
    size = (64, 48) if args.smoke else (500, 375)
    split = make_imagenet_lt_folder(
        data_root,
        iters * batch,
        20 if args.smoke else 1000,
        files=16 if args.smoke else 1000,
        size=size)
    options = data_options(data_root, split, batch, workers)
    env = dict(PYTHONWARNINGS='ignore')
    config = smoke_config(CONFIG, args.work_dir) if args.smoke else CONFIG
    train_dir = osp.join(args.work_dir, 'train')
    wall = run([sys.executable, 'tools/train.py', config, '--work-dir', train_dir,
                '--cfg-options', *options], osp.join(args.work_dir, 'train.log'), env)
    train = iteration_stats(train_dir)
    cache_dir = osp.join(args.work_dir, 'teacher_cache')
    cache_wall = run([sys.executable, 'tools/cache_teacher.py', config, '--out',
                      cache_dir, '--cfg-options', *options],
                     osp.join(args.work_dir, 'cache_teacher.log'), env)
    cached_dir = osp.join(args.work_dir, 'train_cached')
    cached_wall = run([sys.executable, 'tools/train.py', config, '--work-dir',
                       cached_dir, '--cfg-options', *options,
                       f'model.teacher_cache={cache_dir}'],
                      osp.join(args.work_dir, 'train_cached.log'), env)
    cached = iteration_stats(cached_dir)

    dist_split = dict(split)
    dist_split['train'] = osp.join(data_root, 'ImageNet_LT_train_dist.txt')
    with open(split['train']) as f:
        lines = f.readlines()
    with open(dist_split['train'], 'w') as f:  # dist_iters batches, every class kept
        f.writelines(lines[::max(1,
                                 len(lines) // (dist_iters * batch))][:dist_iters *
                                                                      batch])
    dist_dir = osp.join(args.work_dir, 'dist_train')
    dist_wall = run([
        'bash', 'tools/dist_train.sh', config, '1', '--work-dir', dist_dir,
        '--cfg-options', *data_options(data_root, dist_split, batch, workers)
    ], osp.join(args.work_dir, 'dist_train.log'),
                    dict(
                        env,
                        PYTHON=sys.executable,
                        PORT=str(29500 + os.getpid() % 1000)))
    dist = iteration_stats(dist_dir)
    backend = 'NCCL' if cuda else 'gloo'
    if args.smoke:  # tiny CIFAR-10 files of its own
        from cckd_plugin.testing import write_tiny_cifar10
        args.cifar_root = write_tiny_cifar10(osp.join(args.work_dir, 'cifar10'))
    args.cifar_epochs = args.cifar_epochs or (2 if args.smoke else 200)
    cifar = cifar_rows(args)

    report += [
        '| Run | iterations | s / iteration | data-time share | peak GPU memory | '
        'wall |',
        '|---|---:|---:|---:|---:|---:|',
        f'| tools/train.py {CONFIG} (batch {batch} per view, {workers} workers) | '
        f'{train["iters"]} | {train["time"]:.3f} | '
        f'{100 * train["data_time"] / train["time"]:.1f}% | {train["memory"]:.0f} MB | '
        f'{wall:.0f} s |',
        f'| the same, teacher from the cache (written in {cache_wall:.0f} s) | '
        f'{cached["iters"]} | {cached["time"]:.3f} | '
        f'{100 * cached["data_time"] / cached["time"]:.1f}% | '
        f'{cached["memory"]:.0f} MB | {cached_wall:.0f} s |',
        f'| tools/dist_train.sh {CONFIG} 1 ({backend}) | {dist["iters"]} | '
        f'{dist["time"]:.3f} | {100 * dist["data_time"] / dist["time"]:.1f}% | '
        f'{dist["memory"]:.0f} MB | {dist_wall:.0f} s |', '',
        '| CIFAR-10-LT, standard profile | test many / med. / few / all | wall | '
        'published (ResNet-32, ratio 100) |', '|---|---:|---:|---|', *cifar, '',
        f'{time.time() - start:.0f} s in all; logs in {args.work_dir}'
    ]
    print('\n'.join(report))
    return 0


if __name__ == '__main__':
    sys.exit(main())
