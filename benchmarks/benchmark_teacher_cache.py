"""The teacher replay cache against the online teacher: equal losses, step
time, size. Prints Markdown tables (docs/teacher_cache.md, the README).

    python benchmarks/benchmark_teacher_cache.py                 # every part
    python benchmarks/benchmark_teacher_cache.py --parts speed size

* ``equality``: Fashion-MNIST-LT (ResNet-8 student, offline ResNet-20
  teacher), ACCKD and KD, ``--epochs`` epochs (15: 300 iterations in one
  process, 150 per rank in two), trained online and from a cache written by
  ``tools/cache_teacher.py``: every iteration's logged losses and the final
  weights compared, for fp32 storage (1 process and 2-process DDP), fp16
  logits + fp16 features, and int8 features; then a cache made for another
  seed and another batch size, refused.
* ``speed``: one ACCKD training step (loss, backward, SGD step) online and
  cached, interleaved step by step (machine noise hits both): Fashion-MNIST-LT
  with the ResNet-20 teacher and with the ViT-tower teacher at the config's
  batch, and the real-size case (CLIP ViT-B/16 at random weights, ResNet-18
  student, 224 px) at ``--real-batch``; median milliseconds.
* ``size``: the bytes of a Fashion-MNIST-LT cache as written (30 epochs),
  and computed for CIFAR-100-LT, ImageNet-LT and iNaturalist 2018.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))

import numpy as np
import torch
from benchmark_speed import CASES, IMAGENET, batch, build_distiller

from cckd_plugin.engine.teacher_cache_loop import write_teacher_step
from cckd_plugin.teacher_cache import CachedTeacher, TeacherCache, row_bytes
from tools.tool_runs import last_val_metrics, log, run_tool, scalar_records

ACCKD = CASES['fmnist'][1]
KD = ACCKD.replace('acckd_', 'kd_')
VIT = ('configs/distill/fashion_mnist_lt/vit_teachers/'
       'acckd_resnet8_fmnist-vit-adaptformer-la_fashion-mnist-lt.py')
# training images, epochs, classes, feature size of the teacher's imitated
# feature (CLIP ViT-B/16: its class token, 768)
DATASETS = (('CIFAR-100-LT', 10847, 200, 100, 768),
            ('ImageNet-LT', 115846, 200, 1000, 768),
            ('iNaturalist 2018', 437513, 90, 8142, 768))
STORAGE = (('fp32', 'fp32'), ('fp16', 'fp16'), ('fp16', 'int8'), ('fp32', 'none'))


# -- equality --------------------------------------------------------------------
def losses_of(work_dir: str) -> List[Dict[str, float]]:
    """Every training iteration's logged loss terms, in order."""
    return [{k: v for k, v in r.items() if k.startswith('loss')}
            for r in scalar_records(work_dir) if 'loss' in r]


def final_state(work_dir: str) -> Dict[str, torch.Tensor]:
    from cckd_plugin.compat import safe_torch_load
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return safe_torch_load(f.read().strip())['state_dict']


def compare(online: str, cached: str) -> Dict[str, float]:
    """Cached against online: the iterations; the largest relative difference
    of a loss term at the first iteration (the same weights: the storage's own
    error); the largest absolute difference over the run (the weights drift
    apart once a step differs); the final ``val`` accuracy of both; whether the
    final weights are bit-identical."""
    a, b = losses_of(online), losses_of(cached)
    assert len(a) == len(b) and a, (len(a), len(b))
    rel = lambda x, y, k: abs(x[k] - y[k]) / max(abs(x[k]), 1e-12)  # noqa: E731
    sa, sb = final_state(online), final_state(cached)
    return dict(
        iters=len(a), first=max(rel(a[0], b[0], k) for k in a[0]),
        run=max(abs(x[k] - y[k]) for x, y in zip(a, b) for k in x),
        val=(last_val_metrics(online)['all'], last_val_metrics(cached)['all']),
        same=sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa))


def launch(args: List[str], processes: int, log_file: str, out: str) -> None:
    """``tools/<train.py|cache_teacher.py> ARGS`` in 1 process or under torchrun,
    once: a finished ``out`` (``out.done`` beside it) is kept."""
    if osp.isfile(out + '.done'):
        return
    tool, rest = args[0], args[1:]
    if processes == 1:
        run_tool([sys.executable, f'tools/{tool}', *rest], log_file)
    else:
        script = 'dist_train.sh' if tool == 'train.py' else 'dist_cache_teacher.sh'
        run_tool(['bash', f'tools/{script}', rest[0], str(processes), *rest[1:]],
                 log_file, env=dict(PYTHON=sys.executable, OMP_NUM_THREADS='1'))
    open(out + '.done', 'w').close()


def equality(work: str, epochs: int) -> List[str]:
    # every iteration logged as it is (window 1), one validation at the end
    common = [f'train_cfg.max_epochs={epochs}', f'param_scheduler.1.end={epochs}',
              f'train_cfg.val_interval={epochs}', 'default_hooks.logger.interval=1',
              'log_processor.window_size=1']
    rows = ['| Run | processes | storage (logits / features) | iterations | '
            'first iteration: max relative loss difference | whole run: max abs '
            'loss difference | val all, online / cached | final weights |',
            '|---|---:|---|---:|---:|---:|---:|---|']
    for processes in (1, 2):
        caches = {}
        for logits, features in (('fp32', 'fp32'), ('fp16', 'fp16'), ('fp32', 'int8')):
            if processes == 2 and (logits, features) != ('fp32', 'fp32'):
                continue  # DDP: the bit-identity check
            out = osp.join(work, f'cache_p{processes}_{logits}_{features}')
            log(f'cache {processes} process(es), {logits} / {features}')
            launch(['cache_teacher.py', ACCKD, '--out', out, '--logits', logits,
                    '--features', features, '--cfg-options', *common], processes,
                   osp.join(work, 'cache.log'), out)
            caches[logits, features] = out
        for name, config in (('ACCKD', ACCKD), ('KD', KD)):
            online = osp.join(work, f'{name}_p{processes}_online')
            log(f'{name} online, {processes} process(es)')
            launch(['train.py', config, '--work-dir', online, '--cfg-options', *common],
                   processes, osp.join(work, 'train.log'), online)
            for (logits, features), cache in caches.items():
                if name == 'KD' and features == 'int8':
                    continue  # KD reads no features
                cached = f'{online}_cached_{logits}_{features}'
                log(f'{name} cached {logits} / {features}, {processes} process(es)')
                launch(['train.py', config, '--work-dir', cached, '--cfg-options',
                        *common, f'model.teacher_cache={cache}'], processes,
                       osp.join(work, 'train.log'), cached)
                c = compare(online, cached)
                rows.append(f'| {name} | {processes} | {logits} / {features} | '
                            f'{c["iters"]} | {c["first"]:.2g} | {c["run"]:.3g} | '
                            f'{c["val"][0]:.1f} / {c["val"][1]:.1f} | '
                            f'{"bit-identical" if c["same"] else "differ"} |')
                print(rows[-1], flush=True)
    rows += ['', 'Refusals (the last line of `tools/train.py`):', '']
    cache = osp.join(work, 'cache_p1_fp32_fp32')
    for option in ('randomness.seed=1', 'train_dataloader.batch_size=32'):
        result = subprocess.run(
            [sys.executable, 'tools/train.py', ACCKD, '--work-dir',
             osp.join(work, 'refused'), '--cfg-options', *common,
             f'model.teacher_cache={cache}', option], cwd=ROOT, capture_output=True,
            text=True)
        line = result.stderr.strip().splitlines()[-1].replace(work, '<work>')
        rows.append(f'- `{option}` (exit code {result.returncode}): {line}')
        print(rows[-1], flush=True)
    return rows


# -- speed -----------------------------------------------------------------------
def cached_reader(model, steps: List[tuple], folder: str) -> CachedTeacher:
    """A cache of the teacher's outputs on ``steps`` (one epoch), opened; the
    mixing generator of step ``s`` is seeded ``[0, s]`` (so is the timed step's)."""
    x = steps[0][0]
    b = x.size(0)
    layout = dict(batch_size=b, steps_per_epoch=len(steps), views=2,
                  rows_per_epoch=2 * b * len(steps), epochs=1,
                  num_classes=model.num_classes,
                  feature_dim=int(model.teacher_outputs.compute(x[:1])[1].size(1)),
                  logits='fp32', features='fp32')
    cache = TeacherCache.create(folder, {}, layout)
    for s, (x, samples, p, partner_samples) in enumerate(steps):
        model.rng = np.random.default_rng([0, s])
        write_teacher_step(model, cache, 0, s, dict(
            inputs=x, data_samples=samples, partner_inputs=p,
            partner_data_samples=partner_samples), True)
    cache.finish_epoch(0)
    reader = CachedTeacher(folder)
    reader.open({}, 0)
    return reader


def step_times(config: str, shape, batch_size: int, iters: int, warmup: int,
               folder: str) -> Dict[str, float]:
    """Median ms of an ACCKD step online and cached, interleaved."""
    torch.manual_seed(0)
    model, cfg = build_distiller(config, False, torch.device('cpu'))
    b = batch_size or cfg.train_dataloader.batch_size
    k = model.num_classes
    steps = []
    for _ in range(iters + warmup):
        x, _, samples = batch(b, shape, k, torch.device('cpu'))
        p, _, partner_samples = batch(b, shape, k, torch.device('cpu'))
        steps.append((x, samples, p, partner_samples))
    reader = cached_reader(model, steps, folder)
    params = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    times = dict(online=[], cached=[])
    for s, (x, samples, p, partner_samples) in enumerate(steps):
        order = ('online', 'cached') if s % 2 == 0 else ('cached', 'online')
        for mode in order:
            model.teacher_outputs.cache = reader if mode == 'cached' else None
            reader.epoch, reader.step = 0, s
            model.rng = np.random.default_rng([0, s])
            start = time.perf_counter()
            losses = model.loss(x, samples, p, partner_samples)
            optimizer.zero_grad(set_to_none=True)
            sum(losses.values()).backward()
            optimizer.step()
            if s >= warmup:
                times[mode].append(time.perf_counter() - start)
    return dict(b=b, **{m: 1e3 * statistics.median(t) for m, t in times.items()})


def speed(work: str, iters: int, warmup: int, real_batch: int,
          real_iters: int) -> List[str]:
    cases = [('Fashion-MNIST-LT, ResNet-20 teacher', ACCKD, (1, 28, 28), None, iters,
              warmup),
             ('Fashion-MNIST-LT, ViT-tower teacher (AdaptFormer)', VIT, (1, 28, 28),
              None, iters, warmup),
             ('real size: CLIP ViT-B/16 teacher, ResNet-18 student, 224 px', IMAGENET,
              (3, 224, 224), real_batch, real_iters, 1)]
    rows = [f'CPU, {os.cpu_count()} logical cores, torch {torch.__version__}, '
            f'{torch.get_num_threads()} threads; median of the interleaved steps '
            f'after warm-up', '',
            '| Case | B | ACCKD step, online | cached | speed-up | teacher share |',
            '|---|---:|---:|---:|---:|---:|']
    for i, (title, config, shape, bsz, n, w) in enumerate(cases):
        log(f'speed: {title}')
        t = step_times(config, shape, bsz, n, w, osp.join(work, f'speed{i}'))
        rows.append(f'| {title} | {t["b"]} | {t["online"]:.1f} ms | '
                    f'{t["cached"]:.1f} ms | {t["online"] / t["cached"]:.2f}x | '
                    f'{100 * (1 - t["cached"] / t["online"]):.0f}% |')
        print(rows[-1], flush=True)
    return rows


# -- size ------------------------------------------------------------------------
def disk_bytes(folder: str) -> int:
    """Bytes the cache's row files take on disk (allocated blocks)."""
    return sum(os.stat(osp.join(folder, f)).st_blocks * 512 for f in os.listdir(folder)
               if f.endswith('.npy'))


def size(work: str) -> List[str]:
    out = osp.join(work, 'size_fmnist')
    log('size: a full Fashion-MNIST-LT cache (30 epochs)')
    run_tool([sys.executable, 'tools/cache_teacher.py', ACCKD, '--out', out],
             osp.join(work, 'cache.log'))
    with open(osp.join(out, 'key.json')) as f:
        layout = json.load(f)['layout']
    rows = ['| Data set | images | epochs | K | D | rows (2 views) | ' +
            ' | '.join(f'{a} / {b}' for a, b in STORAGE) + ' |',
            '|---|---:|---:|---:|---:|---:|' + '---:|' * len(STORAGE)]
    fm_rows = layout['rows_per_epoch'] * layout['epochs']
    gb = lambda n: f'{n / 1e12:.3g} TB' if n >= 1e12 else (  # noqa: E731
        f'{n / 1e9:.3g} GB' if n >= 1e8 else f'{n / 1e6:.3g} MB')
    measured = disk_bytes(out)
    cells = [gb(row_bytes(layout['num_classes'], layout['feature_dim'], a, b) *
                fm_rows) for a, b in STORAGE]
    cells[0] = f'{gb(measured)} (measured)'
    rows.append(f'| Fashion-MNIST-LT | {layout["rows_per_epoch"] // 2:,} | '
                f'{layout["epochs"]} | {layout["num_classes"]} | '
                f'{layout["feature_dim"]} | {fm_rows:,} | ' + ' | '.join(cells) + ' |')
    for name, images, epochs, k, d in DATASETS:
        n = 2 * images * epochs
        rows.append(f'| {name} | {images:,} | {epochs} | {k} | {d} | {n:,} | ' +
                    ' | '.join(gb(row_bytes(k, d, a, b) * n) for a, b in STORAGE) +
                    ' |')
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--parts', nargs='+', default=['equality', 'speed', 'size'],
                        choices=['equality', 'speed', 'size'])
    parser.add_argument('--epochs', type=int, default=15,
                        help='epochs of the equality runs (20 iterations each)')
    parser.add_argument('--iters', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--real-batch', type=int, default=8)
    parser.add_argument('--real-iters', type=int, default=4)
    parser.add_argument('--work-dir', help='default: a temporary folder')
    args = parser.parse_args()
    work = osp.abspath(args.work_dir or tempfile.mkdtemp(prefix='teacher_cache_'))
    os.makedirs(work, exist_ok=True)
    sections = []
    if 'equality' in args.parts:
        sections += ['### Cached against online losses', ''] + equality(
            work, args.epochs)
    if 'speed' in args.parts:
        sections += ['', '### Step time', ''] + speed(
            work, args.iters, args.warmup, args.real_batch, args.real_iters)
    if 'size' in args.parts:
        sections += ['', '### Cache size', ''] + size(work)
    print('\n'.join(sections))


if __name__ == '__main__':
    main()
