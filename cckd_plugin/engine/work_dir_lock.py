"""One training run per work directory at a time.

Two runs in one work directory interleave their logs and overwrite each
other's checkpoints while both exit 0. ``tools/train.py`` holds an exclusive
``flock`` on ``<work_dir>/.train.lock`` for the life of the process (rank 0 of a
distributed run); a second run is refused in one line. The kernel drops the
lock when the process ends, killed or not, so no stale lock is ever left.
"""
import fcntl
import os
import os.path as osp
from typing import IO, Optional

LOCK_NAME = '.train.lock'
_held: Optional[IO] = None  # kept open (and so locked) until the process ends


class WorkDirBusyError(RuntimeError):
    """Another training run holds the work directory."""


class WorkDirNotWritableError(PermissionError):
    """The work directory cannot be created or written to."""


def lock_work_dir(work_dir: str) -> None:
    """Take the work directory for this process (no-op on ranks other than 0,
    which share rank 0's run).

    Raises:
        WorkDirNotWritableError: one line naming the directory and why it
            cannot be written (before any model or data is built).
        WorkDirBusyError: one line naming the directory and the other run's pid.
    """
    global _held
    rank = os.environ.get('RANK', os.environ.get('SLURM_PROCID', '0'))
    if int(rank) != 0:
        return
    try:
        os.makedirs(work_dir, exist_ok=True)
        handle = open(osp.join(work_dir, LOCK_NAME), 'a+')
    except OSError as err:
        raise WorkDirNotWritableError(
            f'work_dir {work_dir} cannot be written ({err.strerror}: '
            f'{err.filename}): give --work-dir a folder this user can write to'
        ) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        other = handle.read().strip() or 'unknown'
        handle.close()
        raise WorkDirBusyError(
            f'{work_dir} is in use by another training run (pid {other}): wait for '
            f'it, stop it, or give this run another --work-dir') from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _held = handle


def release_work_dir() -> None:
    """Give the work directory back (the end of the process does it too)."""
    global _held
    if _held is not None:
        fcntl.flock(_held, fcntl.LOCK_UN)
        _held.close()
        _held = None
