"""The one atomic-write helper: checkpoints, ``last_checkpoint``, class-weight
files, per-class results and exported weights appear whole or not at all."""
import os
import os.path as osp
from typing import Dict, Union


def atomic_write(data: Union[bytes, str], path: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder,
    flushed to disk (``fsync``) and renamed over ``path``: a reader, or a process
    killed half-way, sees the old file or the new one, never a part."""
    atomic_write_all({path: data})


def atomic_write_all(files: Dict[str, Union[bytes, str]]) -> None:
    """Write several files that belong together (exported weights and their
    config): every temporary file is written and flushed first, then all are
    renamed, so a full disk or a crash while writing leaves every old file as
    it was and no new one beside it."""
    temps = {}
    try:
        for path, data in files.items():
            path = str(path)
            os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
            tmp = temps[path] = f'{path}.tmp{os.getpid()}'
            with open(tmp, 'wb') as f:
                f.write(data.encode() if isinstance(data, str) else data)
                f.flush()
                os.fsync(f.fileno())
        for path, tmp in temps.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps.values():
            if osp.exists(tmp):
                os.remove(tmp)
        raise
