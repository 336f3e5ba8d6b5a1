"""``python SCRIPT ARGS`` without paying the imports each time.

A tool run costs 5-8 s of imports (torch, mmengine, mmpretrain, open_clip, the
plugin) before its first line of work, and the end-to-end tests run the tools about
a hundred times. ``run`` sends each run to a server (one per pytest worker) that has
imported those packages once and forks a child per run. The child is set up as a
fresh ``python SCRIPT ARGS`` would be: its own process and process group, the
script's folder then ``PYTHONPATH`` then the interpreter's own paths on
``sys.path``, ``sys.argv``, the working directory, the environment, the
interpreter's default warning filters plus ``PYTHONWARNINGS``, stdout and stderr
to files (buffered as ``python`` buffers them, or not under
``PYTHONUNBUFFERED``), torch's and NumPy's global generators seeded from the OS,
and the exit status (or the killing signal, as a negative number) as
``subprocess`` reports it; ``test_preloaded_python.py`` compares each with a new
interpreter.

What it cannot give: the child shares the server's hash seed and the packages are
imported before the script runs. Tests of what a fresh interpreter does (the
plugin's import-time effects, a ``custom_imports`` that has to work in a new
process, two runs that must agree across hash seeds) run ``python`` itself
(``helpers.run_script(..., fresh=True)``).

``python tests/preloaded_python.py`` is the server: one JSON request per line on
stdin, one JSON reply per line on stdout.
"""
import io
import json
import os
import os.path as osp
import select
import signal
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional

#: imported by the server before it forks (what every tool imports first)
PRELOAD = ('torch', 'torchvision', 'numpy', 'mmengine.runner', 'mmpretrain.models',
           'mmpretrain.datasets', 'mmpretrain.evaluation', 'open_clip', 'cckd_plugin')
# what the server reads from its own environment; the child takes the caller's
_SERVER_UNSET = ('PYTHONPATH', 'PYTHONWARNINGS')


# -- the child ------------------------------------------------------------------------
def _exit_status(exc: SystemExit) -> int:
    """The status ``python`` exits with for an uncaught ``SystemExit``."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _reopen_std_streams(stdout: str, stderr: str, unbuffered: bool) -> None:
    """fds 0-2 as ``python`` would have them with stdout and stderr sent to files:
    stdout block-buffered, stderr line-buffered, both unbuffered under
    ``PYTHONUNBUFFERED``."""
    for fd, path in ((1, stdout), (2, stderr)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, 'r', closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, 'w', closefd=False),
                                  write_through=unbuffered)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, 'w', closefd=False),
                                  errors='backslashreplace', line_buffering=True,
                                  write_through=unbuffered)


def _run_child(request: dict, base_path: List[str], default_filters: list) -> None:
    """Set up the forked process as ``python SCRIPT ARGS`` and run it; never
    returns."""
    import runpy
    import threading
    import warnings

    os.setpgid(0, 0)
    code = 1
    try:
        _reopen_std_streams(request['stdout'], request['stderr'],
                            bool(request['env'].get('PYTHONUNBUFFERED')))
        os.chdir(request['cwd'])
        os.environ.clear()
        os.environ.update(request['env'])
        script = osp.abspath(request['script'])
        extra = [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]
        sys.path[:] = [osp.dirname(script)] + extra + base_path
        sys.argv = [request['script'], *request['args']]
        warnings.filters[:] = default_filters
        options = os.environ.get('PYTHONWARNINGS')
        if options:
            warnings._processoptions(options.split(','))
        warnings._filters_mutated()
        import numpy as np
        import torch

        # a new process seeds torch's and NumPy's global generators from the OS
        torch.manual_seed(int.from_bytes(os.urandom(8), 'little') >> 1)
        np.random.seed(int.from_bytes(os.urandom(4), 'little'))
        try:
            runpy.run_path(script, run_name='__main__')
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc)
        except BaseException as exc:  # printed as the interpreter prints it
            tb = exc.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != script:
                tb = tb.tb_next  # from the script's own frame, as `python` shows
            sys.excepthook(type(exc), exc.with_traceback(tb), tb)
            code = 1
        threading._shutdown()
        import atexit
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


# -- the server -----------------------------------------------------------------------
def _wait(pid: int, timeout: Optional[float]) -> dict:
    """The child's returncode (negative: the signal that killed it), or
    ``timeout`` after killing its process group."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not ready:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    return dict(returncode=os.waitstatus_to_exitcode(status), timeout=not ready)


def serve() -> None:
    import warnings
    reply = os.fdopen(os.dup(1), 'w', buffering=1)
    os.dup2(2, 1)  # stray prints of the imports must not reach the replies
    base_path = sys.path[1:]
    default_filters = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        import importlib
        for name in PRELOAD:
            importlib.import_module(name)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            reply.close()
            _run_child(request, base_path, default_filters)
        reply.write(json.dumps(_wait(pid, request['timeout'])) + '\n')


# -- the client -----------------------------------------------------------------------
_server: Optional[subprocess.Popen] = None
# the server's own stderr (its import-time warnings; a traceback if it dies)
_server_log = osp.join(tempfile.gettempdir(), f'preloaded-python-{os.getpid()}.log')


def _server_process() -> subprocess.Popen:
    global _server
    if _server is None or _server.poll() is not None:
        env = {k: v for k, v in os.environ.items() if k not in _SERVER_UNSET}
        with open(_server_log, 'w') as log:
            _server = subprocess.Popen([sys.executable, osp.abspath(__file__)],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=log, env=env, text=True, bufsize=1)
    return _server


def run(script: str, args: List[str], cwd: str, env: Dict[str, str],
        timeout: Optional[float] = None) -> subprocess.CompletedProcess:
    """``python SCRIPT ARGS`` from ``cwd`` with exactly the environment ``env``, as
    ``subprocess.run(..., capture_output=True, text=True, timeout=timeout)``
    reports it."""
    cmd = [sys.executable, script, *args]
    with tempfile.TemporaryDirectory(prefix='preloaded-') as tmp:
        request = dict(script=script, args=list(args), cwd=cwd, env=dict(env),
                       timeout=timeout, stdout=osp.join(tmp, 'stdout'),
                       stderr=osp.join(tmp, 'stderr'))
        server = _server_process()
        server.stdin.write(json.dumps(request) + '\n')
        server.stdin.flush()
        answer = server.stdout.readline()
        if not answer:
            with open(_server_log) as log:
                tail = log.read()[-2000:]
            raise RuntimeError(f'the preloaded-python server died (exit '
                               f'{server.wait()}) running {script}:\n{tail}')
        answer = json.loads(answer)
        out, err = (open(request[name], errors='replace').read()
                    if osp.exists(request[name]) else ''
                    for name in ('stdout', 'stderr'))
    if answer['timeout']:
        raise subprocess.TimeoutExpired(cmd, timeout, out, err)
    return subprocess.CompletedProcess(cmd, answer['returncode'], out, err)


if __name__ == '__main__':
    serve()
