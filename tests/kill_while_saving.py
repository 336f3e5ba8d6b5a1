"""Imported into a training subprocess (custom_imports): when the file whose
name contains $KILL_WHILE_SAVING is being flushed to disk for the
$KILL_AT_WRITE-th time (default: the first), cut the file to half its size and
SIGKILL the process, as a crash in mid-write would."""
import os
import signal

_fsync = os.fsync
_writes = []


def _fsync_or_die(fd: int) -> None:
    target = os.environ.get('KILL_WHILE_SAVING')
    if target and target in os.readlink(f'/proc/self/fd/{fd}'):
        _writes.append(fd)
        if len(_writes) == int(os.environ.get('KILL_AT_WRITE', '1')):
            os.ftruncate(fd, os.fstat(fd).st_size // 2)
            os.kill(os.getpid(), signal.SIGKILL)
    _fsync(fd)


os.fsync = _fsync_or_die
