"""Running ``tools/train.py`` / ``tools/test.py`` as subprocesses, resumably:
shared by ``tools/demo.py``, the benchmark runners and the tests. A harness of
this checkout, not part of the installed plugin: it runs the tools from the
repository root, which it takes from its own location."""
import hashlib
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import threading
import time
from typing import Dict, List, Optional, Sequence

from mmengine.runner import find_latest_checkpoint

from cckd_plugin.evaluation.shot_group_accuracy import SHOT_KEYS

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def log(msg: str) -> None:
    """Print a progress line with the time of day."""
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


def git_commit() -> str:
    """The short hash of the repository's checked-out commit (for results)."""
    return subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=REPO_ROOT,
                          capture_output=True, text=True).stdout.strip()


class ToolRunError(RuntimeError):
    """A tool exited with an error; ``log_file`` holds its output (or ``None``
    when it went to the terminal)."""

    def __init__(self, message: str, log_file: Optional[str] = None):
        super().__init__(message)
        self.log_file = log_file


def run_tool(cmd: Sequence[str], log_file: Optional[str] = None,
             threads: Optional[int] = None,
             env: Optional[Dict[str, str]] = None) -> None:
    """Run ``cmd`` in the repository root; output to the terminal, or appended
    to ``log_file``. ``threads`` caps OpenMP/MKL threads (parallel runs);
    ``env`` adds environment variables."""
    env = dict(os.environ, **(env or {}))
    if threads:
        env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = str(threads)
    cmd = [str(c) for c in cmd]
    if log_file is None:
        print('+ ' + ' '.join(cmd), flush=True)
        code = subprocess.run(cmd, cwd=REPO_ROOT, env=env).returncode
    else:
        with open(log_file, 'a') as f:
            f.write('+ ' + ' '.join(cmd) + '\n')
            f.flush()
            code = subprocess.run(
                cmd, cwd=REPO_ROOT, stdout=f, stderr=subprocess.STDOUT,
                env=env).returncode
    if code:
        where = f', see {log_file}' if log_file else ''
        raise ToolRunError(f'command failed with exit code {code}{where}: ' +
                           ' '.join(cmd), log_file)


def last_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint named by ``<work_dir>/last_checkpoint``, if any (mmengine's
    ``find_latest_checkpoint``, asked only when the file exists: it logs a
    warning otherwise)."""
    if not osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        return None
    return find_latest_checkpoint(work_dir) or None


def seed_options(seed: int, distill: bool, teacher_ckpt: Optional[str] = None
                 ) -> List[str]:
    """The ``--cfg-options`` of one seed of a benchmark run: the run's seed and,
    for a distiller, its mixing and partner seeds and the teacher checkpoint (the
    benchmark runners share them, so a run of either is the same run)."""
    options = [f'randomness.seed={seed}']
    if distill:
        options += [f'model.seed={seed}', f'train_dataloader.dataset.seed={seed}',
                    f'model.teacher_ckpt={teacher_ckpt}']
    return options


_CACHE_LOCKS: Dict[str, threading.Lock] = {}
_CACHE_LOCKS_GUARD = threading.Lock()


def teacher_cache_folder(config: str, options: Sequence[str], cache_root: str) -> str:
    """The cache folder of a distillation run under ``cache_root``: runs whose
    teacher (config, checkpoint, view, precision), training loader, mixing,
    seeds and epochs agree share one. The cache's own key check refuses a run
    that this grouping would pair with the wrong cache."""
    from mmengine.config import Config

    from cckd_plugin.engine import merge_options
    from cckd_plugin.engine.tool_args import parse_options
    cfg = merge_options(Config.fromfile(osp.join(REPO_ROOT, config)),
                        parse_options(options))
    model = cfg.model
    group = json.dumps([model.get(k) for k in (
        'teacher', 'teacher_ckpt', 'teacher_view', 'teacher_precision', 'mix',
        'seed', 'channels_last')] + [cfg.train_dataloader, cfg.get('randomness'),
                                     cfg.train_cfg.get('max_epochs')],
        sort_keys=True, default=repr)
    return osp.join(cache_root, hashlib.sha256(group.encode()).hexdigest()[:12])


def teacher_cache(config: str, options: Sequence[str], cache_root: str,
                  log_file: Optional[str] = None,
                  threads: Optional[int] = None,
                  write_seconds: Optional[Dict[str, float]] = None) -> str:
    """The teacher replay cache of a distillation run, as a ``--cfg-options``
    entry: its :func:`teacher_cache_folder`, written by ``tools/cache_teacher.py``
    when the first run of its group asks (the others wait for it).
    ``write_seconds``: where the wall seconds of each write go, by folder (a
    cache written before reports the seconds kept in its ``write_seconds.json``)."""
    folder = teacher_cache_folder(config, options, cache_root)
    with _CACHE_LOCKS_GUARD:
        lock = _CACHE_LOCKS.setdefault(folder, threading.Lock())
    with lock:
        written = osp.join(folder, 'rank0.json')
        whole = False
        if osp.isfile(written):
            with open(osp.join(folder, 'key.json')) as f:
                epochs = json.load(f)['layout']['epochs']
            with open(written) as f:
                whole = len(json.load(f)['epochs']) == epochs
        record = osp.join(folder, 'write_seconds.json')
        if not whole:
            start = time.time()
            run_tool([sys.executable, 'tools/cache_teacher.py', config, '--out',
                      folder, '--cfg-options', *options], log_file, threads)
            with open(record, 'w') as f:
                json.dump(dict(seconds=time.time() - start), f)
        if write_seconds is not None and osp.isfile(record):
            with open(record) as f:
                write_seconds[folder] = json.load(f)['seconds']
    return f'model.teacher_cache={folder}'


def mean_and_std(values: Sequence[float]) -> Dict[str, float]:
    """Mean and sample standard deviation (0 for one value) of seed results."""
    return dict(mean=statistics.fmean(values),
                std=statistics.stdev(values) if len(values) > 1 else 0.0)


def summarise(per_seed: Dict[int, dict], split: str = 'test') -> dict:
    """Mean and sample standard deviation over seeds of each shot group (and
    ``ece`` where every seed has it) and of ``mean``, the average of many,
    medium and few (the paper's Figures 7-8); seeds without ``split`` (a
    diverged run) are left out."""
    summary = {}
    for k in SHOT_KEYS + ('mean', 'ece'):
        values = [statistics.fmean(r[split][g] for g in SHOT_KEYS[:3]) if k == 'mean'
                  else r[split].get(k) for r in per_seed.values() if r.get(split)]
        if values and None not in values:
            summary[k] = mean_and_std(values)
    return summary


def stat_cell(stat: dict) -> str:
    """``mean ± std`` with one decimal."""
    return f'{stat["mean"]:.1f} ± {stat["std"]:.1f}'


class TrainingDiverged(RuntimeError):
    """``tools/train.py`` stopped at a non-finite loss (``NonFiniteLossHook``)."""


def non_finite_message(log_file: Optional[str]) -> Optional[str]:
    """The last ``NonFiniteLossError`` line of a run's log, if any."""
    if not log_file or not osp.isfile(log_file):
        return None
    with open(log_file) as f:
        lines = [line.strip() for line in f if line.startswith('NonFiniteLossError')]
    return lines[-1] if lines else None


def train(config: str, work_dir: str, options: Sequence[str] = (),
          log_file: Optional[str] = None, threads: Optional[int] = None) -> str:
    """Train once: a finished run (``train.done``) is kept, a half-finished one
    continues with ``--resume``. Returns the last checkpoint.

    Raises:
        TrainingDiverged: the run stopped at a non-finite loss (remembered in
            ``train.diverged``, so the next call raises it again at once).
    """
    done = osp.join(work_dir, 'train.done')
    diverged = osp.join(work_dir, 'train.diverged')
    if osp.isfile(diverged):
        with open(diverged) as f:
            raise TrainingDiverged(f.read().strip())
    if not osp.isfile(done):
        os.makedirs(work_dir, exist_ok=True)
        cmd = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir]
        if last_checkpoint(work_dir):
            cmd.append('--resume')
        if options:
            cmd += ['--cfg-options', *options]
        try:
            run_tool(cmd, log_file, threads)
        except RuntimeError:
            message = non_finite_message(log_file)
            if message is None:
                raise
            with open(diverged, 'w') as f:
                f.write(message + '\n')
            raise TrainingDiverged(message) from None
        open(done, 'w').close()
    return last_checkpoint(work_dir)


def test(config: str, checkpoint: Optional[str], work_dir: str,
         options: Sequence[str] = (), log_file: Optional[str] = None,
         threads: Optional[int] = None,
         keys: Sequence[str] = SHOT_KEYS) -> Dict[str, float]:
    """Test split metrics (%) of ``ShotGroupAccuracy`` by key (default
    ``many|medium|few|all``; ``ece`` too where the evaluator reports it);
    cached in ``<work_dir>/test_metrics.json`` (tested again when the cache
    lacks a key), per class in ``per_class.json``."""
    out = osp.join(work_dir, 'test_metrics.json')
    if osp.isfile(out):
        with open(out) as f:
            cached = json.load(f)
        if any(f'shot/{k}' not in cached for k in keys):
            os.remove(out)  # written before the metric reported the key
    if not osp.isfile(out):
        os.makedirs(work_dir, exist_ok=True)
        cmd = [sys.executable, 'tools/test.py', config
               ] + ([checkpoint] if checkpoint else [])
        cmd += ['--work-dir', work_dir, '--out', out, '--out-item', 'metrics',
                '--cfg-options',
                f'test_evaluator.per_class_file={osp.join(work_dir, "per_class.json")}',
                *options]
        run_tool(cmd, log_file, threads)
    with open(out) as f:
        metrics = json.load(f)
    return {k: metrics[f'shot/{k}'] for k in keys}


def scalar_records(work_dir: str) -> List[dict]:
    """Every record of every run's mmengine ``vis_data/scalars.json`` under
    ``work_dir`` (runs in timestamp order, records in logged order)."""
    records = []
    for stamp in sorted(os.listdir(work_dir)):
        path = osp.join(work_dir, stamp, 'vis_data', 'scalars.json')
        if osp.isfile(path):
            with open(path) as f:
                records += [json.loads(line) for line in f]
    return records


def last_val_metrics(work_dir: str) -> Dict[str, float]:
    """The last validation record of the newest log under ``work_dir``."""
    found = {}
    for record in scalar_records(work_dir):
        if 'shot/all' in record:
            found = {k: record[f'shot/{k}'] for k in SHOT_KEYS if f'shot/{k}' in record}
    return found


__all__: List[str] = ['SHOT_KEYS', 'git_commit', 'log', 'run_tool', 'last_checkpoint',
                      'train', 'test', 'scalar_records', 'last_val_metrics',
                      'seed_options', 'mean_and_std', 'summarise', 'stat_cell']
