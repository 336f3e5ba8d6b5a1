"""The one atomic-write helper: checkpoints, ``last_checkpoint``, class-weight
files, per-class results and exported weights appear whole or not at all."""
import os
import os.path as osp
from typing import Union


def atomic_write(data: Union[bytes, str], path: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder,
    flushed to disk (``fsync``) and renamed over ``path``: a reader, or a process
    killed half-way, sees the old file or the new one, never a part."""
    path = str(path)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp{os.getpid()}'
    try:
        with open(tmp, 'wb') as f:
            f.write(data.encode() if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
