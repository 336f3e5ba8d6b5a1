"""The preloaded server runs a script as a new ``python SCRIPT ARGS`` would: the
same argv, working directory, environment, ``sys.path`` head, warnings, output,
exit status and signal, checked against a new interpreter running the same
probe."""
import os
import os.path as osp
import subprocess
import sys

import preloaded_python
import pytest

PROBE = '''
import os, sys, warnings
print('argv', sys.argv)
print('cwd', os.getcwd())
print('file', __file__, __name__)
print('path', sys.path[:2])
print('env', os.environ.get('PROBE'), os.environ.get('PYTHONWARNINGS'))
warnings.warn('a user warning')
sys.stderr.write('to stderr\\n')
how = sys.argv[1]
if how == 'random':
    import numpy, torch
    print('random', numpy.random.rand(), torch.rand(1).item())
if how == 'kill':
    os.kill(os.getpid(), 9)
elif how == 'raise':
    raise ValueError('boom')
elif how == 'message':
    sys.exit('stopped: one line')
elif how == 'code':
    sys.exit(3)
'''


def both(tmp_path, how, unset=(), **extra):
    """The probe run fresh and through the server, with ``extra`` added to the
    environment and ``unset`` taken from it."""
    script = tmp_path / 'probe.py'
    script.write_text(PROBE)
    (tmp_path / 'cwd').mkdir(exist_ok=True)
    env = dict(os.environ, PROBE='set', PYTHONPATH=str(tmp_path / 'extra'), **extra)
    for name in (*unset, *(() if 'PYTHONWARNINGS' in extra else ('PYTHONWARNINGS',))):
        env.pop(name, None)
    fresh = subprocess.run([sys.executable, str(script), how], cwd=tmp_path / 'cwd',
                           env=env, capture_output=True, text=True, timeout=120)
    forked = preloaded_python.run(str(script), [how], str(tmp_path / 'cwd'), env, 120)
    return fresh, forked


EXIT = {'ok': 0, 'raise': 1, 'message': 1, 'code': 3, 'kill': -9}


@pytest.mark.parametrize('how', ['ok', 'raise', 'message', 'code', 'kill'])
def test_a_forked_run_is_a_fresh_run(tmp_path, how):
    fresh, forked = both(tmp_path, how)
    assert forked.returncode == fresh.returncode
    assert forked.returncode == EXIT[how]
    assert forked.stdout == fresh.stdout
    assert forked.stderr == fresh.stderr


def test_warnings_follow_the_callers_pythonwarnings(tmp_path):
    fresh, forked = both(tmp_path, 'ok', PYTHONWARNINGS='ignore')
    assert 'a user warning' not in forked.stderr
    assert forked.stderr == fresh.stderr == 'to stderr\n'


@pytest.mark.parametrize('how', ['ok', 'kill'])
def test_output_is_buffered_as_python_buffers_it(tmp_path, how):
    """Without PYTHONUNBUFFERED stdout is block-buffered: a killed run loses what it
    printed, as a new interpreter's does."""
    fresh, forked = both(tmp_path, how, unset=['PYTHONUNBUFFERED'])
    assert forked.stdout == fresh.stdout
    assert forked.stderr == fresh.stderr
    assert (forked.stdout == '') == (how == 'kill')


def test_each_child_draws_new_random_numbers(tmp_path):
    script = tmp_path / 'probe.py'
    script.write_text(PROBE)
    draws = {preloaded_python.run(str(script), ['random'], str(tmp_path),
                                  dict(os.environ), 120).stdout.splitlines()[-1]
             for _ in range(3)}
    assert len(draws) == 3


def test_a_run_past_its_timeout_is_killed(tmp_path):
    script = tmp_path / 'sleep.py'
    script.write_text('import time\nprint("started", flush=True)\ntime.sleep(60)\n')
    with pytest.raises(subprocess.TimeoutExpired):
        preloaded_python.run(str(script), [], str(tmp_path), dict(os.environ), 2)
    # the server is free again for the next run
    ok = tmp_path / 'ok.py'
    ok.write_text('print("next")\n')
    assert preloaded_python.run(str(ok), [], str(tmp_path), dict(os.environ),
                                60).stdout == 'next\n'


def test_the_paths_are_the_scripts_folder_then_pythonpath(tmp_path):
    fresh, forked = both(tmp_path, 'ok')
    line = [x for x in forked.stdout.splitlines() if x.startswith('path')][0]
    assert line == f"path {[str(tmp_path), osp.join(str(tmp_path), 'extra')]}"
