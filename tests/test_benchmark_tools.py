"""The per-class gain plot, the benchmark tables and the speed benchmark."""
import json
import math
import os

import numpy as np
import pytest
from helpers import ROOT, load_script, run_script
from mmengine.config import Config

from tools import tool_runs

benchmark_speed = load_script('benchmarks/benchmark_speed.py')
plot_ablations = load_script('projects/fmnist_lt/plot_ablations.py')
plot_class_gain = load_script('projects/fmnist_lt/plot_class_gain.py')
run_benchmark = load_script('projects/fmnist_lt/run_benchmark.py')
run_vit_teachers = load_script('projects/fmnist_lt/run_vit_teachers.py')
cifar_benchmark = load_script('projects/cifar10_lt/run_benchmark.py')


def per_class(path, accuracy, counts=(50, 5, 20)):
    record = dict(summary={}, classes=['a', 'b', 'c'], class_counts=list(counts),
                  groups=['many', 'few', 'medium'], accuracy=accuracy)
    path.write_text(json.dumps(record))
    return str(path)


def test_gain_is_the_seed_mean_difference_sorted_by_count(tmp_path):
    method = [per_class(tmp_path / 'm0.json', [80.0, 40.0, 60.0]),
              per_class(tmp_path / 'm1.json', [90.0, 50.0, None])]
    base = [per_class(tmp_path / 'b0.json', [85.0, 10.0, 50.0])]
    out = str(tmp_path / 'gain.png')
    gain = plot_class_gain.plot(method, base, out)
    # classes by count: a (50), c (20), b (5); c's second seed is missing
    assert gain.tolist() == pytest.approx([0.0, 10.0, 35.0])
    with open(out, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_gain_plot_rejects_other_files(tmp_path):
    bad = tmp_path / 'metrics.json'
    bad.write_text(json.dumps({'shot/all': 50.0}))
    good = per_class(tmp_path / 'm.json', [1.0, 2.0, 3.0])
    with pytest.raises(SystemExit, match='is not a per_class_file'):
        plot_class_gain.plot([good], [str(bad)], str(tmp_path / 'x.png'))
    other = per_class(tmp_path / 'o.json', [1.0, 2.0, 3.0])
    record = json.loads(open(other).read())
    record['classes'] = ['x', 'y', 'z']
    open(other, 'w').write(json.dumps(record))
    with pytest.raises(SystemExit, match='different classes'):
        plot_class_gain.plot([good], [other], str(tmp_path / 'x.png'))


def fake_results(values):
    keys = run_benchmark.KEYS
    tags = [r.tag for r in run_benchmark.student_runs()]
    students = {}
    for i, tag in enumerate(tags):
        seeds = {s: dict(test={k: values[s] + i for k in keys},
                         val={k: values[s] + i - 1 for k in keys}) for s in range(3)}
        students[tag] = dict(label=tag, seeds=seeds,
                             summary=run_benchmark.summarise(seeds))
    teachers = {t: dict(test={k: 90.0 for k in keys}) for t in ('ft', 'ncm')}
    meta = dict(command='python run_benchmark.py', commit='abc', date='2026-11-26',
                seeds=[0, 1, 2], epochs=30, minutes=1.0)
    return dict(meta=meta, teachers=teachers, students=students)


def test_tables_hold_mean_and_sample_std(tmp_path):
    results = fake_results([70.0, 72.0, 74.0])  # mean 72, sample std 2
    run_benchmark.write_tables(results, str(tmp_path))
    text = (tmp_path / 'results.md').read_text()
    assert '| Teacher | 90.0 | 90.0' in text
    assert '| CE | ' + ' | '.join(['72.0 ± 2.0'] * 5) in text
    acckd_ft = results['students']['acckd-ft']['summary']['all']['mean']
    row6 = f'{acckd_ft:.1f} ± 2.0'
    assert f'| row6 | x | x | x | x | x | {row6} | {row6} |' \
        in text
    branch = results['students']['acckd-square-align-branch']['summary']['all']['mean']
    assert '| ACCKD, square layer on a side branch | ' + ' | '.join(
        [f'{branch:.1f} ± 2.0'] * 5 + [f'{branch - 1:.1f} ± 2.0']) + ' |' in text
    tau4 = results['students']['fig8-tau4']['summary']['all']['mean']
    assert f'| tau = 4 | {tau4:.1f} ± 2.0' in text
    assert json.loads(
        (tmp_path / 'results.json').read_text())['meta']['commit'] == 'abc'


def test_a_diverged_seed_is_reported_and_left_out_of_the_means(tmp_path):
    results = fake_results([70.0, 72.0, 74.0])
    seeds = results['students']['la']['seeds']
    seeds[2] = dict(diverged='NonFiniteLossError: loss_sup=nan', work_dir='w')
    results['students']['la']['summary'] = run_benchmark.summarise(seeds)
    run_benchmark.write_tables(results, str(tmp_path))
    text = (tmp_path / 'results.md').read_text()
    la = results['students']['la']['summary']['all']
    assert (la['mean'], round(la['std'], 6)) == (72.0, round(2 ** 0.5, 6))  # 71, 73
    assert '| LA | 72.0 ± 1.4' in text
    assert '- la seed 2: NonFiniteLossError: loss_sup=nan' in text


def test_ablation_figures_hold_the_seed_statistics(tmp_path):
    results = fake_results([70.0, 72.0, 74.0])
    tags = [r.tag for r in run_benchmark.student_runs()]
    tau4 = results['students']['fig8-tau4']
    tau4['seeds'][1] = dict(diverged='nan', work_dir='w')
    tau4['summary'] = run_benchmark.summarise(tau4['seeds'])  # as the benchmark writes
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(results))
    assert plot_ablations.main([str(path), '--out-dir', str(tmp_path)]) == 0
    tables = json.loads((tmp_path / 'fig7_fig8.json').read_text())
    i = tags.index('fig8-tau4')  # its values are 70 + i, 74 + i (seed 1 diverged)
    assert tables['tau']['4']['all'] == pytest.approx([72.0 + i, 8 ** 0.5])
    j = tags.index('fig7-random-random')
    sampling = tables['sampling']['random + random']['mean']
    assert sampling == pytest.approx([72.0 + j, 2.0])
    import matplotlib.pyplot as plt
    for name in ('fig7_sampling.png', 'fig8_tau.png'):  # drawn figures, not blanks
        image = plt.imread(str(tmp_path / name))
        assert image.ndim == 3 and min(image.shape[:2]) >= 200, name
        assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 10, name


def test_train_remembers_a_run_stopped_by_the_non_finite_guard(tmp_path, monkeypatch):
    calls = []

    def stopped(cmd, log_file, threads):
        calls.append(cmd)
        with open(log_file, 'a') as f:
            f.write('Epoch(train) [4]\nNonFiniteLossError: non-finite loss at '
                    'iteration 85: loss_sup=nan\n')
        raise RuntimeError('command failed with exit code 1')

    monkeypatch.setattr(tool_runs, 'run_tool', stopped)
    work, log = str(tmp_path / 'w'), str(tmp_path / 'run.log')
    for _ in range(2):  # the second call answers from train.diverged
        with pytest.raises(tool_runs.TrainingDiverged, match='iteration 85: loss_sup'):
            tool_runs.train('cfg.py', work, log_file=log)
    assert len(calls) == 1

    def failed(cmd, log_file, threads):  # any other failure stays an error
        raise RuntimeError('command failed with exit code 2')

    monkeypatch.setattr(tool_runs, 'run_tool', failed)
    with pytest.raises(RuntimeError, match='exit code 2') as info:
        tool_runs.train('cfg.py', str(tmp_path / 'v'), log_file=str(tmp_path / 'v.log'))
    assert not isinstance(info.value, tool_runs.TrainingDiverged)


def test_end_to_end_refuses_runs_shorter_than_the_warm_up(capsys):
    """One epoch would leave the cosine phase empty (begin = end): refused at once."""
    with pytest.raises(SystemExit) as info:
        benchmark_speed.main(['--end-to-end', '--end-to-end-epochs', '1'])
    assert info.value.code == 2
    assert '--end-to-end-epochs must be at least 2' in capsys.readouterr().err


@pytest.mark.e2e
def test_speed_benchmark_runs(repo_root):
    result = run_script('benchmarks/benchmark_speed.py', '--cases', 'fmnist',
                        '--batch', '4', '--iters', '1', '--warmup', '0', cwd=repo_root)
    assert result.returncode == 0, result.stderr[-3000:]
    row = [line for line in result.stdout.splitlines() if line.startswith('| fmnist |')]
    assert len(row) == 1 and row[0].count(' ms') == 4
    assert 'No CUDA device' in result.stdout or 'share of peak' in result.stdout


@pytest.mark.e2e
def test_gpu_check_smoke_runs_every_step(repo_root, tmp_path):
    """tools/gpu_check.py --smoke: the speed part, 3 iterations of the headline job
    (its teacher's tower tiny) on a generated ImageNet-LT-shaped folder through
    tools/train.py, online and from a teacher cache, 2 through
    tools/dist_train.sh, and the CIFAR-10-LT standard profile's LA ResNet-32 and
    its ACCKD student (2 epochs, tiny CIFAR files), one table."""
    result = run_script('tools/gpu_check.py', '--smoke', '--cifar-acckd', '--work-dir',
                        str(tmp_path / 'gc'), cwd=repo_root, timeout=1200)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    out = result.stdout
    assert '| tiny teacher forward, 32 px | fp32 |' in out
    assert '| ACCKD step (acckd_r18_imagenet-lt.py) |' in out
    train = [line for line in out.splitlines() if line.startswith('| tools/train.py')]
    dist = [
        line for line in out.splitlines() if line.startswith('| tools/dist_train.sh')
    ]
    assert len(train) == len(dist) == 1
    assert train[0].split('|')[2].strip() == '3' and dist[0].split(
        '|')[2].strip() == '2'
    assert '(gloo)' in dist[0]
    cached = [line for line in out.splitlines()
              if line.startswith('| the same, teacher from the cache')]
    assert len(cached) == 1 and cached[0].split('|')[2].strip() == '3', cached
    assert 'teacher outputs read from the cache' in (
        tmp_path / 'gc' / 'train_cached.log').read_text()
    cifar = [line for line in out.splitlines()
             if line.startswith('| configs/baselines/la_resnet32_cifar10-lt.py (2 ')]
    assert len(cifar) == 1 and 'Cao et al. 2019' in cifar[0], out[-1500:]
    test_all = float(cifar[0].split('|')[2].split('/')[-1])
    assert 0 <= test_all <= 100
    acckd = [line for line in out.splitlines() if line.startswith(
        '| configs/distill/cifar10_lt/acckd_resnet32_effnet-full-la_cifar10-lt.py')]
    assert len(acckd) == 1, out[-1500:]
    assert 'class counts (10 classes, 199 images' in (
        tmp_path / 'gc' / 'cifar10_la.log').read_text()
    for log in ('train.log', 'dist_train.log'):  # the smoke runs' tower is the tiny one
        text = (tmp_path / 'gc' / log).read_text()
        assert 'CLIPVisionBackbone(tiny-vit)' in text
        priors = [line for line in text.splitlines() if 'priors: teacher' in line]
        # 1000 classes: each prior summarised, all three on the one log line
        assert len(priors) == 1 and priors[0].count('...') == 3, priors
        assert '; train [' in priors[0] and '; test [' in priors[0]


def test_table5_holds_every_teacher_its_student_and_the_la_student(tmp_path):
    """Table 5's table: each teacher's validation and test numbers, its ACCKD
    students' mean and sample std, and the LA student of the same network."""
    keys = run_vit_teachers.KEYS
    teachers = {}
    for i, (tag, *_) in enumerate(run_vit_teachers.TEACHERS):
        teachers[tag] = dict(test={k: 70.0 + i for k in keys},
                             val={k: 71.0 + i for k in keys}, seconds=30.0,
                             tower_params=None if tag in ('ncm', 'head-only') else 7332)
    students = {tag: {s: dict(test={k: 74.0 + s for k in keys},
                              val={k: 75.0 + s for k in keys}) for s in range(3)}
                for tag, *_ in run_vit_teachers.TEACHERS}
    students['la'] = {s: dict(test={k: 70.0 + 2 * s for k in keys},
                              val={k: 72.0 for k in keys}) for s in range(3)}
    students['lora'][2] = dict(diverged='NonFiniteLossError: loss_fi=nan', work_dir='w')
    results = dict(meta=dict(command='python run_vit_teachers.py', commit='abc',
                             date='2026-12-01', seeds=[0, 1, 2], minutes=1.0,
                             tower_seconds=1800.0),
                   selection=dict(val={'0.1': {'all': 80.0}, '0.3': {'all': 82.5}},
                                  lr=0.3),
                   teachers=teachers, students=students)
    run_vit_teachers.write_tables(results, str(tmp_path))
    text = (tmp_path / 'results.md').read_text()
    assert 'Tower pre-training: 30 min.' in text and '-> **0.3**' in text
    assert '| NCM | 0 | - | 71.0 | 70.0 | 70.0 | 70.0 | 70.0 | ' + ' | '.join(
        ['75.0 ± 1.0'] * 4) + ' | 76.0 ± 1.0 |' in text
    assert '| LoRA + LA (1 student seed(s) diverged) | 7,332 | 30 s | 75.0 | ' in text
    assert ' | '.join(['74.5 ± 0.7'] * 4) in text  # LoRA: seeds 0 and 1 only
    assert '| (no teacher: the LA student) | | | | | | | | ' + ' | '.join(
        ['72.0 ± 2.0'] * 4) + ' | 72.0 ± 0.0 |' in text
    assert 'Diverged: student of lora, seed 2: NonFiniteLossError' in text


run_menu = load_script('projects/fmnist_lt/run_long_tail_menu.py')


def test_the_menu_runs_real_configs_with_known_sources():
    import os.path as osp
    steps = [s for _, alone, acckd in run_menu.menu() for s in (alone, acckd)]
    tags = [s.tag for s in steps]
    assert len(tags) == len(set(tags)) == 2 * 14
    for step in steps:
        assert osp.isfile(osp.join(run_menu.ROOT, step.config)), step.config
        if step.kind != 'train':  # built on a training run of the menu
            source = next(s for s in steps if s.tag == step.source)
            assert source.kind == 'train'


def test_a_posthoc_setting_is_chosen_on_val_ties_to_the_smaller(monkeypatch, tmp_path):
    """The grid is tested on val, the best value (the smaller on a tie) alone on
    test; the test split is never read for the choice."""
    args = type('Args', (), dict(work_dir=str(tmp_path), teacher_ckpt='t.pth',
                                 threads=None, epochs=None))()
    menu = run_menu.Menu(args)
    on_val = {0.0: 60.0, 0.5: 70.0, 1.0: 70.0, 1.5: 65.0, 2.0: 50.0}
    seen = []

    def fake_test(step, checkpoint, work_dir, seed, options=()):
        value = float(options[0].split('=')[1])
        split = 'val' if 'test_dataloader.dataset.split=val' in options else 'test'
        seen.append((split, value))
        score = on_val[value] if split == 'val' else -1.0
        return dict(many=score, medium=score, few=score, all=score, ece=1.0)

    monkeypatch.setattr(menu, 'test', fake_test)
    step = run_menu.Step('tau-norm', 'x.py', False, 'posthoc', 'ce',
                         ('default_hooks.tau_norm.tau', tuple(on_val)))
    result = menu.posthoc(step, 0, {('ce', 0): dict(checkpoint='ce.pth')})
    assert result['chosen'] == {'default_hooks.tau_norm.tau': 0.5}
    assert seen == [('val', v) for v in on_val] + [('test', 0.5)]
    assert result['test']['all'] == -1.0 and result['val']['all'] == 70.0


def test_the_menu_table_has_both_sides_and_leaves_out_a_failed_seed(tmp_path):
    def seeds(*alls):
        return {k: (dict(test=dict(many=a, medium=a, few=a, all=a, ece=2.0))
                    if a is not None else dict(diverged='NonFiniteLossError: x'))
                for k, a in enumerate(alls)}
    row = dict(label='CE', alone=dict(tag='ce', seeds=seeds(50.0, 52.0), grid=None),
               acckd=dict(tag='acckd-ce', seeds=seeds(80.0, None), grid=None))
    for side in ('alone', 'acckd'):
        row[side]['summary'] = run_menu.summarise(row[side]['seeds'])
    meta = dict(command='python x', commit='abc', date='d', minutes=1.0, seeds=[0, 1],
                epochs=30, chosen=dict(repeat_thr=0.1), repeat_val={'0.1': 1.0})
    run_menu.write_tables(dict(meta=meta, rows=[row]), str(tmp_path))
    text = (tmp_path / 'results.md').read_text()
    assert '| CE | 51.0 ± 1.4 | 51.0 ± 1.4 | 51.0 ± 1.4 | 51.0 ± 1.4 | 2.0 ± 0.0 | ' \
        '80.0 ± 0.0 |' in text
    assert 'acckd-ce seed 1: NonFiniteLossError: x' in text


def test_a_cached_test_without_a_key_asked_for_is_run_again(tmp_path, monkeypatch):
    """tool_runs.test keeps a cached result that holds every key asked for and
    tests again when one is missing (written before the metric reported it)."""
    import json

    from tools import tool_runs
    runs = []

    def fake_run(cmd, log_file=None, threads=None):
        runs.append(cmd)
        out = cmd[cmd.index('--out') + 1]
        with open(out, 'w') as f:
            json.dump({f'shot/{k}': 1.0 for k in tool_runs.SHOT_KEYS + ('ece', )}, f)

    monkeypatch.setattr(tool_runs, 'run_tool', fake_run)
    cached = tmp_path / 'test_metrics.json'
    cached.write_text(json.dumps({f'shot/{k}': 2.0 for k in tool_runs.SHOT_KEYS}))
    assert tool_runs.test('c.py', 'x.pth', str(tmp_path))['all'] == 2.0 and not runs
    keys = tool_runs.SHOT_KEYS + ('ece', )
    assert tool_runs.test('c.py', 'x.pth', str(tmp_path), keys=keys)['ece'] == 1.0
    assert len(runs) == 1


def cifar_fake_results(values):
    keys = cifar_benchmark.SHOT_KEYS
    students = {}
    for i, run in enumerate(cifar_benchmark.student_runs()):
        seeds = {s: dict(test={k: values[s] + i for k in keys},
                         val={k: values[s] + i - 1 for k in keys}) for s in range(3)}
        students[run.tag] = dict(label=run.label, seeds=seeds,
                                 summary=cifar_benchmark.summarise(seeds))
    teachers = {t: dict(test={k: 60.0 + j for k in keys},
                        val={k: 50.0 + j for k in keys})
                for j, t in enumerate([*cifar_benchmark.TUNERS, 'zs', 'ncm'])}
    seconds = {'tuning the teachers': (9, 600.0), 'training the students': (2, 120.0)}
    meta = dict(command='python run_benchmark.py', commit='abc', date='2026-12-07',
                seeds=[0, 1, 2], table5_seeds=[0], epochs=20, jobs=2, cores=2,
                minutes=100.0, seconds=seconds, tuned_teacher_note=None,
                resumed_steps=0, run_minutes=12.0,
                teacher_minutes_without_cache=50.0, minutes_without_cache=125.0)
    return dict(meta=meta, teachers=teachers, students=students)


def test_cifar10_benchmark_runs_every_table_row_from_a_real_config():
    runs = cifar_benchmark.student_runs()
    tags = [r.tag for r in runs]
    assert len(tags) == len(set(tags))
    for run in runs:
        assert os.path.isfile(os.path.join(ROOT, run.config)), run.config
        assert run.distill == run.config.startswith('configs/distill/')
        if run.teacher:  # its teacher is the tuned teacher whose checkpoint it reads
            teacher = Config.fromfile(os.path.join(ROOT, run.config)).model.teacher
            assert f'effnet-lite0_{run.teacher}_la_' in teacher
    table5 = {r.teacher for r in runs if r.tag.startswith('acckd-') and r.teacher}
    assert table5 == set(cifar_benchmark.TUNERS)  # one ACCKD student per tuned teacher


def test_cifar10_tables_hold_every_layout(tmp_path):
    results = cifar_fake_results([70.0, 72.0, 74.0])  # mean 72 + i, sample std 2
    cifar_benchmark.write_tables(results, str(tmp_path))
    text = (tmp_path / 'results.md').read_text()
    stat = {t: e['summary'] for t, e in results['students'].items()}

    def cell(tag, key='all'):
        return f'{stat[tag][key]["mean"]:.1f} ± 2.0'

    tuned = results['teachers'][cifar_benchmark.TUNED]['test']['all']
    assert '| Teacher | ' + ' | '.join(  # zero-shot, NCM, tuned
        ['69.0'] * 4 + ['70.0'] * 4 + [f'{tuned:.1f}'] * 4) + ' |' in text
    assert '| CE | ' + ' | '.join([cell('ce')] * 12) + ' |' in text
    assert '| ACCKD | ' + ' | '.join(
        cell(f'acckd-{t}', k) for t in ('zs', 'ncm', 'tuned')
        for k in ('many', 'medium', 'few', 'all')) + ' |' in text
    assert f'| row4 | x | x | x |  |  | {cell("acckd-tuned", "few")} | ' \
        f'{cell("acckd-tuned")} |' in text
    assert f'| row6 | x | x | x | x | x | {cell("row6-fi", "few")} | ' \
        f'{cell("row6-fi")} |' in text
    assert '| synthetic only (L_sup_mix + L_cckd_mix) | ' + ' | '.join(
        cell('fig9-synthetic-only', k) for k in ('many', 'medium', 'few', 'all')) \
        in text
    assert f'| BitFit + LA | 51.0 | 61.0 | 61.0 | 61.0 | 61.0 | ' \
        f'{cell("acckd-bitfit")} |' in text
    # a student of one seed shows its value, not a spread of 0
    results['students']['acckd-lora']['seeds'] = {0: dict(test={'all': 40.0})}
    cifar_benchmark.write_tables(results, str(tmp_path))
    assert '| peft LoRA + LA | 54.0 | 64.0 | 64.0 | 64.0 | 64.0 | 40.0 |' in (
        tmp_path / 'results.md').read_text()
    assert f'| balanced softmax | {cell("bs", "many")} | {cell("bs", "few")} | ' \
        f'{cell("bs")} | {cell("acckd-bs", "many")} |' in text
    assert '| tuning the teachers | 9 | 10.0 |' in text
    students = [stat['acckd-tuned' if t == cifar_benchmark.TUNED else f'acckd-{t}']
                ['all']['mean'] for t in cifar_benchmark.TUNERS]
    expected = cifar_benchmark.spearman(list(range(9)), students)  # val = 50 + j
    assert f'with the teacher\'s val accuracy: many {expected:.2f}, ' in text
    assert 'about 125 min of wall time in all' in text
    assert 'Whole benchmark: 100.0 min of wall time with 2 runs at a time.' in text
    meta = json.loads((tmp_path / 'results.json').read_text())['meta']
    assert meta['commit'] == 'abc'


def test_cifar10_a_resumed_benchmark_reports_run_time_not_its_own_wall_time(tmp_path):
    """An invocation that picked up finished steps did not take the benchmark's
    time: the table gives the summed run time over the runs at a time."""
    results = cifar_fake_results([70.0, 72.0, 74.0])
    results['meta'].update(minutes=3.0, resumed_steps=40, run_minutes=240.0)
    cifar_benchmark.write_tables(results, str(tmp_path))
    text = (tmp_path / 'results.md').read_text()
    assert 'Whole benchmark: 240 min of run time over 2 runs at a time, about 120 ' \
        'min of wall time (this invocation resumed 40 steps' in text
    assert '3.0 min of wall time' not in text
    assert '40 of the steps were finished by earlier invocations' in text


def test_cifar10_no_cache_estimate_counts_the_views_each_method_needs():
    writes = {'A': 600.0, 'B': 300.0}
    both = dict(seeds={0: dict(cache='A'), 1: dict(cache='B')})
    students = {'acckd-tuned': both, 'kd-tuned': both,
                'row2': dict(seeds={0: dict(cache='A')}),
                'la': dict(seeds={0: dict()})}
    # ACCKD 600 + 300, KD half of each (450), row 2 600, less the 900 written
    assert cifar_benchmark.teacher_minutes_without_cache(students, writes) == \
        pytest.approx((900 + 450 + 600 - 900) / 60)


def test_cifar10_spearman_ranks_ties_by_their_mean_rank():
    assert cifar_benchmark.spearman([1, 2, 3], [10, 30, 20]) == pytest.approx(0.5)
    # ties share the mean rank (1.5): ranks (0, 1.5, 1.5) against (0, 1, 2)
    assert cifar_benchmark.spearman([1, 2, 2], [1, 2, 3]) == pytest.approx(0.8660254)
    assert cifar_benchmark.spearman([3, 2, 1], [1, 2, 3]) == pytest.approx(-1.0)


def test_teacher_marginal_is_the_mean_softmax_against_the_label_prior():
    import torch
    marginal_tool = load_script('projects/cifar10_lt/teacher_marginal.py')
    predictions = [dict(pred_score=torch.tensor(s), gt_label=torch.tensor([y]))
                   for s, y in (([0.7, 0.2, 0.1], 0), ([0.5, 0.4, 0.1], 0),
                                ([0.2, 0.2, 0.6], 1), ([0.1, 0.1, 0.8], 2))]
    accuracy, mean, prior = marginal_tool.marginal(predictions)
    assert accuracy == 75.0  # the third image is wrong
    assert mean == pytest.approx([0.375, 0.225, 0.4])
    assert prior == [0.5, 0.25, 0.25]
    assert marginal_tool.kl(prior, prior) == 0.0
    assert marginal_tool.kl([0.5, 0.5], [0.25, 0.75]) == pytest.approx(
        0.5 * math.log(2) + 0.5 * math.log(2 / 3))


def test_a_shortened_menu_run_moves_drw_with_it():
    """The menu's LDAM-DRW rows re-weight from epoch 24 of 30: a 3-epoch run
    starts it at epoch 2 (the same fraction), or the run would be refused."""
    baseline = 'configs/baselines/ldam-drw_resnet8_fashion-mnist-lt.py'
    assert run_menu.deferred_reweighting(baseline, 3) == [
        'model.head.loss.reweight_from_epoch=2']
    assert run_menu.deferred_reweighting(
        run_menu.MENU.format('acckd_resnet8-ldam-drw'), 10) == [
            'model.student.head.loss.reweight_from_epoch=8']
    assert run_menu.deferred_reweighting(
        'configs/baselines/la_resnet8_fashion-mnist-lt.py', 3) == []
