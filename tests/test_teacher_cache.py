"""The teacher replay cache: storage, refusals, and cached runs that train
exactly like online ones (1 process and 2-process DDP)."""
import json
import os.path as osp

import numpy as np
import pytest
import torch
from helpers import assert_same_state, launch, run_tool, small_acckd_config, train

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.teacher_cache import (CachedTeacher, TeacherCache, TeacherCacheError,
                                       epoch_ranges, key_difference, row_bytes)

KEY = {'seed': 0, 'batch size': 4, 'teacher weights': 'ab' * 32}


def layout(features='fp32', logits='fp32', views=2, epochs=2):
    # 2 steps of at most 4 samples (7 per epoch): rows_per_epoch = 7 * views
    return dict(batch_size=4, steps_per_epoch=2, views=views, rows_per_epoch=7 * views,
                epochs=epochs, num_classes=5, feature_dim=3, logits=logits,
                features=features)


def step_batch(seed: int, samples: int, views: int = 2):
    g = torch.Generator().manual_seed(seed)
    rows = samples * views
    return (torch.randn(rows, 5, generator=g) * 4, torch.randn(rows, 3, generator=g),
            torch.randint(0, 5, (rows, ), generator=g),
            torch.rand(rows, 1, 6, 6, generator=g) * 255)


def written(tmp_path, **kw):
    cache = TeacherCache.create(str(tmp_path / 'cache'), KEY, layout(**kw))
    batches = {}
    for epoch in range(2):
        for step, samples in ((0, 4), (1, 3)):
            batches[epoch, step] = step_batch(10 * epoch + step, samples)
            cache.write(epoch, step, *batches[epoch, step])
        cache.finish_epoch(epoch)
    return TeacherCache(str(tmp_path / 'cache')), batches


def test_fp32_rows_come_back_bit_identical_at_their_epoch_and_step(tmp_path):
    cache, batches = written(tmp_path)
    assert cache.epochs == [0, 1]
    for (epoch, step), (logits, feats, labels, pixels) in batches.items():
        samples = labels.numel() // 2
        got_logits, got_feats = cache.read(epoch, step, samples, labels, pixels)
        assert torch.equal(got_logits, logits) and torch.equal(got_feats, feats)
        # an objective without mixing reads the real rows alone
        real, _ = cache.read(epoch, step, samples, labels[:samples], pixels[:samples])
        assert torch.equal(real, logits[:samples])


@pytest.mark.parametrize('logits,features,tol', [('fp16', 'fp16', 4e-3),
                                                 ('fp32', 'int8', 4e-3)])
def test_reduced_storage_is_within_its_rounding(tmp_path, logits, features, tol):
    """fp16: relative rounding 2^-11; int8: half a step of max|f| / 127 per row."""
    cache, batches = written(tmp_path, logits=logits, features=features)
    logit, feat, labels, pixels = batches[1, 0]
    got_logits, got_feats = cache.read(1, 0, 4, labels, pixels)
    assert (got_logits - logit).abs().max() <= tol * logit.abs().max()
    step = feat.abs().amax(1, keepdim=True) / 127
    assert ((got_feats - feat).abs() <= step / 2 + 1e-6).all()
    assert (got_feats != feat).any()  # stored reduced, not kept as written


def test_a_row_cached_for_another_image_is_refused(tmp_path):
    cache, batches = written(tmp_path)
    logits, feats, labels, pixels = batches[0, 1]
    other = pixels.clone()
    other[4] += 1.0  # one mixed image differs by 1/255 per pixel
    with pytest.raises(TeacherCacheError, match='epoch 0 step 1 row 4 was cached '
                       'for another image'):
        cache.read(0, 1, 3, labels, other)
    swapped = labels.clone()
    swapped[0] = (swapped[0] + 1) % 5
    with pytest.raises(TeacherCacheError, match='row 0 was cached for another'):
        cache.read(0, 1, 3, swapped, pixels)
    with pytest.raises(TeacherCacheError, match='step 2 of epoch 0'):
        cache.read(0, 2, 3, labels, pixels)


def test_real_only_cache_refuses_an_objective_that_mixes(tmp_path):
    cache = TeacherCache.create(str(tmp_path / 'c'), KEY, layout(views=1))
    logits, feats, labels, pixels = step_batch(0, 4, views=1)
    cache.write(0, 0, logits, feats, labels, pixels)
    _, _, labels2, pixels2 = step_batch(0, 4, views=2)
    with pytest.raises(TeacherCacheError, match='holds the real images only'):
        cache.read(0, 0, 4, labels2, pixels2)


def test_key_differences_are_named_and_another_key_is_not_overwritten(tmp_path):
    assert key_difference(KEY, dict(KEY)) is None
    diff = key_difference(KEY, dict(KEY, seed=1, **{'batch size': 8}))
    assert diff == 'batch size: 4 in the cache, 8 here; seed: 0 in the cache, 1 here'
    assert 'teacher weights: abababababab... in the cache' in key_difference(
        KEY, dict(KEY, **{'teacher weights': 'cd' * 32}))
    path = str(tmp_path / 'c')
    TeacherCache.create(path, KEY, layout())
    before = open(osp.join(path, 'key.json')).read()
    with pytest.raises(TeacherCacheError, match='holds a teacher cache of another run '
                       r'\(seed: 0 in the cache, 3 here\)'):
        TeacherCache.create(path, dict(KEY, seed=3), layout())
    assert open(osp.join(path, 'key.json')).read() == before


def test_row_bytes_count_every_file():
    assert row_bytes(10, 64, 'fp32', 'fp32') == 10 * 4 + 64 * 4 + 4 + 8
    assert row_bytes(1000, 512, 'fp16', 'int8') == 2000 + 512 + 4 + 4 + 8
    assert row_bytes(100, 512, 'fp32', 'none') == 400 + 12


def test_missing_epochs_stop_or_run_the_teacher_online(tmp_path):
    path = str(tmp_path / 'c')
    cache = TeacherCache.create(path, KEY, layout())
    batch = step_batch(0, 4)
    cache.write(0, 0, *batch)
    cache.finish_epoch(0)
    logits, _, labels, pixels = batch
    online = lambda p: (torch.zeros(p.size(0), 5), torch.zeros(p.size(0), 3))  # noqa
    with pytest.raises(RuntimeError, match='no hook opened it'):
        CachedTeacher(path).outputs(pixels, labels, 4, online)
    stop = CachedTeacher(path, 'stop')
    with pytest.raises(TeacherCacheError, match='written for another run: seed'):
        stop.open(dict(KEY, seed=1), 0)
    stop.open(KEY, 0)
    assert torch.equal(stop.outputs(pixels, labels, 4, online)[0], logits)
    stop.set_epoch(1)
    with pytest.raises(TeacherCacheError, match=r"lacks epoch 1 \(written: 0\)"):
        stop.outputs(pixels, labels, 4, online)
    fallback = CachedTeacher(path, 'teacher')
    fallback.open(KEY, 0)
    fallback.set_epoch(1)
    assert torch.equal(fallback.outputs(pixels, labels, 4, online)[0],
                       torch.zeros(8, 5))
    with pytest.raises(ValueError, match='teacher_cache_missing must be one of'):
        CachedTeacher(path, 'skip')
    no_features = TeacherCache.create(str(tmp_path / 'nf'), KEY,
                                      layout(features='none'))
    with pytest.raises(TeacherCacheError, match='holds no teacher features'):
        CachedTeacher(no_features.path, needs_features=True).open(KEY, 0)
    assert epoch_ranges([0, 1, 2, 5, 7, 8]) == '0-2, 5, 7-8'


# -- end-to-end: tools/cache_teacher.py, then tools/train.py ---------------------
KD = "model.update(distill=dict(method='kd'))"


def state(work: str, epoch: int = 2) -> dict:
    return safe_torch_load(osp.join(work, f'epoch_{epoch}.pth'))['state_dict']


@pytest.fixture(scope='module')
def small_runs(repo_root, fmnist_root, small_teacher_ckpt, tmp_path_factory):
    """A 2-epoch ACCKD config and its KD variant, each trained online, and one
    cache written from the ACCKD config."""
    tmp = tmp_path_factory.mktemp('teacher_cache')
    configs = {}
    for name, extra in (('acckd', ''), ('kd', KD)):
        (tmp / name).mkdir()
        configs[name] = small_acckd_config(tmp / name, repo_root, fmnist_root,
                                           small_teacher_ckpt, epochs=2, extra=extra)
    for name, config in configs.items():
        result = train(repo_root, config, str(tmp / f'{name}_online'))
        assert result.returncode == 0, result.stderr[-3000:]
    cache = str(tmp / 'cache')
    result = run_tool(repo_root, 'cache_teacher.py', configs['acckd'], '--out', cache)
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(tmp=tmp, configs=configs, cache=cache, log=result.stdout +
                result.stderr)


@pytest.mark.e2e  # runs the tools: `make test-fast` leaves it out
@pytest.mark.parametrize('method', ['acckd', 'kd'])
def test_one_cache_trains_acckd_and_kd_bit_identical_to_online(
        repo_root, small_runs, method):
    assert 'rows (2 view(s): real and mixed)' in small_runs['log']
    with open(osp.join(small_runs['cache'], 'key.json')) as f:
        key = json.load(f)['key']  # 'auto' precision as resolved on the CPU
    assert key['teacher precision'] == 'float32' and key['teacher device'] == 'cpu'
    assert key['world size'] == 1 and key['epochs'] == 2 and key['batch size'] == 16
    work = str(small_runs['tmp'] / f'{method}_cached')
    result = train(repo_root, small_runs['configs'][method], work, '--cfg-options',
                   f'model.teacher_cache={small_runs["cache"]}')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'teacher outputs read from the cache' in result.stdout + result.stderr
    assert_same_state(state(str(small_runs['tmp'] / f'{method}_online')), state(work))


@pytest.mark.e2e  # runs the tools: `make test-fast` leaves it out
def test_a_changed_cache_changes_the_run(repo_root, small_runs, tmp_path):
    """The cached run reads the cache: scaled cached logits train other weights
    (the row guards check labels and pixels, not the outputs)."""
    import shutil
    cache = str(tmp_path / 'scaled')
    shutil.copytree(small_runs['cache'], cache)
    logits = np.load(osp.join(cache, 'rank0_logits.npy'), mmap_mode='r+')
    logits[:] *= 2
    logits.flush()
    work = str(tmp_path / 'work')
    result = train(repo_root, small_runs['configs']['acckd'], work, '--cfg-options',
                   f'model.teacher_cache={cache}')
    assert result.returncode == 0, result.stderr[-3000:]
    online = state(str(small_runs['tmp'] / 'acckd_online'))
    assert not torch.equal(online['student.head.fc.weight'],
                           state(work)['student.head.fc.weight'])


@pytest.mark.e2e  # runs the tools: `make test-fast` leaves it out
@pytest.mark.parametrize('option,named', [
    ('randomness.seed=1', 'seed: 0 in the cache, 1 here'),
    ('train_dataloader.batch_size=8', 'batch size: 16 in the cache, 8 here'),
    ('train_cfg.max_epochs=3', 'epochs: 2 in the cache, 3 here'),
    ("train_dataloader.dataset.dataset.pipeline.1.prob=0.4", 'training set: '),
])
def test_a_cache_of_another_run_is_refused_in_one_line(repo_root, small_runs, tmp_path,
                                                       option, named):
    result = train(repo_root, small_runs['configs']['acckd'], str(tmp_path / 'w'),
                   '--cfg-options', f'model.teacher_cache={small_runs["cache"]}',
                   option)
    assert result.returncode != 0
    line = result.stderr.strip().splitlines()[-1]
    assert 'was written for another run' in line and named in line, line
    assert not osp.exists(str(tmp_path / 'w' / 'epoch_1.pth'))


@pytest.mark.e2e  # runs the tools: `make test-fast` leaves it out
def test_a_partial_cache_stops_or_falls_back_to_the_teacher(repo_root, small_runs,
                                                            tmp_path):
    """Epoch 0 cached, epoch 1 not: 'stop' ends the run before epoch 1's first
    step; 'teacher' trains epoch 1 online, bit-identical to the online run."""
    cache = str(tmp_path / 'partial')
    config = small_runs['configs']['acckd']
    result = run_tool(repo_root, 'cache_teacher.py', config, '--out', cache,
                      '--first-epochs', '1')
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.load(open(osp.join(cache, 'rank0.json'))) == dict(epochs=[0])
    stop = str(tmp_path / 'stop')
    result = train(repo_root, config, stop, '--cfg-options',
                   f'model.teacher_cache={cache}')
    assert result.returncode != 0
    assert 'lacks epoch 1 (written: 0)' in result.stderr.strip().splitlines()[-1]
    assert osp.exists(osp.join(stop, 'epoch_1.pth'))
    assert not osp.exists(osp.join(stop, 'epoch_2.pth'))
    online = str(tmp_path / 'fallback')
    result = train(repo_root, config, online, '--cfg-options',
                   f'model.teacher_cache={cache}',
                   'model.teacher_cache_missing=teacher')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'epoch 1 is not in the teacher cache: teacher online' in result.stdout
    assert_same_state(state(str(small_runs['tmp'] / 'acckd_online')), state(online))
    # the rest of the epochs, added to the same cache, make it whole
    result = run_tool(repo_root, 'cache_teacher.py', config, '--out', cache)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'writing epochs 1' in result.stdout + result.stderr
    assert json.load(open(osp.join(cache, 'rank0.json'))) == dict(epochs=[0, 1])


@pytest.mark.e2e  # runs the tools: `make test-fast` leaves it out
def test_two_processes_train_from_their_cache_like_online(repo_root, small_runs,
                                                          tmp_path):
    """2-process DDP (gloo): a cache written by 2 processes trains bit-identical
    to the online 2-process run; its key holds the world size, so the 1-process
    cache is refused there (the refusal itself: one process, above)."""
    config = small_runs['configs']['acckd']
    cache = str(tmp_path / 'cache2')
    result = launch(repo_root, 'dist_cache_teacher.sh', config, '2', '--out', cache)
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(osp.join(cache, 'rank1_logits.npy'))
    keys = []
    for folder in (cache, small_runs['cache']):
        with open(osp.join(folder, 'key.json')) as f:
            keys.append(json.load(f)['key'])
    assert key_difference(keys[1], keys[0]) == 'world size: 1 in the cache, 2 here'
    runs = {}
    for name, extra in (('online', []), ('cached', [
            '--cfg-options', f'model.teacher_cache={cache}'])):
        runs[name] = str(tmp_path / name)
        result = launch(repo_root, 'dist_train.sh', config, '2', '--work-dir',
                        runs[name], *extra)
        assert result.returncode == 0, result.stderr[-3000:]
    assert_same_state(state(runs['online']), state(runs['cached']))


def test_the_benchmark_runner_groups_runs_by_what_the_cache_depends_on(tmp_path):
    """tool_runs.teacher_cache_folder: the methods, tau and the Table 3 rows of
    one teacher and seed share a folder; another seed, teacher or
    mix_sampling gets its own."""
    from tools.tool_runs import teacher_cache_folder
    root = 'configs/distill/fashion_mnist_lt/'
    seed0 = ['randomness.seed=0', 'model.seed=0', 'train_dataloader.dataset.seed=0']
    seed1 = [o.replace('=0', '=1') for o in seed0]
    ablation = root + 'ablations/{}_resnet8_offline-ft_fashion-mnist-lt.py'
    folders = {name: teacher_cache_folder(config, options, str(tmp_path))
               for name, config, options in (
                   ('acckd', root + 'acckd_resnet8_offline-ft_fashion-mnist-lt.py',
                    seed0),
                   ('kd', root + 'kd_resnet8_offline-ft_fashion-mnist-lt.py', seed0),
                   ('tau4', ablation.format('fig8-tau4_acckd'), seed0),
                   ('row2', ablation.format('row2-cckd_supmix'), seed0),
                   ('seed1', root + 'acckd_resnet8_offline-ft_fashion-mnist-lt.py',
                    seed1),
                   ('ncm', root + 'acckd_resnet8_offline-ncm_fashion-mnist-lt.py',
                    seed0),
                   ('fig7', ablation.format('fig7-random-random_acckd'), seed0))}
    assert folders['acckd'] == folders['kd'] == folders['tau4'] == folders['row2']
    assert len({folders[k] for k in ('acckd', 'seed1', 'ncm', 'fig7')}) == 4


def test_a_disk_too_small_is_refused_before_anything_is_written(tmp_path,
                                                                monkeypatch):
    import collections
    import shutil

    from cckd_plugin.engine.teacher_cache_loop import TeacherCacheLoop
    loop = TeacherCacheLoop.__new__(TeacherCacheLoop)
    loop.out = str(tmp_path / 'new' / 'cache')
    usage = collections.namedtuple('usage', 'total used free')
    monkeypatch.setattr(shutil, 'disk_usage', lambda path: usage(0, 0, 3 * 2**30))
    loop._check_disk(2 * 2**30)  # fits
    with pytest.raises(TeacherCacheError, match=r'the cache needs 4\.0 GB and .* has '
                       r'3\.0 GB free'):
        loop._check_disk(4 * 2**30)
    assert not osp.exists(loop.out)
