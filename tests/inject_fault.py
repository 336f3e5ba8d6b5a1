"""Faults injected into a tool run by ``run_with_fault.py`` (tests only), chosen by
environment variables:

* ``FAULT_KILL_IN=module:attribute`` (``Class.method`` or a module function) and
  ``FAULT_KILL_AT`` (default 1): SIGKILL the process on that call, as a crash
  or an out-of-memory kill would;
* ``FAULT_ENOSPC=<name part>``: flushing a file whose path contains it raises
  ``OSError(ENOSPC)``, as a full disk does;
* ``FAULT_KILL_WHILE_WRITING=<name part>``: flushing such a file cuts it to half
  and SIGKILLs the process, as a crash in mid-write would;
* ``FAULT_REMOVE_AFTER_PREFLIGHT=<path>`` / ``FAULT_TRUNCATE_AFTER_PREFLIGHT=
  <path>``: delete the file, or cut it to half, once the tool's preflight
  (``check_inputs``) has passed, as a data set that changes under a run would.
"""
import errno
import importlib
import os
import signal

_fsync = os.fsync


def _fsync_or_full(fd: int) -> None:
    path = os.readlink(f'/proc/self/fd/{fd}')
    target = os.environ.get('FAULT_ENOSPC')
    if target and target in path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    target = os.environ.get('FAULT_KILL_WHILE_WRITING')
    if target and target in path:
        os.ftruncate(fd, os.fstat(fd).st_size // 2)
        os.kill(os.getpid(), signal.SIGKILL)
    _fsync(fd)


def _kill_on_call(owner, name: str, at: int) -> None:
    original = getattr(owner, name)
    calls = []

    def killing(*args, **kwargs):
        calls.append(1)
        if len(calls) == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(owner, name, killing)


def install() -> None:
    os.fsync = _fsync_or_full
    target = os.environ.get('FAULT_KILL_IN')
    if target:
        module, attribute = target.split(':')
        owner = importlib.import_module(module)
        *path, name = attribute.split('.')
        for part in path:
            owner = getattr(owner, part)
        _kill_on_call(owner, name, int(os.environ.get('FAULT_KILL_AT', '1')))
    remove = os.environ.get('FAULT_REMOVE_AFTER_PREFLIGHT')
    truncate = os.environ.get('FAULT_TRUNCATE_AFTER_PREFLIGHT')
    if remove or truncate:
        import cckd_plugin.engine as engine
        check = engine.check_inputs

        def check_then_change(*args, **kwargs):
            check(*args, **kwargs)
            if remove:
                os.remove(remove)
            else:
                os.truncate(truncate, os.path.getsize(truncate) // 2)

        engine.check_inputs = check_then_change


install()
