"""One training run per work directory: a second run is refused in one line
while the first holds it, and a killed run leaves no stale lock."""
import os
import signal
import subprocess
import sys
import time

import pytest
from helpers import ROOT, data_options, run_tool

from cckd_plugin.engine.work_dir_lock import (LOCK_NAME, WorkDirBusyError,
                                              lock_work_dir, release_work_dir)

CONFIG = 'configs/baselines/la_resnet8_fashion-mnist-lt.py'
HOLD = ('import sys, time; sys.path.insert(0, {root!r}); '
        'from cckd_plugin.engine.work_dir_lock import lock_work_dir; '
        'lock_work_dir({work!r}); print("held", flush=True); time.sleep(60)')


def holder(work_dir: str) -> subprocess.Popen:
    """Another process that holds ``work_dir`` (as a running training would)."""
    process = subprocess.Popen(
        [sys.executable, '-c', HOLD.format(root=ROOT, work=work_dir)],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ, RANK='0'))
    assert process.stdout.readline().strip() == 'held'
    return process


def test_a_held_work_dir_is_refused_and_a_killed_holder_leaves_no_lock(tmp_path,
                                                                       monkeypatch):
    monkeypatch.delenv('RANK', raising=False)
    work = str(tmp_path / 'work')
    process = holder(work)
    try:
        with pytest.raises(WorkDirBusyError,
                           match=rf'^{work} is in use by another training run '
                           rf'\(pid {process.pid}\)'):
            lock_work_dir(work)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    lock_work_dir(work)  # the kernel dropped the killed run's lock
    release_work_dir()
    assert os.path.isfile(os.path.join(work, LOCK_NAME))


def test_other_ranks_share_rank_0s_run(tmp_path, monkeypatch):
    work = str(tmp_path / 'work')
    process = holder(work)
    try:
        monkeypatch.setenv('RANK', '1')
        lock_work_dir(work)  # no error: rank 1 is part of the run that holds it
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


@pytest.mark.e2e
def test_train_refuses_a_second_run_in_the_same_work_dir(repo_root, fmnist_root,
                                                         tmp_path):
    work = str(tmp_path / 'work')
    process = holder(work)
    try:
        start = time.time()
        result = run_tool(repo_root, 'train.py', CONFIG, '--work-dir', work,
                          '--cfg-options', *data_options(fmnist_root))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f'WorkDirBusyError: {work} is in use by another training '
                           f'run (pid {process.pid})'), last
    assert 'Epoch(train)' not in result.stdout + result.stderr
    assert sorted(os.listdir(work)) == [LOCK_NAME]  # nothing of its own written
    assert time.time() - start < 120
