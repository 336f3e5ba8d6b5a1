"""The teacher path on real data: the paper's Table 5 on Fashion-MNIST-LT.

    python projects/fmnist_lt/run_vit_teachers.py --jobs 2        # full (3 seeds)
    python projects/fmnist_lt/run_vit_teachers.py --quick         # 1 seed, short

1. pre-trains the offline CLIP-style tower on `pool` (SimCLR plus the coarse
   labels, never the fine ones; timed) and exports it as an open_clip
   checkpoint (both cached);
2. picks the tuners' learning rate on the `val` split (AdaptFormer + LA at each
   of ``--lrs``; the best last-validation accuracy wins, ties to the smaller rate);
3. builds the NCM teacher and tunes the head-only and five PEFT + LA teachers at
   that rate (timed), tests each on `val` and the balanced test split and counts
   its trainable parameters;
4. distils an ACCKD student (ResNet-8, a 64 -> 96 layer, cosine classifier) from
   each teacher per seed, trains the LA baseline of that network per seed, and
   tests them.

Finished steps are kept and half-finished trainings resume. Writes
``vit_teachers/results.md`` and ``results.json`` beside this file.
"""
import argparse
import json
import os
import os.path as osp
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from cckd_plugin.evaluation.shot_group_accuracy import SHOT_KEYS
from tools.tool_runs import (TrainingDiverged, git_commit, last_val_metrics, log,
                             run_tool, test, train)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
OUT_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'vit_teachers')
KEYS = SHOT_KEYS
TOWER = ('configs/teachers/fmnist_vit/'
         'fmnist-vit_pretrain-simclr-coarse_fashion-mnist-pool.py')
TOWER_WORK_DIR = osp.join(ROOT, 'work_dirs', osp.basename(TOWER)[:-3])
BASELINE = 'configs/baselines/la_resnet8-96-cosine_fashion-mnist-lt.py'
#: --quick: 3 student epochs (warm-up, then cosine to epoch 3)
QUICK_STUDENT = ['train_cfg.max_epochs=3', 'param_scheduler.1.end=3',
                 'train_cfg.val_interval=3']
TEACHER = 'configs/teachers/fmnist_vit/fmnist-vit_{}_fashion-mnist-lt.py'
STUDENT = ('configs/distill/fashion_mnist_lt/vit_teachers/'
           'acckd_resnet8_fmnist-vit-{}_fashion-mnist-lt.py')
#: (tag, label, teacher config key, student config key); NCM trains nothing
TEACHERS = (('ncm', 'NCM', 'ncm', 'ncm'),
            ('head-only', 'head only + LA', 'head-only_la', 'head-only-la'),
            ('vpt-shallow', 'VPT-shallow + LA', 'vpt-shallow_la', 'vpt-shallow-la'),
            ('vpt-deep', 'VPT-deep + LA', 'vpt-deep_la', 'vpt-deep-la'),
            ('lora', 'LoRA + LA', 'lora_la', 'lora-la'),
            ('adapter', 'Adapter + LA', 'adapter_la', 'adapter-la'),
            ('adaptformer', 'AdaptFormer + LA', 'adaptformer_la', 'adaptformer-la'),
            # LIFT's other simple tuners, and tuners of the peft library
            ('bias', 'BitFit + LA', 'bias_la', 'bias-la'),
            ('last-block', 'last block + LA', 'last-block_la', 'last-block-la'),
            ('peft-lora', 'peft LoRA + LA', 'peft-lora_la', 'peft-lora-la'),
            ('ia3', 'peft IA3 + LA', 'ia3_la', 'ia3-la'),
            ('loha', 'peft LoHa + LA', 'loha_la', 'loha-la'),
            ('lokr', 'peft LoKr + LA', 'lokr_la', 'lokr-la'),
            ('ln-tuning', 'peft LN tuning + LA', 'ln-tuning_la', 'ln-tuning-la'),
            ('boft', 'peft BOFT + LA', 'boft_la', 'boft-la'),
            # MMPretrain's own ViT (the same tower, converted) under its LoRAModel
            ('mmpretrain-lora', 'MMPretrain LoRAModel + LA', 'mmpretrain-lora_la',
             'mmpretrain-lora-la'))
#: where each teacher reads the tower: open_clip's file, or MMPretrain's
TOWER_KEY = {'mmpretrain-lora': 'backbone.module.init_cfg.checkpoint'}
TRAINS = re.compile(r'CLIPVisionBackbone\(fmnist-vit\): (\S.*?) trains ([\d,]+) of')


def mmpretrain_tower(tower_file: str) -> str:
    """The tower converted to MMPretrain's VisionTransformer (once)."""
    out = osp.join(osp.dirname(tower_file), 'fmnist_vit_mmpretrain.pth')
    if not osp.isfile(out):
        converter = 'tools/model_converters/open_clip_to_mmpretrain_vit.py'
        run_tool([sys.executable, converter, tower_file, out, '--num-heads', '3'])
    return out


def tower_option(tag: str, files: Dict[str, str], prefix: str = 'model.') -> str:
    """The option that points teacher ``tag`` (under ``prefix``) at its tower file."""
    key = TOWER_KEY.get(tag, 'backbone.pretrained')
    return f'{prefix}{key}={files["mmpretrain" if tag in TOWER_KEY else "open_clip"]}'


def lora_count(checkpoint: str) -> int:
    """Trainable tower parameters of a LoRAModel teacher: the LoRA weights it saves."""
    from cckd_plugin.compat import safe_torch_load
    state = safe_torch_load(checkpoint, map_location='cpu')['state_dict']
    return sum(v.numel() for k, v in state.items() if '.lora_' in k)


def tower(args) -> str:
    """The pre-trained tower as an open_clip checkpoint (trained and exported once)."""
    out = osp.join(ROOT, 'work_dirs', 'fmnist_vit', 'fmnist_vit_open_clip.pt')
    if osp.isfile(out):
        return out
    work_dir = TOWER_WORK_DIR
    log('tower: pre-training on pool (SimCLR + coarse labels)')
    start = time.time()
    ckpt = train(TOWER, work_dir, log_file=osp.join(work_dir, 'run.log'))
    with open(osp.join(work_dir, 'pretraining_seconds.json'), 'w') as f:
        json.dump(dict(seconds=time.time() - start), f)
    run_tool([sys.executable, 'tools/model_converters/export_open_clip.py', TOWER,
              ckpt, out])
    return out


def tower_seconds() -> Optional[float]:
    """Wall seconds of the tower's pre-training, when this runner trained it."""
    path = osp.join(TOWER_WORK_DIR, 'pretraining_seconds.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)['seconds']


def tune(key: str, work_dir: str, options: List[str], threads: Optional[int]) -> dict:
    """Train a teacher config (kept when done); its wall time and trainable
    parameters."""
    os.makedirs(work_dir, exist_ok=True)
    log_file = osp.join(work_dir, 'run.log')
    start = time.time()
    ckpt = train(TEACHER.format(key), work_dir, options, log_file, threads)
    timing = osp.join(work_dir, 'tuning_seconds.json')
    if not osp.isfile(timing):  # the first (full) training of this work directory
        with open(timing, 'w') as f:
            json.dump(dict(seconds=time.time() - start), f)
    with open(timing) as f:
        seconds = json.load(f)['seconds']
    with open(log_file) as f:
        found = TRAINS.findall(f.read())
    params = int(found[-1][1].replace(',', '')) if found else lora_count(ckpt)
    return dict(checkpoint=ckpt, seconds=seconds, tower_params=params)


def select_lr(args, tower_file: str) -> dict:
    """AdaptFormer + LA at each learning rate; the last validation accuracy decides."""
    scores = {}
    for lr in args.lrs:
        wd = osp.join(args.work_dir, 'select', f'lr{lr:g}')
        tune('adaptformer_la', wd, [
            f'model.backbone.pretrained={tower_file}',
            f'optim_wrapper.optimizer.lr={lr}'
        ] + args.epoch_opts, None)
        scores[lr] = last_val_metrics(wd)
        log(f'select: lr {lr:g}: val all {scores[lr]["all"]:.2f}')
    best = max(
        sorted(scores), key=lambda lr: scores[lr]['all'])  # ties: the smaller rate
    return dict(val={f'{lr:g}': v for lr, v in scores.items()}, lr=best)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+')
    parser.add_argument('--lrs', type=float, nargs='+',
                        default=[0.01, 0.03, 0.1, 0.3, 1.0])
    parser.add_argument(
        '--quick', action='store_true', help='1 seed, 3 epochs: a check')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument(
        '--work-dir', help='default: work_dirs/fmnist_vit_teachers[_quick]')
    parser.add_argument('--select-only', action='store_true',
                        help='stop after choosing the learning rate on val')
    args = parser.parse_args()
    args.seeds = args.seeds or ([0] if args.quick else [0, 1, 2])
    args.work_dir = osp.abspath(args.work_dir or osp.join(
        ROOT, 'work_dirs', 'fmnist_vit_teachers' + ('_quick' if args.quick else '')))
    args.epoch_opts = (['train_cfg.max_epochs=3', 'param_scheduler.0.end=3',
                        'train_cfg.val_interval=3'] if args.quick else [])
    threads = max(1, (os.cpu_count() or 1) // args.jobs) if args.jobs > 1 else None
    start = time.time()
    tower_file = tower(args)
    selection = select_lr(args, tower_file)
    log(f'tuners train at lr {selection["lr"]:g}')
    if args.select_only:
        return 0
    files = dict(open_clip=tower_file, mmpretrain=mmpretrain_tower(tower_file))
    teachers: Dict[str, dict] = {}
    for tag, label, key, _ in TEACHERS:
        base = [tower_option(tag, files)]
        wd = osp.join(args.work_dir, 'teachers', tag)
        entry = dict(label=label, config=TEACHER.format(key))
        if tag != 'ncm':
            entry.update(
                tune(
                    key, wd, base + [f'optim_wrapper.optimizer.lr={selection["lr"]}'] +
                    args.epoch_opts, threads))
            entry['val'] = last_val_metrics(wd)
        entry['test'] = test(TEACHER.format(key), entry.get('checkpoint'), wd, base,
                             osp.join(wd, 'test.log'))
        if tag == 'ncm':  # no training run, so no last validation: test on val
            entry['val'] = test(TEACHER.format(key), None, osp.join(wd, 'val'),
                                base + ['test_dataloader.dataset.split=val'],
                                osp.join(wd, 'test.log'))
        teachers[tag] = entry
        log(f'teacher {tag}: test all {entry["test"]["all"]:.2f}')

    def run_student(tag: str, config: str, seed: int, options: List[str]) -> dict:
        """Train and test one student (kept when done); a diverged run is kept in
        the results and left out of the means."""
        wd = osp.join(args.work_dir, 'students', tag, f'seed{seed}')
        os.makedirs(wd, exist_ok=True)
        options = [f'randomness.seed={seed}'] + options + (
            QUICK_STUDENT if args.quick else [])
        try:
            ckpt = train(config, wd, options, osp.join(wd, 'run.log'), threads)
        except TrainingDiverged as error:
            log(f'student {tag} seed {seed}: diverged: {error}')
            return dict(diverged=str(error), work_dir=osp.relpath(wd, ROOT))
        result = test(config, ckpt, wd, [], osp.join(wd, 'run.log'), threads)
        log(f'student {tag} seed {seed}: test all {result["all"]:.2f}')
        return dict(
            test=result, val=last_val_metrics(wd), work_dir=osp.relpath(wd, ROOT))

    def student(job):
        (tag, _, _, skey), seed = job
        options = [f'model.seed={seed}', f'train_dataloader.dataset.seed={seed}',
                   tower_option(tag, files, 'model.teacher.')]
        if teachers[tag].get('checkpoint'):
            options.append(f'model.teacher_ckpt={teachers[tag]["checkpoint"]}')
        return run_student(tag, STUDENT.format(skey), seed, options)

    jobs = [(t, seed) for seed in args.seeds for t in TEACHERS]
    jobs += [(None, seed) for seed in args.seeds]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(
            lambda job: student(job) if job[0] else run_student(
                'la', BASELINE, job[1], []), jobs))
    students: Dict[str, dict] = {}
    for (teacher, seed), outcome in zip(jobs, outcomes):
        students.setdefault(teacher[0] if teacher else 'la', {})[seed] = outcome
    commit = git_commit()
    results = dict(meta=dict(command='python ' + ' '.join(
        [osp.relpath(__file__, ROOT)] + sys.argv[1:]), commit=commit,
        date=time.strftime('%Y-%m-%d'), seeds=args.seeds,
        minutes=round((time.time() - start) / 60, 1),
        tower_seconds=tower_seconds()),
        selection=selection, teachers=teachers, students=students)
    out_dir = OUT_DIR if not args.quick else args.work_dir
    os.makedirs(out_dir, exist_ok=True)
    write_tables(results, out_dir)
    log(f'wrote {out_dir}/results.md ({results["meta"]["minutes"]} min)')
    return 0


def cell(values: List[float]) -> str:
    if len(values) == 1:
        return f'{values[0]:.1f}'
    return f'{statistics.fmean(values):.1f} ± {statistics.stdev(values):.1f}'


def write_tables(results: dict, out_dir: str) -> None:
    meta, sel = results['meta'], results['selection']
    tower = meta.get('tower_seconds')
    lines = [
        '# The offline tower\'s teachers (Table 5 on Fashion-MNIST-LT)', '',
        f'Generated by `{meta["command"]}` at commit `{meta["commit"]}` '
        f'({meta["date"]}, '
        f'{meta["minutes"]} min). Top-1 accuracy (%) on the balanced test split '
        f'(teacher `val`: the 200-image validation split); students: mean ± '
        f'sample standard deviation over seeds {meta["seeds"]}. Tower '
        'pre-training: ' + (f'{tower / 60:.0f} min.' if tower else 'cached.'), '',
        'Tuners\' learning rate, chosen on `val` (AdaptFormer + LA, last validation '
        'all-class accuracy): ' + ', '.join(f'lr {lr}: {v["all"]:.1f}'
                                            for lr, v in sel['val'].items()) +
        f' -> **{sel["lr"]:g}**.', '',
        '| Teacher | trainable tower params | tuning time | teacher val | teacher many '
        '| med. | few | all | ACCKD student many | med. | few | all | student val |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
    ]
    for tag, label, *_ in TEACHERS:
        t = results['teachers'][tag]
        seeds = [s for s in results['students'][tag].values() if 'test' in s]
        diverged = len(results['students'][tag]) - len(seeds)
        params = '0' if tag in ('ncm', 'head-only') else f'{t["tower_params"]:,}'
        timing = '-' if tag == 'ncm' else f'{t["seconds"]:.0f} s'
        if diverged:
            label += f' ({diverged} student seed(s) diverged)'
        lines.append(f'| {label} | {params} | {timing} | {t["val"]["all"]:.1f} | ' +
                     ' | '.join(f'{t["test"][k]:.1f}' for k in KEYS) + ' | ' +
                     ' | '.join(cell([s['test'][k] for s in seeds])
                                for k in KEYS) + ' | ' +
                     cell([s['val']['all'] for s in seeds]) + ' |')
    la = [s for s in results['students']['la'].values() if 'test' in s]
    lines.append('| (no teacher: the LA student) | | | | | | | | ' +
                 ' | '.join(cell([s['test'][k] for s in la]) for k in KEYS) + ' | ' +
                 cell([s['val']['all'] for s in la]) + ' |')
    lines += [
        '', 'Trainable tower parameters exclude the cosine head (10 x 96 = 960, in '
        'every tuned teacher). Tuning time: wall seconds of the teacher\'s training '
        'run '
        '(2 CPU cores, shared with another run when `--jobs 2`). Every student is '
        f'the network of `{BASELINE}` (ResNet-8, a 64 -> 96 linear layer, a cosine '
        'classifier); the last row is that baseline trained alone.', ''
    ]
    lines += [f'Diverged: student of {tag}, seed {seed}: {r["diverged"]}'
              for tag, per_seed in results['students'].items()
              for seed, r in per_seed.items() if 'diverged' in r]
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write('\n'.join(lines))
    with open(osp.join(out_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)


if __name__ == '__main__':
    sys.exit(main())
