"""Imported into a training subprocess (custom_imports): when the checkpoint
whose name contains $KILL_WHILE_SAVING is being flushed to disk, cut the file
to half its size and SIGKILL the process, as a crash in mid-write would."""
import os
import signal

_fsync = os.fsync


def _fsync_or_die(fd: int) -> None:
    target = os.environ.get('KILL_WHILE_SAVING')
    if target and target in os.readlink(f'/proc/self/fd/{fd}'):
        os.ftruncate(fd, os.fstat(fd).st_size // 2)
        os.kill(os.getpid(), signal.SIGKILL)
    _fsync(fd)


os.fsync = _fsync_or_die
