"""CIFAR-10-LT benchmark (CPU profile): ImageNet-pretrained EfficientNet-Lite0
teachers (zero-shot, NCM and nine tuned + LA) and ResNet-8 students, the
paper's Tables 1, 3, 5 and 6 and Figure 9, through the real configs,
``tools/train.py``, ``tools/cache_teacher.py`` and ``tools/test.py``.

    python projects/cifar10_lt/run_benchmark.py --jobs 2          # 3 seeds
    python projects/cifar10_lt/run_benchmark.py --quick           # a check

1. trains the nine tuned teachers (head only, BitFit, last stages, full
   fine-tuning, peft's LoRA / IA3 / LoHa / LoKr / BOFT; each + LA) and tests
   them and the zero-shot and NCM teachers on `val` and on the test split;
   checks that the configs' Table 1 tuned teacher is the best tuned one on `val`;
2. writes one teacher replay cache per seed and teacher (``--teacher-cache``,
   the default) and trains every student of that seed from it;
3. trains and tests CE, LA and the KD, WKD, DiVE, CCKD and ACCKD students of
   the three teachers (Table 1), Table 3's rows and Figure 9's synthetic-only
   run (tuned teacher), one ACCKD student per tuned teacher (Table 5; seeds
   ``--table5-seeds``) and ACCKD with CDT, LADE and balanced softmax (Table 6);
4. writes ``results.md`` and ``results.json`` (every seed's test and last
   validation numbers, wall times, the commit).

Finished runs are kept and half-finished ones resume, so a stopped benchmark
picks up where it stopped. Every setting was chosen on `val` or fixed before
any test number was seen.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, NamedTuple, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmengine.config import Config

from cckd_plugin.evaluation.shot_group_accuracy import SHOT_KEYS
from cckd_plugin.models.distillers.frozen_teacher import final_checkpoint
from tools.tool_runs import (TrainingDiverged, git_commit, last_val_metrics, log,
                             seed_options, stat_cell, summarise, teacher_cache,
                             teacher_cache_folder, test, train)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HERE = osp.relpath(osp.dirname(osp.abspath(__file__)), ROOT)
PROFILE = 'cifar10-lt-n500'
TEACHER = f'configs/teachers/cifar10_lt/effnet-lite0_{{}}_{PROFILE}.py'
DISTILL = f'configs/distill/cifar10_lt/{{}}_resnet8_effnet-{{}}_{PROFILE}.py'
BASELINE = f'configs/baselines/{{}}_resnet8_{PROFILE}.py'
#: the tuned teachers of Table 5 (tag: label), in the order of the table
TUNERS = {'head-only': 'head only', 'bitfit': 'BitFit', 'last-stages': 'last stages',
          'full': 'full fine-tuning', 'lora': 'peft LoRA', 'ia3': 'peft IA3',
          'loha': 'peft LoHa', 'lokr': 'peft LoKr', 'boft': 'peft BOFT'}
#: Table 1's tuned teacher (the configs' choice; the runner checks it is the best
#: tuned teacher on `val`)
TUNED = 'full'
#: Table 1's teachers: (tag, label, the teacher's name in distillation configs)
TEACHERS = (('zs', 'zero-shot', 'zero-shot'), ('ncm', 'NCM', 'ncm'),
            ('tuned', f'{TUNERS[TUNED]} + LA', f'{TUNED}-la'))
METHODS = (('kd', 'KD'), ('wkd', 'WKD'), ('dive', 'DiVE'), ('cckd', 'CCKD'),
           ('acckd', 'ACCKD'))
ABLATIONS = ('configs/distill/cifar10_lt/ablations/'
             f'{{}}_resnet8_effnet-{TUNED}-la_{PROFILE}.py')
#: Table 3: the terms each row adds to L_sup (row 1 is CCKD; rows 5 and 6 add
#: feature imitation, which the CIFAR recipe leaves out: on a side branch)
ROWS = (('row1', 'cckd-tuned', ('cckd', )),
        ('row2', 'row2', ('cckd', 'sup_mix')),
        ('row3', 'row3', ('cckd', 'cckd_mix')),
        ('row4', 'acckd-tuned', ('cckd', 'sup_mix', 'cckd_mix')),
        ('row5', 'row5-fi', ('cckd', 'sup_mix', 'cckd_mix', 'fi')),
        ('row6', 'row6-fi', ('cckd', 'sup_mix', 'cckd_mix', 'fi', 'fi_mix')))
TERMS = ('cckd', 'sup_mix', 'cckd_mix', 'fi', 'fi_mix')
SUP_LOSSES = (('la', 'LA'), ('cdt', 'CDT'), ('lade', 'LADE'),
              ('bs', 'balanced softmax'))
#: --quick: 2 student epochs (warm-up, then cosine), teachers 1 epoch
QUICK_STUDENT = ['train_cfg.max_epochs=2', 'param_scheduler.1.end=2',
                 'train_cfg.val_interval=2']
QUICK_TEACHER = ['train_cfg.max_epochs=1', 'param_scheduler.0.end=1',
                 'train_cfg.val_interval=1']


class Run(NamedTuple):
    """One student configuration, trained and tested once per seed."""
    tag: str
    label: str
    config: str
    distill: bool
    teacher: Optional[str] = None  #: the tuner whose checkpoint it reads


def student_runs() -> List[Run]:
    runs = [Run(tag, label, BASELINE.format(tag), False)
            for tag, label in (('ce', 'CE'), ('la', 'LA'), ('cdt', 'CDT'),
                               ('lade', 'LADE'), ('bs', 'balanced softmax'))]
    for teacher, _, name in TEACHERS:
        for method, label in METHODS:
            runs.append(Run(f'{method}-{teacher}', label, DISTILL.format(method, name),
                            True, TUNED if teacher == 'tuned' else None))
    for tag, config in (('row2', 'row2-cckd_supmix'), ('row3', 'row3-cckd_cckdmix'),
                        ('row5-fi', 'row5-cckd_mix_fi'), ('row6-fi', 'row6-acckd_fi'),
                        ('fig9-synthetic-only', 'fig9-synthetic-only')):
        runs.append(Run(tag, tag, ABLATIONS.format(config), True, TUNED))
    for loss, label in SUP_LOSSES[1:]:
        runs.append(Run(f'acckd-{loss}', f'ACCKD with {label}', DISTILL.replace(
            '_resnet8_', f'_resnet8-{loss}_').replace(
                'cifar10_lt/', 'cifar10_lt/sup_losses/').format('acckd', f'{TUNED}-la'),
            True, TUNED))
    for tuner in TUNERS:
        if tuner != TUNED:
            runs.append(Run(f'acckd-{tuner}', f'ACCKD, {TUNERS[tuner]} + LA teacher',
                            DISTILL.replace('cifar10_lt/', 'cifar10_lt/cnn_teachers/')
                            .format('acckd', f'{tuner}-la'), True, tuner))
    return runs


#: the steps (their seconds records) that an earlier invocation finished
RESUMED: List[str] = []


def timed(record: str, function, *args, **kwargs):
    """``function(*args, **kwargs)`` and its wall seconds, kept in the JSON file
    ``record``: a step a earlier benchmark finished (its output kept, so the
    call returns at once) reports the seconds it took then."""
    start = time.time()
    out = function(*args, **kwargs)
    if osp.isfile(record):
        RESUMED.append(record)
        with open(record) as f:
            return out, json.load(f)['seconds']
    seconds = time.time() - start
    with open(record, 'w') as f:
        json.dump(dict(seconds=seconds), f)
    return out, seconds


def teacher_results(args, tags) -> Dict[str, dict]:
    """Train the tuned teachers among ``tags`` (kept when done), then test each
    teacher of ``tags`` on `val` and on the test split; wall seconds of each
    step."""
    jobs = [(tag, TEACHER.format(f'{tag}_la'), True) for tag in TUNERS if tag in tags]
    jobs += [(tag, TEACHER.format(name), False)
             for tag, name in (('zs', 'zero-shot'), ('ncm', 'ncm')) if tag in tags]

    def one(job):
        tag, config, trains = job
        work_dir = osp.join(args.work_dir, 'teachers', tag)
        os.makedirs(work_dir, exist_ok=True)
        log_file = osp.join(work_dir, 'benchmark.log')
        result = dict(config=config, work_dir=osp.relpath(work_dir, ROOT))
        ckpt = None
        if trains:
            if not osp.isfile(args.teacher_ckpts[tag]):
                log(f'teacher {tag}: training')
            out, result['train_seconds'] = timed(
                osp.join(work_dir, 'train_seconds.json'), train, config,
                osp.dirname(args.teacher_ckpts[tag]), args.teacher_options, log_file,
                args.threads)
            ckpt = args.teacher_ckpts[tag]
            if out != ckpt:
                raise RuntimeError(f'teacher {tag}: {out} is not {ckpt}')
        for split in ('val', 'test'):
            result[split], result[f'{split}_seconds'] = timed(
                osp.join(work_dir, f'{split}_seconds.json'), test, config, ckpt,
                osp.join(work_dir, split),
                [f'test_dataloader.dataset.split={split}'], log_file, args.threads,
                SHOT_KEYS + ('ece', ))
        log(f'teacher {tag}: val all {result["val"]["all"]:.2f}, test all '
            f'{result["test"]["all"]:.2f}')
        return tag, result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        return dict(pool.map(one, jobs))


def run_options(run: Run, seed: int, args) -> List[str]:
    """The ``--cfg-options`` of one seed of a run (the seeds, the teacher's
    checkpoint; zero-shot and NCM teachers: ``model.teacher_ckpt=None``, their
    weights are the packaged ImageNet ones)."""
    return seed_options(seed, run.distill, args.teacher_ckpts.get(run.teacher)) + \
        args.student_options


def cache_of(run: Run, seed: int, args, log_file: Optional[str] = None) -> str:
    """The run's teacher replay cache (``model.teacher_cache=FOLDER``), written
    by the first run of its group (``tool_runs.teacher_cache``)."""
    return teacher_cache(run.config, run_options(run, seed, args),
                         osp.join(args.work_dir, 'teacher_caches', f'seed{seed}'),
                         log_file, args.threads, args.cache_write_seconds)


def write_caches(jobs, args) -> None:
    """One cache per seed and teacher group, written ``args.jobs`` at a time
    before the students start (a student waiting for another's cache would
    hold a core idle)."""
    first = {}
    for run, seed in jobs:
        if run.distill:
            folder = teacher_cache_folder(run.config, run_options(run, seed, args),
                                          osp.join(args.work_dir, 'teacher_caches',
                                                   f'seed{seed}'))
            first.setdefault(folder, (run, seed))
    log(f'{len(first)} teacher caches')
    os.makedirs(osp.join(args.work_dir, 'teacher_caches'), exist_ok=True)
    log_file = osp.join(args.work_dir, 'teacher_caches', 'benchmark.log')
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(lambda job: cache_of(*job, args, log_file), first.values()))


def train_and_test(run: Run, seed: int, args) -> dict:
    work_dir = osp.join(args.work_dir, run.tag, f'seed{seed}')
    log_file = osp.join(work_dir, 'benchmark.log')
    os.makedirs(work_dir, exist_ok=True)
    options = run_options(run, seed, args)
    result = dict(work_dir=osp.relpath(work_dir, ROOT))
    if args.teacher_cache and run.distill:
        # a finished run names its cache too: the no-cache estimate reads it
        folder = teacher_cache_folder(run.config, options, osp.join(
            args.work_dir, 'teacher_caches', f'seed{seed}'))
        result['cache'] = osp.relpath(folder, ROOT)
        if not osp.isfile(osp.join(work_dir, 'test_metrics.json')):
            cache = cache_of(run, seed, args, log_file)
            assert cache.split('=', 1)[1] == folder, cache
            options.append(cache)
    log(f'{run.tag} seed {seed}: training')
    try:
        ckpt, result['train_seconds'] = timed(
            osp.join(work_dir, 'train_seconds.json'), train, run.config, work_dir,
            options, log_file, args.threads)
    except TrainingDiverged as error:  # kept in the results, left out of the means
        log(f'{run.tag} seed {seed}: diverged: {error}')
        return dict(result, diverged=str(error))
    result['test'], result['test_seconds'] = timed(
        osp.join(work_dir, 'test_seconds.json'), test, run.config, ckpt, work_dir, [],
        log_file, args.threads, SHOT_KEYS + ('ece', ))
    result['val'] = last_val_metrics(work_dir)
    log(f'{run.tag} seed {seed}: test all {result["test"]["all"]:.2f}')
    return result


def row(label: str, stats: List[dict], keys=SHOT_KEYS) -> str:
    return f'| {label} | ' + ' | '.join(stat_cell(s[k]) for s in stats for k in keys) \
        + ' |'


def teacher_row(label: str, results: List[dict], keys=SHOT_KEYS) -> str:
    cells = [f'{r["test"][k]:.1f}' for r in results for k in keys]
    return f'| {label} | ' + ' | '.join(cells) + ' |'


def write_tables(results: dict, out_dir: str) -> None:
    runs, teachers, meta = results['students'], results['teachers'], results['meta']
    stat = {tag: entry['summary'] for tag, entry in runs.items()}
    head = ['many', 'med.', 'few', 'all']
    lines = [
        '# CIFAR-10-LT benchmark results (CPU profile)', '',
        f'Tables written by `{meta["command"]}` at commit `{meta["commit"]}` '
        f'({meta["date"]}) on {meta["cores"]} CPU cores ({meta["jobs"]} runs at a '
        f'time; wall time below{resumed_note(meta)}). Seeds '
        f'{meta["seeds"]} (Table 5\'s students: {meta["table5_seeds"]}); '
        f'{meta["epochs"]} student epochs. Top-1 accuracy (%) on the balanced '
        f'10,000-image test split, mean ± sample standard deviation over seeds; '
        f'shot groups of the long-tailed training split (many > 100, few < 20 '
        f'training images). Each teacher was built once, so its rows have no spread.',
        '', '## Table 1 layout', '',
        '| Method | ' + ' | '.join(f'{label} {k}' for _, label, _ in TEACHERS
                                   for k in head) + ' |',
        '|---|' + '---:|' * 12,
        teacher_row('Teacher', [teachers[TUNED if t == 'tuned' else t]
                                 for t, _, _ in TEACHERS])]
    for tag, label in (('ce', 'CE'), ('la', 'LA')):
        lines.append(row(label, [stat[tag]] * 3))
    for method, label in METHODS:
        lines.append(row(label, [stat[f'{method}-{t}'] for t, _, _ in TEACHERS]))
    lines += ['', 'CE and LA use no teacher; their numbers repeat under each.', '',
              '## Table 3 layout (tuned teacher)', '',
              '| Row | ' + ' | '.join(f'L_{t}' for t in TERMS) + ' | few | all |',
              '|---|' + ':-:|' * len(TERMS) + '---:|---:|']
    for name, tag, terms in ROWS:
        marks = ' | '.join('x' if t in terms else '' for t in TERMS)
        lines.append(f'| {name} | {marks} | {stat_cell(stat[tag]["few"])} | '
                     f'{stat_cell(stat[tag]["all"])} |')
    lines += ['', 'Every row also trains with L_sup (LA). Row 1 is the CCKD run and '
              'row 4 the ACCKD run of Table 1 (the CIFAR recipe has no feature '
              'imitation); rows 5 and 6 add it on a side branch (a 64 -> 1280 layer '
              'that only feature imitation reads), so every row is the same student '
              'network.',
              '', '## Figure 9 layout (tuned teacher)', '',
              '| Data | ' + ' | '.join(head) + ' |', '|---|' + '---:|' * 4,
              row('real only (L_sup + L_cckd: CCKD)', [stat['cckd-tuned']]),
              row('synthetic only (L_sup_mix + L_cckd_mix)',
                  [stat['fig9-synthetic-only']]),
              row('both (ACCKD)', [stat['acckd-tuned']]),
              '', '## Table 5 layout (one row per tuned teacher)', '',
              '| Teacher | val all | test many | test med. | test few | test all | '
              'ACCKD student all |', '|---|' + '---:|' * 6]
    for tuner, label in TUNERS.items():
        t = teachers[tuner]
        tag = 'acckd-tuned' if tuner == TUNED else f'acckd-{tuner}'
        lines.append(f'| {label} + LA | {t["val"]["all"]:.1f} | ' + ' | '.join(
            f'{t["test"][k]:.1f}' for k in SHOT_KEYS) + f' | '
            f'{seed_cell(runs[tag], "all")} |')
    for tag, label in (('ncm', 'NCM'), ('zs', 'zero-shot')):
        t = teachers[tag]
        student = stat[f'acckd-{tag}']['all']
        lines.append(f'| {label} | {t["val"]["all"]:.1f} | ' + ' | '.join(
            f'{t["test"][k]:.1f}' for k in SHOT_KEYS) + f' | {stat_cell(student)} |')
    lines.append(f'| (no teacher: the LA student) | | | | | | '
                 f'{stat_cell(stat["la"]["all"])} |')
    lines += ['', table5_correlation(teachers, stat)]
    lines += ['', f'The {TUNERS[TUNED]} teacher\'s student and the NCM and zero-shot '
              f'students are Table 1\'s ACCKD runs ({len(meta["seeds"])} seeds); the '
              f'other tuned teachers\' students ran with seeds '
              f'{meta["table5_seeds"]}.', '',
              '## Table 6 layout (tuned teacher)', '',
              '| L_sup | alone many | alone few | alone all | + ACCKD many | '
              '+ ACCKD few | + ACCKD all |', '|---|' + '---:|' * 6]
    for loss, label in SUP_LOSSES:
        distilled = 'acckd-tuned' if loss == 'la' else f'acckd-{loss}'
        lines.append(f'| {label} | ' + ' | '.join(
            stat_cell(stat[tag][k]) for tag in (loss, distilled)
            for k in ('many', 'few', 'all')) + ' |')
    times = meta['seconds']
    lines += ['', '## Wall time', '',
              '| Step | runs | sum of run times (min) |', '|---|---:|---:|',
              *[f'| {step} | {count} | {seconds / 60:.1f} |'
                for step, (count, seconds) in times.items()],
              '', wall_time_sentence(meta) + ' Without the replay cache every '
              f'distilled student runs the teacher on its own views (ACCKD and its '
              f'ablations on the real and the mixed images, KD / WKD / DiVE / CCKD on '
              f'the real ones): {meta["teacher_minutes_without_cache"]:.1f} more '
              f'minutes of run time than the caches took, about '
              f'{meta["minutes_without_cache"]:.0f} min of wall time in all '
              f'(estimated from the measured cache writes).']
    if meta.get('tuned_teacher_note'):
        lines += ['', meta['tuned_teacher_note']]
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


def seed_cell(entry: dict, key: str) -> str:
    """``mean ± std`` over the run's seeds; the plain value for one seed (a
    spread of one seed would read as a measured 0)."""
    finished = [r for r in entry['seeds'].values() if r.get('test')]
    if len(finished) == 1:
        return f'{finished[0]["test"][key]:.1f}'
    return stat_cell(entry['summary'][key])


def spearman(x: List[float], y: List[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    import numpy as np

    def ranks(values):
        order = sorted(values)
        return [statistics.fmean(i for i, v in enumerate(order) if v == value)
                for value in values]
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def table5_correlation(teachers: Dict[str, dict], stat: Dict[str, dict]) -> str:
    """How far the tuned teachers' students follow their teachers: Spearman's
    rank correlation over the tuned teachers of the student's test accuracy
    with the teacher's `val` accuracy, all classes and each shot group."""
    students = [stat['acckd-tuned' if t == TUNED else f'acckd-{t}']['all']['mean']
                for t in TUNERS]
    cells = [f'{k} {spearman([teachers[t]["val"][k] for t in TUNERS], students):.2f}'
             for k in SHOT_KEYS]
    return (f'Rank correlation (Spearman) over the {len(TUNERS)} tuned teachers of the '
            'ACCKD student\'s test accuracy with the teacher\'s val accuracy: '
            + ', '.join(cells) + '.')


def resumed_note(meta: dict) -> str:
    """Where the runs came from, when this invocation picked up finished ones."""
    if not meta.get('resumed_steps'):
        return ''
    return (f'; {meta["resumed_steps"]} of the steps were finished by earlier '
            'invocations, whose commits the project README gives')


def wall_time_sentence(meta: dict) -> str:
    """The benchmark's wall time: measured when this invocation ran every
    step; when it resumed steps an earlier one finished, the sum of the run
    times over the runs at a time (the wall time of an uninterrupted run on
    an otherwise idle machine, up to start-up and the last run's tail)."""
    if not meta['resumed_steps']:
        return (f'Whole benchmark: {meta["minutes"]} min of wall time with '
                f'{meta["jobs"]} runs at a time.')
    wall = meta['run_minutes'] / meta['jobs']
    return (f'Whole benchmark: {meta["run_minutes"]:.0f} min of run time over '
            f'{meta["jobs"]} runs at a time, about {wall:.0f} '
            f'min of wall time (this invocation resumed {meta["resumed_steps"]} '
            f'steps that earlier ones had finished, so its own {meta["minutes"]} '
            f'min are not the benchmark\'s).')


def time_summary(teachers: Dict[str, dict], students: Dict[str, dict],
                 cache_writes: Dict[str, float]) -> dict:
    """(runs, seconds) of each step, summed over runs."""
    def total(entries, key):
        values = [e[key] for e in entries if key in e]
        return len(values), sum(values)

    seeds = [r for entry in students.values() for r in entry['seeds'].values()]
    tuned = [t for t in teachers.values() if 'train_seconds' in t]
    return {
        'tuning the teachers': total(tuned, 'train_seconds'),
        'testing the teachers (val and test)': (
            len(teachers), sum(t['val_seconds'] + t['test_seconds']
                               for t in teachers.values())),
        'writing the teacher caches': (len(cache_writes),
                                       sum(cache_writes.values())),
        'training the students': total(seeds, 'train_seconds'),
        'testing the students': total(seeds, 'test_seconds'),
    }


def teacher_minutes_without_cache(students: Dict[str, dict],
                                  cache_writes: Dict[str, float]) -> float:
    """The teacher's run time the distilled students would add without the
    cache, less the time the caches took (minutes): each run pays its cache's
    write time, or half of it for a method without mixed images (KD, WKD,
    DiVE, CCKD). An upper estimate: a write also starts a tool and runs the
    teacher's preparation, which a student does anyway."""
    extra = 0.0
    for tag, entry in students.items():
        mixes = not tag.split('-')[0] in ('kd', 'wkd', 'dive', 'cckd')
        for result in entry['seeds'].values():
            extra += (1.0 if mixes else 0.5) * cache_writes.get(result.get('cache'),
                                                                0.0)
    return (extra - sum(cache_writes.values())) / 60


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', help='default: 0 1 2 '
                        '(quick: 0)')
    parser.add_argument('--table5-seeds', type=int, nargs='+',
                        help="seeds of the other tuned teachers' students "
                        '(default: 0)')
    parser.add_argument('--quick', action='store_true',
                        help='1 seed, 2 student epochs, 1 teacher epoch: a check')
    parser.add_argument('--work-dir', help='default: work_dirs/cifar10_lt_benchmark'
                        '[_quick]')
    parser.add_argument('--out-dir', help=f'default: {HERE} (quick: the work dir)')
    parser.add_argument('--jobs', type=int, default=2, help='runs in parallel')
    parser.add_argument('--no-teacher-cache', dest='teacher_cache',
                        action='store_false',
                        help='run the teacher inside every distilled student')
    parser.add_argument('--only-teachers', action='store_true',
                        help='step 1 only: tune and test the teachers')
    parser.add_argument('--only', nargs='+', metavar='TAG',
                        help='these students only (la, kd-zs, acckd-tuned, row2, '
                        'acckd-bitfit, ...) and their teachers; writes no tables')
    args = parser.parse_args()
    runs = student_runs()
    unknown = set(args.only or ()) - {r.tag for r in runs}
    if unknown:
        parser.error(f'--only: unknown tags {sorted(unknown)}')
    args.seeds = args.seeds or [0] if args.quick else (args.seeds or [0, 1, 2])
    args.table5_seeds = args.table5_seeds or [args.seeds[0]]
    name = 'cifar10_lt_benchmark' + ('_quick' if args.quick else '')
    args.work_dir = osp.abspath(args.work_dir or osp.join(ROOT, 'work_dirs', name))
    args.out_dir = osp.abspath(args.out_dir or (args.work_dir if args.quick
                                                else osp.join(ROOT, HERE)))
    args.threads = max(1, (os.cpu_count() or 1) // args.jobs)
    args.student_options = QUICK_STUDENT if args.quick else []
    args.teacher_options = QUICK_TEACHER if args.quick else []
    args.cache_write_seconds = {}
    # the tuned teachers train into the benchmark's folder (the quick ones are not
    # the real ones); the students read them from there
    args.teacher_ckpts = {
        tag: osp.join(args.work_dir, 'teachers', tag, 'train', osp.basename(
            final_checkpoint(osp.join(ROOT, TEACHER.format(f'{tag}_la')))))
        for tag in TUNERS}
    if args.quick:
        args.teacher_ckpts = {tag: osp.join(osp.dirname(path), 'epoch_1.pth')
                              for tag, path in args.teacher_ckpts.items()}
    start = time.time()
    if args.only:
        runs = [r for r in runs if r.tag in args.only]
        needed = {r.teacher for r in runs} | {t for r in runs for t in ('zs', 'ncm')
                                              if r.tag.endswith(f'-{t}')}
    else:
        needed = {*TUNERS, 'zs', 'ncm'}
    teachers = teacher_results(args, needed)
    best = max(TUNERS, key=lambda t: teachers[t]['val']['all'] if t in teachers
               else -1)
    note = None
    if TUNED in teachers and \
            teachers[best]['val']['all'] > teachers[TUNED]['val']['all']:
        note = (f'Note: the configs\' Table 1 tuned teacher is {TUNERS[TUNED]}, but '
                f'{TUNERS[best]} scores higher on val here '
                f'({teachers[best]["val"]["all"]:.1f} against '
                f'{teachers[TUNED]["val"]["all"]:.1f}).')
        log(note)
    if args.only_teachers:
        print(json.dumps({t: (r['val']['all'], r['test']['all'])
                          for t, r in teachers.items()}, indent=1))
        return
    jobs = [(run, seed) for seed in args.seeds for run in runs
            if not run.tag.startswith('acckd-') or run.tag.endswith(
                ('-zs', '-ncm', '-tuned', '-cdt', '-lade', '-bs'))]
    jobs += [(run, seed) for seed in args.table5_seeds for run in runs
             if run.teacher and run.tag == f'acckd-{run.teacher}']
    if args.teacher_cache:
        write_caches(jobs, args)
    # the longest runs (two views a step) first, so that the last ones are short
    jobs.sort(key=lambda job: not job[0].tag.startswith(('acckd', 'row', 'fig9')))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(lambda job: train_and_test(*job, args), jobs))
    students: Dict[str, dict] = {}
    for (run, seed), outcome in zip(jobs, outcomes):
        entry = students.setdefault(run.tag, dict(label=run.label, config=run.config,
                                                  seeds={}))
        entry['seeds'][seed] = outcome
    for entry in students.values():
        entry['summary'] = summarise(entry['seeds'])
    minutes = (time.time() - start) / 60
    cache_writes = {osp.relpath(folder, ROOT): seconds
                    for folder, seconds in args.cache_write_seconds.items()}
    extra = teacher_minutes_without_cache(students, cache_writes)
    seconds = time_summary(teachers, students, cache_writes)
    run_minutes = sum(s for _, s in seconds.values()) / 60
    results = dict(
        meta=dict(
            command='python ' + ' '.join([osp.relpath(__file__, ROOT)] + sys.argv[1:]),
            commit=git_commit(), date=time.strftime('%Y-%m-%d'), seeds=args.seeds,
            table5_seeds=args.table5_seeds, epochs=Config.fromfile(
                osp.join(ROOT, BASELINE.format('la'))).train_cfg.max_epochs
            if not args.quick else 2,
            jobs=args.jobs, cores=os.cpu_count(), teacher_cache=args.teacher_cache,
            minutes=round(minutes, 1), tuned_teacher_note=note,
            seconds=seconds, resumed_steps=len(RESUMED), run_minutes=run_minutes,
            teacher_minutes_without_cache=extra,
            minutes_without_cache=(run_minutes / args.jobs if RESUMED else minutes)
            + extra / args.jobs),
        teachers=teachers, students=students)
    if args.only:
        log('--only: tables need every run; wrote nothing')
        return
    os.makedirs(args.out_dir, exist_ok=True)
    write_tables(results, args.out_dir)
    log(f'wrote {osp.join(args.out_dir, "results.md")} and results.json '
        f'({results["meta"]["minutes"]} min)')


if __name__ == '__main__':
    main()
