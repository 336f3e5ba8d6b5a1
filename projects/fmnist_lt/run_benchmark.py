"""Fashion-MNIST-LT benchmark: the offline teacher, then CE, LA, KD, WKD, DiVE,
CCKD and ACCKD students under both offline teachers (NCM and fine-tuned) and
the Table 3 ablation rows, each over several seeds, all through the real
configs, ``tools/train.py`` and ``tools/test.py``.

    python projects/fmnist_lt/run_benchmark.py              # 3 seeds, full schedule
    python projects/fmnist_lt/run_benchmark.py --quick      # 1 seed, 3 epochs

Finished runs are kept (``test_metrics.json`` in their work directory) and a
half-trained run continues with ``--resume``, so an interrupted sweep picks up
where it stopped. Writes ``results.md`` and ``results.json`` to ``--out-dir``.
Every setting was fixed before looking at the test split; the validation
numbers of each run are kept next to its test numbers for choosing on ``val``.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from mmengine.config import Config

from cckd_plugin.evaluation.shot_group_accuracy import SHOT_KEYS
from cckd_plugin.models.distillers.frozen_teacher import teacher_ckpt_of
from tools.tool_runs import (TrainingDiverged, git_commit, last_checkpoint,
                             last_val_metrics, log, run_tool, seed_options, stat_cell,
                             summarise, teacher_cache, test, train)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HERE = osp.relpath(osp.dirname(osp.abspath(__file__)), ROOT)
cell = stat_cell  # one table cell: mean ± std
KEYS = SHOT_KEYS
TEACHER_CFG = 'configs/teachers/offline_resnet20_fashion-mnist-pool.py'
NCM_TEACHER_CFG = 'configs/teachers/ncm_offline-resnet20_fashion-mnist-lt.py'
DISTILL = ('configs/distill/fashion_mnist_lt/'
           '{method}_resnet8_offline-{teacher}_fashion-mnist-lt.py')
METHODS = (('kd', 'KD'), ('wkd', 'WKD'), ('dive', 'DiVE'), ('cckd', 'CCKD'),
           ('acckd', 'ACCKD'))
TEACHERS = (('ncm', 'NCM teacher'), ('ft', 'fine-tuned teacher'))
# Table 3: the terms each row adds on top of L_sup (row 1 is CCKD, row 6 ACCKD)
ROWS = ('configs/distill/fashion_mnist_lt/ablations/'
        '{}_resnet8_offline-ft_fashion-mnist-lt.py')
ABLATION = (
    ('row1', 'cckd', ('cckd', )),
    ('row2', ROWS.format('row2-cckd_supmix'), ('cckd', 'sup_mix')),
    ('row3', ROWS.format('row3-cckd_cckdmix'), ('cckd', 'cckd_mix')),
    ('row4', ROWS.format('row4-cckd_supmix_cckdmix'), ('cckd', 'sup_mix', 'cckd_mix')),
    ('row5', ROWS.format('row5-cckd_mix_fi'), ('cckd', 'sup_mix', 'cckd_mix', 'fi')),
    ('row6', 'acckd', ('cckd', 'sup_mix', 'cckd_mix', 'fi', 'fi_mix')),
)
TERMS = ('cckd', 'sup_mix', 'cckd_mix', 'fi', 'fi_mix')
ABL = ROWS
# the paper's other experiments, fine-tuned teacher (tag, label, config)
EXTRA = (
    ('acckd-square-align-encoder', 'ACCKD, a square align layer in the encoder',
     ABL.format('acckd-square-align-encoder')),
    ('acckd-square-align-branch', 'ACCKD, a square align layer on a side branch',
     ABL.format('acckd-square-align-branch')),
    ('fig7-random-random', 'two random samplers',
     ABL.format('fig7-random-random_acckd')),
    ('fig7-balanced-balanced', 'two class-balanced samplers',
     ABL.format('fig7-balanced-balanced_acckd')),
    *[(f'fig8-tau{t}', f'tau = {t}', ABL.format(f'fig8-tau{t}_acckd'))
      for t in (1, 4, 8, 10)],
    ('fig9-synthetic-only', 'synthetic data only (L_sup_mix + L_cckd_mix)',
     ABL.format('fig9-synthetic-only')),
    ('cdt', 'CDT', 'configs/baselines/cdt_resnet8_fashion-mnist-lt.py'),
    ('lade', 'LADE', 'configs/baselines/lade_resnet8_fashion-mnist-lt.py'),
    ('acckd-cdt', 'ACCKD with CDT as L_sup',
     ABL.format('acckd').replace('resnet8_', 'resnet8-cdt_')
     ),
    ('acckd-lade', 'ACCKD with LADE as L_sup',
     ABL.format('acckd').replace('resnet8_', 'resnet8-lade_')
     ),
)


class Run:
    """One student configuration, trained and tested once per seed."""

    def __init__(self, tag: str, label: str, config: str, distill: bool):
        self.tag, self.label, self.config, self.distill = tag, label, config, distill


def student_runs() -> List[Run]:
    runs = [Run('ce', 'CE', 'configs/baselines/ce_resnet8_fashion-mnist-lt.py', False),
            Run('la', 'LA', 'configs/baselines/la_resnet8_fashion-mnist-lt.py', False)]
    for teacher, _ in TEACHERS:
        for method, label in METHODS:
            runs.append(Run(f'{method}-{teacher}', label,
                            DISTILL.format(method=method, teacher=teacher), True))
    for row, config, _ in ABLATION[1:-1]:
        runs.append(Run(f'ablation-{row}', f'Table 3 {row}', config, True))
    for tag, label, config in EXTRA:
        runs.append(Run(tag, label, config, not config.startswith('configs/baselines')))
    return runs


def train_and_test(run: Run, seed: int, args) -> dict:
    work_dir = osp.join(args.work_dir, run.tag, f'seed{seed}')
    log_file = osp.join(work_dir, 'benchmark.log')
    os.makedirs(work_dir, exist_ok=True)
    options = seed_options(seed, run.distill, args.teacher_ckpt)
    teacher = [f'model.teacher_ckpt={args.teacher_ckpt}'] if run.distill else []
    if args.epochs:
        options += [f'train_cfg.max_epochs={args.epochs}',
                    f'param_scheduler.1.end={args.epochs}',
                    f'train_cfg.val_interval={args.epochs}']
    state = 'resuming' if last_checkpoint(work_dir) else 'training'
    finished = osp.isfile(osp.join(work_dir, 'test_metrics.json'))
    if not finished:
        log(f'{run.tag} seed {seed}: {state}')
    if args.teacher_cache and run.distill and not finished:
        # one teacher pass per seed and cache group (teacher, data, mixing)
        options.append(teacher_cache(run.config, options, osp.join(
            args.work_dir, 'teacher_caches', f'seed{seed}'), log_file, args.threads))
    try:
        ckpt = train(run.config, work_dir, options, log_file, args.threads)
    except TrainingDiverged as error:  # kept in the results, left out of the means
        log(f'{run.tag} seed {seed}: diverged: {error}')
        return dict(diverged=str(error), work_dir=osp.relpath(work_dir, ROOT))
    result = dict(
        test=test(run.config, ckpt, work_dir, teacher, log_file, args.threads),
        val=last_val_metrics(work_dir),
        work_dir=osp.relpath(work_dir, ROOT))
    log(f'{run.tag} seed {seed}: test all {result["test"]["all"]:.2f}')
    return result


def teachers(args) -> Dict[str, dict]:
    """Train the offline teacher once (cached), then test both of its forms."""
    work_dir = osp.join(args.work_dir, 'teacher')
    os.makedirs(work_dir, exist_ok=True)
    if not osp.isfile(args.teacher_ckpt):
        log(f'teacher: training {TEACHER_CFG}')
        train(TEACHER_CFG, osp.dirname(args.teacher_ckpt),
              log_file=osp.join(work_dir, 'benchmark.log'))
    results = {}
    for tag, config in (('ft', TEACHER_CFG), ('ncm', NCM_TEACHER_CFG)):
        wd = osp.join(work_dir, tag)
        os.makedirs(wd, exist_ok=True)
        results[tag] = dict(test=test(config, args.teacher_ckpt, wd,
                                      log_file=osp.join(wd, 'benchmark.log')),
                            work_dir=osp.relpath(wd, ROOT))
        log(f'teacher ({tag}): test all {results[tag]["test"]["all"]:.2f}')
    return results


def group_table(title: str,
                note: str,
                rows,
                runs: dict,
                with_val: bool = False) -> List[str]:
    """One Markdown table: a row per (label, tag), test shot groups and their mean."""
    head = ['many', 'med.', 'few', 'all', 'mean'] + (['val all'] if with_val else [])
    lines = ['', f'## {title}', '', note, '', '| Run | ' + ' | '.join(head) + ' |',
             '|---|' + '---:|' * len(head)]
    for label, tag in rows:
        test = runs[tag]['summary']
        cells = [cell(test[k]) for k in KEYS + ('mean', )]
        if with_val:
            cells.append(cell(summarise(runs[tag]['seeds'], 'val')['all']))
        lines.append(f'| {label} | ' + ' | '.join(cells) + ' |')
    return lines


def write_tables(results: dict, out_dir: str) -> None:
    runs, teacher = results['students'], results['teachers']
    meta = results['meta']
    lines = [
        '# Fashion-MNIST-LT benchmark results', '',
        f'Generated by `{meta["command"]}` at commit `{meta["commit"]}` '
        f'({meta["date"]}); {len(meta["seeds"])} seed(s) {meta["seeds"]}, '
        f'{meta["epochs"]} student epochs. Top-1 accuracy (%) on the balanced '
        f'10,000-image test split, mean ± sample standard deviation over seeds; '
        f'shot groups of the long-tailed training split (many > 100, few < 20 '
        f'training images). The teacher was trained once, so its rows have no spread.',
        '', '## Table 1 layout', '',
        '| Method | ' + ' | '.join(f'{t} {k}' for _, t in TEACHERS
                                   for k in ('many', 'med.', 'few', 'all')) + ' |',
        '|---|' + '---:|' * 8,
    ]
    lines.append('| Teacher | ' + ' | '.join(
        f'{teacher[t]["test"][k]:.1f}' for t, _ in TEACHERS for k in KEYS) + ' |')
    for tag, label in (('ce', 'CE'), ('la', 'LA')):
        row = [cell(runs[tag]['summary'][k]) for k in KEYS] * 2
        lines.append(f'| {label} | ' + ' | '.join(row) + ' |')
    for method, label in METHODS:
        row = [
            cell(runs[f'{method}-{t}']['summary'][k]) for t, _ in TEACHERS for k in KEYS
        ]
        lines.append(f'| {label} | ' + ' | '.join(row) + ' |')
    lines += ['', 'CE and LA use no teacher; their numbers repeat in both halves.', '',
              '## Table 3 layout (fine-tuned teacher)', '',
              '| Row | ' + ' | '.join(f'L_{t}' for t in TERMS) + ' | few | all |',
              '|---|' + ':-:|' * len(TERMS) + '---:|---:|']
    for row, config, terms in ABLATION:
        tag = {'cckd': 'cckd-ft', 'acckd': 'acckd-ft'}.get(config, f'ablation-{row}')
        marks = ' | '.join('x' if t in terms else '' for t in TERMS)
        summary = runs[tag]['summary']
        lines.append(f'| {row} | {marks} | {cell(summary["few"])} | '
                     f'{cell(summary["all"])} |')
    lines += [
        '', 'Every row also trains with L_sup (the logit-adjusted loss). Row 1 is '
        'the CCKD run and row 6 the ACCKD run of the table above.'
    ]
    ft = 'Fine-tuned teacher; test split (mean = the average of many, medium and few).'
    lines += group_table(
        'Align layer (Section 3.4)', ft + ' Student and teacher features are both '
        '64-d, so ACCKD has no align layer; the other rows add a square 64 -> 64 '
        'layer anyway (`distill.always_align=True`), in the encoder (the student\'s '
        'head reads its output) or on a side branch that only feature imitation '
        'uses. val all: the last validation of each run.',
        [('ACCKD, no align layer (the default)', 'acckd-ft'),
         ('ACCKD, square layer in the encoder', 'acckd-square-align-encoder'),
         ('ACCKD, square layer on a side branch', 'acckd-square-align-branch')], runs,
        with_val=True)
    lines += group_table(
        'Samplers of the mixed pairs (Figure 7)', ft,
        [('random + class-balanced (ACCKD)', 'acckd-ft'),
         ('random + random', 'fig7-random-random'),
         ('class-balanced + class-balanced', 'fig7-balanced-balanced')], runs)
    lines += group_table('Distillation temperature (Figure 8)',
                         ft + ' ACCKD at each tau.',
                         [(f'tau = {t}', 'acckd-ft' if t == 2 else f'fig8-tau{t}')
                          for t in (1, 2, 4, 8, 10)], runs)
    lines += group_table(
        'Real and synthetic data (Figure 9)', ft,
        [('real data only (L_sup + L_cckd: CCKD)', 'cckd-ft'),
         ('synthetic data only (L_sup_mix + L_cckd_mix)', 'fig9-synthetic-only'),
         ('both (ACCKD)', 'acckd-ft')], runs)
    lines += group_table(
        'Other supervised losses (Table 6)',
        ft + ' The baseline and ACCKD with the same '
        'L_sup (and the same student network).', [('LA', 'la'),
                                                  ('ACCKD with LA', 'acckd-ft'),
                                                  ('CDT', 'cdt'),
                                                  ('ACCKD with CDT', 'acckd-cdt'),
                                                  ('LADE', 'lade'),
                                                  ('ACCKD with LADE', 'acckd-lade')],
        runs)
    diverged = [f'- {tag} seed {seed}: {r["diverged"]}' for tag, entry in runs.items()
                for seed, r in entry['seeds'].items() if 'diverged' in r]
    if diverged:
        lines += ['', '## Diverged runs', '',
                  'Stopped by the non-finite guard; left out of the means above.', '',
                  *diverged]
    lines.append('')
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write('\n'.join(lines))
    with open(osp.join(out_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--seeds', type=int, nargs='+', help='default: 0 1 2 (quick: 0)')
    parser.add_argument('--epochs', type=int, help='student epochs (default: the '
                        "configs' 30; quick: 3)")
    parser.add_argument(
        '--quick', action='store_true', help='1 seed, 3 epochs: a check')
    parser.add_argument(
        '--work-dir', help='default: work_dirs/fmnist_lt_benchmark[_quick]')
    parser.add_argument('--out-dir', help=f'default: {HERE} (quick: the work dir)')
    parser.add_argument('--teacher-ckpt', help="default: the distillation configs' "
                        'teacher_ckpt (trained when missing)')
    parser.add_argument('--jobs', type=int, default=1, help='runs in parallel')
    parser.add_argument(
        '--only', nargs='+', help='run only these tags (ce, la, kd-ft, ...)')
    parser.add_argument(
        '--teacher-cache', action='store_true',
        help='students read the teacher from one replay cache per seed and teacher '
        '(tools/cache_teacher.py; fp32: the same numbers as without it)')
    args = parser.parse_args()
    args.seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    if args.quick and args.epochs is None:
        args.epochs = 3
    name = 'fmnist_lt_benchmark' + ('_quick' if args.quick else '')
    args.work_dir = osp.abspath(args.work_dir or osp.join(ROOT, 'work_dirs', name))
    args.out_dir = osp.abspath(args.out_dir or (args.work_dir if args.quick
                                                else osp.join(ROOT, HERE)))
    acckd = Config.fromfile(
        osp.join(ROOT, DISTILL.format(method='acckd', teacher='ft')))
    args.teacher_ckpt = osp.abspath(
        args.teacher_ckpt or osp.join(  # the configs' own
            ROOT, teacher_ckpt_of(acckd.model)))
    cores = os.cpu_count() or 1
    args.threads = max(1, cores // args.jobs) if args.jobs > 1 else None
    runs = [r for r in student_runs() if not args.only or r.tag in args.only]
    unknown = set(args.only or ()) - {r.tag for r in student_runs()}
    if unknown:
        parser.error(f'--only: unknown tags {sorted(unknown)}')
    start = time.time()

    teacher = teachers(args)
    jobs = [(run, seed) for seed in args.seeds for run in runs]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(
            pool.map(lambda job: train_and_test(job[0], job[1], args), jobs))
    students: Dict[str, dict] = {}
    for (run, seed), outcome in zip(jobs, outcomes):
        entry = students.setdefault(run.tag, dict(label=run.label, config=run.config,
                                                  seeds={}))
        entry['seeds'][seed] = outcome
    for entry in students.values():
        entry['summary'] = summarise(entry['seeds'])
    commit = git_commit()
    results = dict(
        meta=dict(
            command='python ' + ' '.join([osp.relpath(__file__, ROOT)] + sys.argv[1:]),
            commit=commit,
            date=time.strftime('%Y-%m-%d'),
            seeds=args.seeds,
            epochs=args.epochs or 30,
            teacher_cache=args.teacher_cache,
            minutes=round((time.time() - start) / 60, 1)),
        teachers=teacher,
        students=students)
    os.makedirs(args.out_dir, exist_ok=True)
    if args.only:
        log('--only: tables need every run; wrote nothing')
    else:
        write_tables(results, args.out_dir)
        per_class = lambda tag: [osp.join(ROOT, r['work_dir'], 'per_class.json')  # noqa
                                 for r in students[tag]['seeds'].values()
                                 if 'test' in r]
        run_tool([sys.executable, 'projects/fmnist_lt/plot_class_gain.py', '--method',
                  *per_class('acckd-ft'), '--base', *per_class('la'), '--out',
                  osp.join(args.out_dir, 'class_gain.png'), '--title',
                  'Fashion-MNIST-LT: ACCKD (fine-tuned teacher) minus LA, per class'])
        log(f'wrote {osp.join(args.out_dir, "results.md")} and results.json '
            f'({results["meta"]["minutes"]} min)')


if __name__ == '__main__':
    main()
