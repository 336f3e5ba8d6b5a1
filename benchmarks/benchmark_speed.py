"""Speed of distillation against the work it cannot avoid, in one process, on
one machine, at the config's batch size B:

  (a) a student-only LA training step on 2B images,
  (b) the teacher's forward on 2B images (the original and the mixed view),
  (c) a full ACCKD step (B images and B partners, mixing, both networks, loss,
      backward, optimiser step),

and the ratio c / (a + b): the distiller's own overhead (1.0 = none). It also
times the config's training data loader at its own worker count and reports
the loading time as a share of an iteration (data + step).

    python benchmarks/benchmark_speed.py            # Fashion-MNIST-LT + tiny-CLIP CIFAR
    python benchmarks/benchmark_speed.py --cases fmnist --iters 30

With CUDA it adds a ViT-B/16 teacher forward at 224 px in fp32, autocast,
autocast + channels-last (and torch.compile), and the full step of
configs/acckd_r18_imagenet-lt.py, in images per second and as a share of
the card's peak dense matrix throughput. ``--gpu-part-on-cpu`` runs that part
on the CPU at a small batch (a check that it runs, not a measurement).
Random weights throughout: speed does not depend on them.
"""
import argparse
import os
import os.path as osp
import platform
import statistics
import sys
import time
from typing import Callable, Dict, List, Optional, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from cckd_plugin.datasets.long_tail_profile import long_tail_counts
from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
from cckd_plugin.models.distillers.model_configs import read_model_config
from cckd_plugin.testing import shrink_clip_teacher
from tools.tool_runs import run_tool, scalar_records

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CASES = {
    'fmnist':
    ('Fashion-MNIST-LT, ResNet-8 student, offline ResNet-20 teacher',
     'configs/distill/fashion_mnist_lt/acckd_resnet8_offline-ft_fashion-mnist-lt.py',
     (1, 28, 28), False),
    'cifar-tiny-clip':
    ('CIFAR-100-LT, ResNet-32 student, tiny CLIP ViT AdaptFormer teacher',
     'configs/distill/cifar100_lt/acckd_resnet32_clip-af-la_cifar100-lt.py',
     (3, 32, 32), True),
}
IMAGENET = 'configs/acckd_r18_imagenet-lt.py'
# Peak dense bf16/fp16 tensor-core throughput (FLOP/s, no sparsity), by card name.
PEAK_FLOPS = {'H200': 989e12, 'H100 PCIe': 756e12, 'H100': 989e12, 'A100': 312e12,
              'L40S': 362e12, 'L4': 121e12, 'A10': 125e12, 'V100': 125e12, 'T4': 65e12}


def median_time(fn: Callable[[], None], iters: int, warmup: int, cuda: bool) -> float:
    """Median wall time (s) of ``fn`` over ``iters`` calls after ``warmup``."""
    times = []
    for i in range(warmup + iters):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if cuda:
            torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_distiller(config: str, tiny_teacher: bool, device: torch.device):
    """The config's distiller with random weights (and the tiny CLIP tower
    when ``tiny_teacher``), priors and class counts in place."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    model_cfg = cfg.model.to_dict()
    teacher = read_model_config(model_cfg['teacher'], 'model.teacher')
    backbone = teacher['backbone']
    if tiny_teacher:
        shrink_clip_teacher(teacher)
    elif backbone.get('type') == 'CLIPVisionBackbone':
        backbone['pretrained'] = None
        teacher['head'].pop('init_weights_file', None)
    model_cfg.update(teacher=teacher, teacher_ckpt=None)
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg)
    model.init_weights()
    num_classes = model.num_classes
    profile = cfg.train_dataloader.dataset.get('dataset', cfg.train_dataloader.dataset)
    counts = long_tail_counts(num_classes, profile.get('n_max', 500),
                              profile.get('imbalance_ratio', 100))
    for module in model.modules():
        if hasattr(module, 'set_class_counts'):
            module.set_class_counts(counts)
    model.priors_ready.fill_(True)  # uniform priors: their values cost nothing
    return model.to(device).train(), cfg


def batch(n: int, shape, num_classes: int, device: torch.device):
    pixels = torch.randint(0, 256, (n, *shape), device=device).float()
    labels = torch.randint(0, num_classes, (n, ))
    return pixels, labels, [DataSample().set_gt_label(int(y)) for y in labels]


def step_times(model, batch_size: int, shape, iters: int,
               warmup: int) -> Dict[str, float]:
    """Median seconds of (a) the student LA step on 2B, (b) the teacher forward
    on 2B and (c) the full distillation step on B + B partners."""
    device = next(model.student.parameters()).device
    cuda = device.type == 'cuda'
    k = model.num_classes
    x, _, samples = batch(batch_size, shape, k, device)
    p, _, partner_samples = batch(batch_size, shape, k, device)
    x2, y2, _ = batch(2 * batch_size, shape, k, device)
    params = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    student_opt = torch.optim.SGD(model.student.parameters(), lr=1e-3, momentum=0.9)
    y2 = y2.to(device)

    def student_step():
        logits, _ = model.student_forward(x2)
        loss = model.student.head.loss_module(logits, y2, avg_factor=len(y2))
        student_opt.zero_grad(set_to_none=True)
        loss.backward()
        student_opt.step()

    def teacher_forward():
        model.teacher_outputs.compute(x2)

    def distill_step():
        losses = model.loss(x, samples, p, partner_samples)
        optimizer.zero_grad(set_to_none=True)
        sum(losses.values()).backward()
        optimizer.step()

    def mix():
        model.mix(x, p, model.rng)

    return dict(mix=median_time(mix, iters, warmup, cuda),
                a=median_time(student_step, iters, warmup, cuda),
                b=median_time(teacher_forward, iters, warmup, cuda),
                c=median_time(distill_step, iters, warmup, cuda))


def data_time(cfg: Config, iters: int) -> Optional[Tuple[float, int]]:
    """Median seconds per training batch of the config's own data loader
    (its worker count), or None when its data is not on this machine."""
    from mmengine.runner import Runner

    from cckd_plugin.compat import fix_dataloader_workers
    loader_cfg = cfg.train_dataloader.to_dict()
    fix_dataloader_workers(loader_cfg)
    os.chdir(ROOT)
    try:
        loader = Runner.build_dataloader(loader_cfg, seed=0)
    except (FileNotFoundError, OSError, RuntimeError) as err:
        print(f'  data loading: skipped ({str(err).splitlines()[0][:100]})')
        return None
    dataset = loader.dataset
    if hasattr(dataset, 'with_partner'):
        dataset.with_partner = True  # as EpochSeedHook sets it for ACCKD
    times, it = [], iter(loader)
    next(it)  # worker start-up is not per-iteration cost
    for _ in range(min(iters, len(loader) - 1)):
        start = time.perf_counter()
        next(it)
        times.append(time.perf_counter() - start)
    return statistics.median(times), loader_cfg.get('num_workers', 0)


def cpu_cases(args) -> List[str]:
    lines = [
        f'CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} '
        f'logical cores, torch {torch.__version__}, {torch.get_num_threads()} threads',
        '', '| Case | B | (a) student 2B | (b) teacher 2B | mixing | (c) ACCKD step | '
        'c / (a + b) | data share |', '|---|---:|---:|---:|---:|---:|---:|---:|'
    ]
    for name in args.cases:
        title, config, shape, tiny = CASES[name]
        print(f'{name}: {title}', flush=True)
        model, cfg = build_distiller(config, tiny, torch.device('cpu'))
        bsz = args.batch or cfg.train_dataloader.batch_size
        t = step_times(model, bsz, shape, args.iters, args.warmup)
        ratio = t['c'] / (t['a'] + t['b'])
        loaded = data_time(cfg, args.iters)
        share = 'n/a (no data)'
        if loaded is not None:
            seconds, workers = loaded
            share = f'{100 * seconds / (seconds + t["c"]):.1f}% ({workers} workers)'
        print(
            f'  a {t["a"] * 1e3:.1f} ms, b {t["b"] * 1e3:.1f} ms, '
            f'c {t["c"] * 1e3:.1f} ms, '
            f'ratio {ratio:.3f}, data {share}',
            flush=True)
        lines.append(
            f'| {name} | {bsz} | {t["a"] * 1e3:.1f} ms | {t["b"] * 1e3:.1f} ms | '
            f'{t["mix"] * 1e3:.2f} ms | {t["c"] * 1e3:.1f} ms | {ratio:.2f} | '
            f'{share} |')
    return lines


def count_flops(fn: Callable[[], None]) -> float:
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        fn()
    return float(counter.get_total_flops())


def heavy_cases(device: torch.device, batch: Optional[int] = None, iters: int = 20,
                warmup: int = 3, compile_teacher: bool = True,
                tiny_teacher: bool = False) -> List[str]:
    """ViT-B/16 teacher forward modes and the ImageNet-LT ACCKD step, as a
    Markdown table (images per second, TFLOP/s, share of the card's peak);
    ``tiny_teacher`` swaps the tower for the tiny one (a CPU smoke run)."""
    cuda = device.type == 'cuda'
    name = torch.cuda.get_device_name(device) if cuda else 'CPU (smoke run)'
    peak = next((v for k, v in PEAK_FLOPS.items() if k in name), None)
    bsz = batch or (256 if cuda else 2)
    lines = [
        f'{name}, torch {torch.__version__}, batch {bsz} per view', '',
        '| Work | Mode | images/s | TFLOP/s | share of peak |',
        '|---|---|---:|---:|---:|'
    ]

    def row(work, mode, seconds, images, flops):
        tflops = flops / seconds / 1e12
        share = f'{100 * tflops * 1e12 / peak:.0f}%' if peak else 'n/a'
        print(
            f'  {work} / {mode}: {images / seconds:.0f} images/s, {tflops:.1f} TFLOP/s',
            flush=True)
        lines.append(
            f'| {work} | {mode} | {images / seconds:.0f} | {tflops:.1f} | {share} |')

    model, _ = build_distiller(IMAGENET, tiny_teacher, device)
    teacher = model.teacher
    size = model.teacher_view.size or 224
    x = torch.randn(2 * bsz, 3, size, size, device=device)
    amp = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float16
    amp = amp if cuda else torch.bfloat16

    def forward(net, images, autocast):
        with torch.no_grad(), torch.autocast(device.type, dtype=amp, enabled=autocast):
            net.head(net.extract_feat(images))

    flops = count_flops(lambda: forward(teacher, x[:1], False)) * len(x)
    modes = [('fp32', False, False), ('autocast', True, False),
             ('autocast + channels-last', True, True)]
    for mode, autocast, channels_last in modes:
        images = x.contiguous(memory_format=torch.channels_last) if channels_last else x
        seconds = median_time(lambda: forward(teacher, images, autocast), iters, warmup,
                              cuda)
        row(f'{"tiny" if tiny_teacher else "ViT-B/16"} teacher forward, {size} px',
            mode, seconds, len(x), flops)
    if cuda and compile_teacher:
        try:
            compiled = torch.compile(teacher)
            seconds = median_time(lambda: forward(compiled, x, True), iters, warmup + 3,
                                  cuda)
            row('ViT-B/16 teacher forward, 224 px', 'autocast + torch.compile', seconds,
                len(x), flops)
        except Exception as err:  # noqa: BLE001  (compile support varies)
            print(f'  torch.compile: skipped ({type(err).__name__}: {err})')

    k = model.num_classes
    pixels = torch.randint(0, 256, (bsz, 3, 224, 224), device=device).float()
    partners = torch.randint(0, 256, (bsz, 3, 224, 224), device=device).float()
    samples = [DataSample().set_gt_label(int(y)) for y in torch.randint(0, k, (bsz, ))]
    params = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.SGD(params, lr=1e-3, momentum=0.9)

    def distill_step():
        with torch.autocast(device.type, dtype=amp, enabled=cuda):
            losses = model.loss(pixels, samples, partners, samples)
        optimizer.zero_grad(set_to_none=True)
        sum(losses.values()).backward()
        optimizer.step()

    step_flops = count_flops(distill_step)
    seconds = median_time(distill_step, iters, warmup, cuda)
    row(f'ACCKD step ({osp.basename(IMAGENET)})', 'autocast' if cuda else 'fp32',
        seconds, 2 * bsz, step_flops)
    return lines


def end_to_end(work_dir: str, epochs: Optional[int] = None) -> List[str]:
    """Whole training runs of the LA student and the ACCKD student of
    Fashion-MNIST-LT (same student, same data), one after the other through
    ``tools/train.py``: their wall times and where the ACCKD run's time goes."""
    import tempfile
    la = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
    acckd = CASES['fmnist'][1]
    acckd_cfg = Config.fromfile(osp.join(ROOT, acckd))
    teacher_ckpt = osp.join(ROOT, teacher_ckpt_of(acckd_cfg.model))
    if not osp.isfile(teacher_ckpt):
        raise SystemExit(
            f'--end-to-end needs the offline teacher {teacher_ckpt}: run make '
            f'demo (or tools/train.py on its config) first')
    work_dir = work_dir or tempfile.mkdtemp(prefix='e2e_')
    options = [f'train_cfg.max_epochs={epochs}', f'param_scheduler.1.end={epochs}'] \
        if epochs else []
    walls, stats = {}, {}
    for name, config in (('LA', la), ('ACCKD', acckd)):
        out = osp.join(work_dir, name)
        os.makedirs(out, exist_ok=True)
        start = time.perf_counter()
        run_tool([
            sys.executable, 'tools/train.py', config, '--work-dir', out,
            '--cfg-options', 'default_hooks.logger.interval=1', *options
        ], osp.join(out, 'train.log'))
        walls[name] = time.perf_counter() - start
        records = [r for r in scalar_records(out) if 'loss' in r]
        stats[name] = dict(iters=len(records), time=sum(r['time'] for r in records),
                           data=sum(r['data_time'] for r in records))
    a = stats['ACCKD']
    return [
        f'End to end, Fashion-MNIST-LT, {a["iters"]} iterations each, one after the '
        'other:',
        '', '| Run | wall | iterations | of which data | outside iterations |',
        '|---|---:|---:|---:|---:|'
    ] + [
        f'| {n} | {walls[n]:.1f} s | {stats[n]["time"]:.1f} s | '
        f'{stats[n]["data"]:.1f} s | '
        f'{walls[n] - stats[n]["time"]:.1f} s |' for n in ('LA', 'ACCKD')
    ] + ['', f'ACCKD / LA wall time: {walls["ACCKD"] / walls["LA"]:.2f}']


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', nargs='+', default=list(CASES), choices=list(CASES))
    parser.add_argument(
        '--batch', type=int, help="B (default: the config's batch size)")
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--gpu-part-on-cpu',
        action='store_true',
        help='run the GPU part on the CPU at a tiny batch (a smoke run)')
    parser.add_argument(
        '--heavy-batch', type=int, help='batch per view of the GPU part')
    parser.add_argument(
        '--end-to-end',
        action='store_true',
        help='also time whole LA and ACCKD training runs (Fashion-MNIST-LT)')
    parser.add_argument('--end-to-end-epochs', type=int,
                        help="epochs of those runs (default: the configs' 30)")
    parser.add_argument(
        '--work-dir', help='where --end-to-end trains (default: a temp dir)')
    args = parser.parse_args(argv)
    if args.end_to_end_epochs is not None and args.end_to_end_epochs < 2:
        parser.error('--end-to-end-epochs must be at least 2 (the configs warm up for '
                     'one epoch, then anneal)')
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    report = cpu_cases(args)
    if args.end_to_end:
        report += [''] + end_to_end(args.work_dir, args.end_to_end_epochs)
    device = torch.device('cuda') if torch.cuda.is_available() else (
        torch.device('cpu') if args.gpu_part_on_cpu else None)
    if device is None:
        report += ['', 'No CUDA device: the GPU part was not run.']
    else:
        report += [''] + heavy_cases(device, args.heavy_batch, args.iters, args.warmup)
    print('\n' + '\n'.join(report))
    return 0


if __name__ == '__main__':
    sys.exit(main())
