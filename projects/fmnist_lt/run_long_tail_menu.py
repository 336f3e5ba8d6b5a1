"""The long-tail menu on Fashion-MNIST-LT: each method alone, and with ACCKD on top.

    python projects/fmnist_lt/run_long_tail_menu.py --jobs 2   # 3 seeds, full schedule
    python projects/fmnist_lt/run_long_tail_menu.py --quick    # 1 seed, 3 epochs

Every row is a long-tail method of the plugin or of MMPretrain / mmengine, run
through the real configs, ``tools/train.py`` and ``tools/test.py``: the losses
(LA, balanced softmax, CDT, LADE, LDAM-DRW, Seesaw) alone and as ACCKD's
``L_sup``; the resampling methods (repeat-factor, class-aware, progressive) with
cross-entropy alone and under ACCKD with cross-entropy as ``L_sup``; and the
decoupled and post-hoc methods (cRT, LWS, the tau-normalised classifier, post-hoc
logit adjustment) on the CE baseline and on that ACCKD-with-CE student, which
is exported as a plain classifier for cRT and LWS.

Settings the methods' papers leave to the data are chosen on `val` (20 images
per class), never on `test`: the repeat-factor threshold ``t`` once, on seed 0 of
the baseline (and used for every seed, alone and under ACCKD); the tau of the
tau-normalised classifier and of post-hoc LA per run, each on that run's own
`val`. The runs share ``work_dirs/fmnist_lt_benchmark/`` with
``run_benchmark.py`` (same tags, same options), so finished runs of either are
kept. Writes ``long_tail_menu/results.md`` and ``results.json`` beside this file.
"""
import argparse
import json
import os
import os.path as osp
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from mmengine.config import Config

from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
from tools.tool_runs import (TrainingDiverged, git_commit, last_checkpoint,
                             last_val_metrics, log, mean_and_std, run_tool,
                             seed_options, test, train)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
OUT_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'long_tail_menu')
#: accuracy keys (%) and the calibration error (%) of a test
KEYS = ('many', 'medium', 'few', 'all', 'ece')
BASELINE = 'configs/baselines/{}_resnet8_fashion-mnist-lt.py'
MENU = ('configs/distill/fashion_mnist_lt/long_tail_methods/'
        '{}_offline-ft_fashion-mnist-lt.py')
ACCKD_LA = ('configs/distill/fashion_mnist_lt/'
            'acckd_resnet8_offline-ft_fashion-mnist-lt.py')
ABLATION = ('configs/distill/fashion_mnist_lt/ablations/'
            'acckd_resnet8-{}_offline-ft_fashion-mnist-lt.py')
#: the repeat-factor threshold t, chosen on seed 0's `val` of the baseline
REPEAT_THRESHOLDS = (0.03, 0.1, 0.3, 1.0)
#: tau of the tau-normalised classifier and of post-hoc LA, chosen per run on `val`
TAU_NORM_GRID = (0.0, 0.5, 1.0, 1.5, 2.0)
POSTHOC_LA_GRID = (0.0, 0.5, 1.0, 1.5, 2.0)
QUICK_EPOCHS = 3


class Step:
    """One cell of the table: a training run (``kind='train'``), a stage-2
    training from another step's checkpoint (``'stage2'``, cRT) or a test-time
    change of another step's checkpoint with a setting chosen on `val`
    (``'posthoc'``)."""

    def __init__(self, tag: str, config: str, distill: bool, kind: str = 'train',
                 source: Optional[str] = None, grid: Optional[Tuple[str, tuple]] = None,
                 options: Callable[[dict], List[str]] = lambda chosen: []):
        self.tag, self.config, self.distill, self.kind = tag, config, distill, kind
        self.source, self.grid, self.options = source, grid, options


def deferred_reweighting(config: str, epochs: int) -> List[str]:
    """A DRW loss's start moved with a shortened run (the same fraction of it:
    24 of 30 epochs, Cao et al.'s 160 of 200), so that it starts at all."""
    from cckd_plugin.models.distillers.model_configs import read_model_config
    cfg = Config.fromfile(osp.join(ROOT, config))
    model, key = cfg.model.to_dict(), 'model.head.loss'
    if 'student' in model:
        model, key = read_model_config(model['student'], 'model.student'), \
            'model.student.head.loss'
    start = model.get('head', {}).get('loss', {}).get('reweight_from_epoch')
    if not start:
        return []
    return [f'{key}.reweight_from_epoch={start * epochs // cfg.train_cfg.max_epochs}']


def repeat_factor(key: str) -> Callable[[dict], List[str]]:
    return lambda chosen: [f'{key}={chosen["repeat_thr"]}']


def menu() -> List[Tuple[str, Step, Step]]:
    """(label, the method alone, the method with ACCKD on top)."""
    def loss_row(label, name, acckd_config):
        return (label, Step(name, BASELINE.format(name), False),
                Step(f'acckd-{name}', acckd_config, True))

    tau_norm = ('default_hooks.tau_norm.tau', TAU_NORM_GRID)
    posthoc_la = ('test_evaluator.logit_adjust_tau', POSTHOC_LA_GRID)
    return [
        loss_row('CE', 'ce', MENU.format('acckd_resnet8-ce')),
        ('LA', Step('la', BASELINE.format('la'), False),
         Step('acckd-ft', ACCKD_LA, True)),  # run_benchmark.py's ACCKD run
        loss_row('Balanced softmax', 'bs', MENU.format('acckd_resnet8-bs')),
        loss_row('CDT', 'cdt', ABLATION.format('cdt')),
        loss_row('LADE', 'lade', ABLATION.format('lade')),
        loss_row('LDAM-DRW', 'ldam-drw', MENU.format('acckd_resnet8-ldam-drw')),
        loss_row('Seesaw', 'seesaw', MENU.format('acckd_resnet8-seesaw')),
        ('Repeat-factor resampling',
         Step('repeat-factor', BASELINE.format('repeat-factor'), False,
              options=repeat_factor('train_dataloader.dataset.oversample_thr')),
         Step('acckd-ce-repeat-factor', MENU.format('acckd_resnet8-ce-repeat-factor'),
              True, options=repeat_factor(
                  'train_dataloader.dataset.dataset.oversample_thr'))),
        ('Class-aware sampling',
         Step('class-aware-sampling', BASELINE.format('class-aware-sampling'), False),
         Step('acckd-ce-class-aware-sampling',
              MENU.format('acckd_resnet8-ce-class-aware-sampling'), True)),
        ('Progressive sampling',
         Step('progressive-sampling', BASELINE.format('progressive-sampling'), False),
         Step('acckd-ce-progressive-sampling',
              MENU.format('acckd_resnet8-ce-progressive-sampling'), True)),
        ('cRT', Step('crt', BASELINE.format('crt'), False, 'stage2', 'ce'),
         Step('crt-acckd-ce', MENU.format('crt_acckd_resnet8-ce'), False, 'stage2',
              'acckd-ce')),
        ('LWS', Step('lws', BASELINE.format('lws'), False, 'stage2', 'ce'),
         Step('lws-acckd-ce', MENU.format('lws_acckd_resnet8-ce'), False, 'stage2',
              'acckd-ce')),
        ('tau-norm', Step('tau-norm', BASELINE.format('tau-norm'), False, 'posthoc',
                          'ce', tau_norm),
         Step('tau-norm-acckd-ce', MENU.format('tau-norm_acckd_resnet8-ce'), True,
              'posthoc', 'acckd-ce', tau_norm)),
        ('Post-hoc LA', Step('posthoc-la', BASELINE.format('posthoc-la'), False,
                             'posthoc', 'ce', posthoc_la),
         Step('posthoc-la-acckd-ce', MENU.format('posthoc-la_acckd_resnet8-ce'), True,
              'posthoc', 'acckd-ce', posthoc_la)),
    ]


class Menu:
    """Runs the steps, sharing the benchmark's work directories and options."""

    def __init__(self, args):
        self.args = args
        self.chosen: Dict[str, float] = {}
        self.export_lock = threading.Lock()

    def work_dir(self, tag: str, seed: int) -> str:
        return osp.join(self.args.work_dir, tag, f'seed{seed}')

    def epoch_options(self, step: Step) -> List[str]:
        if not self.args.epochs:
            return []
        epochs = 2 if step.kind == 'stage2' else self.args.epochs
        return [f'train_cfg.max_epochs={epochs}', f'param_scheduler.1.end={epochs}',
                f'train_cfg.val_interval={epochs}'] + deferred_reweighting(
                    step.config, epochs)

    def test(self, step: Step, checkpoint: str, work_dir: str, seed: int,
             options: Sequence[str] = ()) -> dict:
        """``tools/test.py`` (cached in ``test_metrics.json``): ``KEYS`` in %."""
        teacher = [f'model.teacher_ckpt={self.args.teacher_ckpt}'] \
            if step.distill else []
        return test(step.config, checkpoint, work_dir,
                    [f'randomness.seed={seed}', *teacher, *options],
                    osp.join(work_dir, 'menu.log'), self.args.threads, keys=KEYS)

    def trained(self, step: Step, seed: int, tag: Optional[str] = None,
                extra: Sequence[str] = (), chosen: Optional[dict] = None) -> dict:
        """Train (or resume, or keep) and test one run (``chosen``: the settings
        chosen on `val`, default the runner's)."""
        work_dir = self.work_dir(tag or step.tag, seed)
        os.makedirs(work_dir, exist_ok=True)
        options = seed_options(seed, step.distill, self.args.teacher_ckpt) + \
            self.epoch_options(step) + \
            step.options(chosen or self.chosen) + list(extra)
        log_file = osp.join(work_dir, 'benchmark.log')
        if not osp.isfile(osp.join(work_dir, 'train.done')):
            state = 'resuming' if last_checkpoint(work_dir) else 'training'
            log(f'{tag or step.tag} seed {seed}: {state}')
        try:
            ckpt = train(step.config, work_dir, options, log_file, self.args.threads)
        except TrainingDiverged as error:
            log(f'{tag or step.tag} seed {seed}: diverged: {error}')
            return dict(diverged=str(error), work_dir=osp.relpath(work_dir, ROOT))
        result = dict(test=self.test(step, ckpt, work_dir, seed),
                      val=last_val_metrics(work_dir), checkpoint=ckpt,
                      work_dir=osp.relpath(work_dir, ROOT))
        log(f'{tag or step.tag} seed {seed}: test all {result["test"]["all"]:.2f}')
        return result

    def stage2(self, step: Step, seed: int, sources: dict) -> dict:
        """cRT or LWS from the source run's checkpoint (a distilled one
        exported once: both stage-2 rows of a seed share the export)."""
        source = sources[(step.source, seed)]
        if 'checkpoint' not in source:
            return dict(diverged=f'stage 1 ({step.source}) has no checkpoint')
        ckpt = source['checkpoint']
        if step.source.startswith('acckd'):
            exported = osp.join(osp.dirname(ckpt), 'student.pth')
            with self.export_lock:  # cRT and LWS may ask at the same time
                self._export(step.source, ckpt, exported)
            ckpt = exported
        return self.trained(step, seed, extra=[f'load_from={ckpt}'])

    def _export(self, source: str, ckpt: str, exported: str) -> None:
        if not osp.isfile(exported):
            run_tool([sys.executable, 'tools/model_converters/export_student.py',
                      source_config(source), ckpt, exported],
                     osp.join(osp.dirname(ckpt), 'export.log'), self.args.threads)

    def posthoc(self, step: Step, seed: int, sources: dict) -> dict:
        """Test the source checkpoint at every grid value on `val`, then at the
        best one (ties to the smaller value) on `test`."""
        source = sources[(step.source, seed)]
        if 'checkpoint' not in source:
            return dict(diverged=f'{step.source} has no checkpoint')
        key, grid = step.grid
        base = self.work_dir(step.tag, seed)
        on_val = {}
        for value in grid:
            metrics = self.test(step, source['checkpoint'], osp.join(
                base, f'val_{value:g}'), seed, [f'{key}={value}',
                                                'test_dataloader.dataset.split=val'])
            on_val[value] = metrics['all']
        best = max(grid, key=lambda v: (on_val[v], -v))
        result = dict(test=self.test(step, source['checkpoint'],
                                     osp.join(base, 'test'), seed, [f'{key}={best}']),
                      val=dict(all=on_val[best]), chosen={key: best},
                      val_grid={f'{v:g}': on_val[v] for v in grid},
                      work_dir=osp.relpath(base, ROOT))
        log(f'{step.tag} seed {seed}: {key}={best:g} on val, test all '
            f'{result["test"]["all"]:.2f}')
        return result


def source_config(tag: str) -> str:
    for _, alone, acckd in menu():
        for step in (alone, acckd):
            if step.tag == tag:
                return step.config
    raise KeyError(tag)


def summarise(per_seed: Dict[int, dict]) -> dict:
    """Mean and sample standard deviation over seeds of each key."""
    done = [r for r in per_seed.values() if 'test' in r]
    summary = {}
    for k in KEYS:
        values = [r['test'][k] for r in done]
        if values:
            summary[k] = mean_and_std(values)
    return summary


def cell(stat: Optional[dict]) -> str:
    return f'{stat["mean"]:.1f} ± {stat["std"]:.1f}' if stat else 'n/a'


def write_tables(results: dict, out_dir: str) -> None:
    meta, rows = results['meta'], results['rows']
    head = [f'{side} {k}' for side in ('alone', '+ ACCKD')
            for k in ('many', 'med.', 'few', 'all', 'ECE')]
    lines = [
        '# Fashion-MNIST-LT: the long-tail menu, alone and with ACCKD', '',
        f'Generated by `{meta["command"]}` at commit `{meta["commit"]}` '
        f'({meta["date"]}, {meta["minutes"]} min); seeds {meta["seeds"]}, '
        f'{meta["epochs"]} student epochs. Top-1 accuracy (%) on the balanced test '
        'split and the expected calibration error (%, 15 bins) of the top-1 '
        'softmax confidence, mean ± sample standard deviation over seeds. ACCKD: '
        'the offline fine-tuned ResNet-20 teacher, the paper\'s settings; the '
        'resampling, decoupled and post-hoc rows put the method on the ACCKD '
        'student whose L_sup is cross-entropy.', '',
        '| Method | ' + ' | '.join(head) + ' |', '|---|' + '---:|' * len(head)]
    for row in rows:
        cells = [cell(row[side]['summary'].get(k)) for side in ('alone', 'acckd')
                 for k in KEYS]
        lines.append(f'| {row["label"]} | ' + ' | '.join(cells) + ' |')
    lines += ['', '## Settings chosen on `val`', '',
              f'- repeat-factor threshold t: {meta["chosen"]["repeat_thr"]:g} '
              f'(seed 0 of the baseline, last validation all-class accuracy '
              f'{meta["repeat_val"]}), used for every seed, alone and under ACCKD.']
    for row in rows:
        for side in ('alone', 'acckd'):
            chosen = [r['chosen'] for r in row[side]['seeds'].values() if 'chosen' in r]
            if chosen:
                key = next(iter(chosen[0]))
                lines.append(f'- {row[side]["tag"]}: {key} per seed '
                             f'{[c[key] for c in chosen]} (grid {row[side]["grid"]})')
    diverged = [f'- {row[side]["tag"]} seed {seed}: {r["diverged"]}' for row in rows
                for side in ('alone', 'acckd')
                for seed, r in row[side]['seeds'].items() if 'diverged' in r]
    if diverged:
        lines += ['', '## Runs without a result', '', 'Left out of the means.', '',
                  *diverged]
    lines.append('')
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write('\n'.join(lines))
    with open(osp.join(out_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+',
                        help='default: 0 1 2 (quick: 0)')
    parser.add_argument('--epochs', type=int, help="student epochs (default: the "
                        f"configs' 30; quick: {QUICK_EPOCHS})")
    parser.add_argument('--quick', action='store_true',
                        help='1 seed, 3 epochs: a check')
    parser.add_argument('--work-dir', help='default: work_dirs/fmnist_lt_benchmark'
                        '[_quick] (shared with run_benchmark.py)')
    parser.add_argument('--out-dir', help='default: long_tail_menu/ beside this file '
                        '(quick: the work dir)')
    parser.add_argument('--teacher-ckpt', help="default: the distillation configs' "
                        'teacher_ckpt (trained when missing)')
    parser.add_argument('--jobs', type=int, default=1, help='runs in parallel')
    args = parser.parse_args()
    args.seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    if args.quick and args.epochs is None:
        args.epochs = QUICK_EPOCHS
    name = 'fmnist_lt_benchmark' + ('_quick' if args.quick else '')
    args.work_dir = osp.abspath(args.work_dir or osp.join(ROOT, 'work_dirs', name))
    args.out_dir = osp.abspath(args.out_dir or (args.work_dir if args.quick
                                                else OUT_DIR))
    args.teacher_ckpt = osp.abspath(args.teacher_ckpt or osp.join(
        ROOT, teacher_ckpt_of(Config.fromfile(osp.join(ROOT, ACCKD_LA)).model)))
    args.threads = max(1, (os.cpu_count() or 1) // args.jobs) if args.jobs > 1 else None
    start = time.time()
    if not osp.isfile(args.teacher_ckpt):
        teacher = 'configs/teachers/offline_resnet20_fashion-mnist-pool.py'
        log(f'teacher: training {teacher}')
        train(teacher, osp.dirname(args.teacher_ckpt))
    runner = Menu(args)
    rows = menu()
    steps = [step for _, alone, acckd in rows for step in (alone, acckd)]
    repeat = next(s for s in steps if s.tag == 'repeat-factor')

    def parallel(jobs):
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            return list(pool.map(lambda job: job(), jobs))

    # 1: every training run that needs no choice, and the threshold grid on seed 0
    first = [s for s in steps if s.kind == 'train' and s.options(dict(repeat_thr=0))
             == []]
    grid_jobs = [(lambda t=t: runner.trained(
        repeat, args.seeds[0], f'repeat-factor-t{t:g}', chosen=dict(repeat_thr=t)))
        for t in REPEAT_THRESHOLDS]
    jobs = [(s, seed) for seed in args.seeds for s in first]
    outcomes = parallel([(lambda s=s, seed=seed: runner.trained(s, seed))
                         for s, seed in jobs] + grid_jobs)
    results = {(s.tag, seed): r for (s, seed), r in zip(jobs, outcomes)}
    on_val = {t: r.get('val', {}).get('all', float('-inf'))
              for t, r in zip(REPEAT_THRESHOLDS, outcomes[len(jobs):])}
    runner.chosen['repeat_thr'] = max(REPEAT_THRESHOLDS, key=lambda t: (on_val[t], -t))
    log(f'repeat-factor: t={runner.chosen["repeat_thr"]:g} on val ({on_val})')
    # 2: the rest, from the chosen threshold and the stage-1 runs
    later = [(s, seed) for seed in args.seeds for s in steps if s not in first]

    def job(step, seed):
        if step.kind == 'stage2':
            return lambda: runner.stage2(step, seed, results)
        if step.kind == 'posthoc':
            return lambda: runner.posthoc(step, seed, results)
        if step is repeat and seed == args.seeds[0]:  # the grid's run at the choice
            return lambda: runner.trained(
                step, seed, f'repeat-factor-t{runner.chosen["repeat_thr"]:g}')
        tag = f'{step.tag}-t{runner.chosen["repeat_thr"]:g}'
        return lambda: runner.trained(step, seed, tag)

    for (step, seed), outcome in zip(later, parallel([job(s, k) for s, k in later])):
        results[(step.tag, seed)] = outcome
    table = []
    for label, alone, acckd in rows:
        row = dict(label=label)
        for side, step in (('alone', alone), ('acckd', acckd)):
            seeds = {seed: {k: v for k, v in results[(step.tag, seed)].items()
                            if k != 'checkpoint'} for seed in args.seeds}
            row[side] = dict(tag=step.tag, config=step.config, seeds=seeds,
                             summary=summarise(seeds),
                             grid=list(step.grid[1]) if step.grid else None)
        table.append(row)
    meta = dict(command='python ' + ' '.join([osp.relpath(__file__, ROOT)] +
                                             sys.argv[1:]),
                commit=git_commit(), date=time.strftime('%Y-%m-%d'), seeds=args.seeds,
                epochs=args.epochs or 30, chosen=runner.chosen,
                repeat_val={f'{t:g}': v for t, v in on_val.items()},
                minutes=round((time.time() - start) / 60, 1))
    write_tables(dict(meta=meta, rows=table), args.out_dir)
    log(f'wrote {osp.join(args.out_dir, "results.md")} ({meta["minutes"]} min)')


if __name__ == '__main__':
    main()
