"""Patches that the pinned upstream versions need (README, Environment).

* torch >= 2.6 loads checkpoints with ``weights_only=True``. mmengine 0.10.7
  stores ``HistoryBuffer`` objects and numpy arrays and scalars in its
  checkpoints, so ``tools/test.py``, ``--resume`` and ``load_from`` fail.
  Instead of switching safe loading off we allow-list exactly those globals
  and route mmengine's local-file loader through ``torch.load(...,
  weights_only=True)``. A checkpoint that carries any other pickled global is
  refused with :class:`UnsafeCheckpointError`, naming the file and the global.
* ``persistent_workers=True`` with ``num_workers=0`` is an error in torch's
  ``DataLoader``; :func:`fix_dataloader_workers` turns it off for such loaders.
* Checkpoints are written to a temporary file and renamed (:func:`atomic_write`),
  and a run never replaces the config dump an earlier run left in its work
  directory.
* mmengine's PyTorch launcher calls ``torch.cuda.set_device`` unconditionally,
  so ``tools/dist_train.sh`` cannot run on CPU; without CUDA the process group
  is started with ``gloo`` instead (the DDP wrapper then gets
  ``device_ids=None``, see :func:`cckd_plugin.engine.prepare_cfg`).

Importing :mod:`cckd_plugin` applies the patches once.
"""
import os
import os.path as osp
import pickle
import re
from typing import Callable, List, Optional, Union

import numpy as np
import torch
import mmengine.dist.utils as mmengine_dist_utils
from mmengine.fileio.backends import LocalBackend
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner
from mmengine.runner.checkpoint import CheckpointLoader


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint holds a pickled object outside the allow-list."""


def _numpy_globals() -> List[object]:
    """numpy objects that appear in mmengine checkpoints (arrays, scalars, dtypes)."""
    core = getattr(np, '_core', None) or np.core
    found = [np.ndarray, np.dtype, core.multiarray._reconstruct, core.multiarray.scalar]
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        found += [getattr(dtypes, name) for name in dir(dtypes) if name.endswith('DType')]
    return found


def _history_buffer_statistic(owner: object, name: str) -> Callable:
    """Stand-in for ``getattr`` while unpickling.

    mmengine pickles ``HistoryBuffer._statistics_methods`` as
    ``getattr(HistoryBuffer, 'mean')`` and so on; a general ``getattr`` would let
    a checkpoint reach any attribute of any allowed object, so only these
    look-ups are served.
    """
    if owner is HistoryBuffer and name in _HISTORY_BUFFER_STATISTICS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'Unsupported global: GLOBAL getattr({getattr(owner, "__name__", owner)}, '
        f'{name!r})')


_HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')
SAFE_GLOBALS: List[object] = [
    HistoryBuffer, *_numpy_globals(), (_history_buffer_statistic, 'builtins.getattr')
]
_UNSUPPORTED_GLOBAL = re.compile(r'Unsupported global: GLOBAL (\S+(?: \S+)?\))|'
                                 r'(?:Unsupported global: GLOBAL|GLOBAL) ([\w\.]+)')


def safe_torch_load(filename: str,
                    map_location: Optional[Union[str, Callable]] = None) -> dict:
    """``torch.load`` with safe loading on and the mmengine allow-list.

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        UnsafeCheckpointError: the file holds a global outside the allow-list.
    """
    filename = osp.expanduser(str(filename))
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint file not found: {filename}')
    try:
        with torch.serialization.safe_globals(SAFE_GLOBALS):
            return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        match = _UNSUPPORTED_GLOBAL.search(str(err))
        what = (match.group(1) or match.group(2)) if match else \
            str(err).strip().splitlines()[0]
        raise UnsafeCheckpointError(
            f'refusing to load checkpoint {filename}: it carries the pickled '
            f'global {what!r}, which safe loading does not allow') from None


def _load_from_local(filename: str, map_location=None) -> dict:
    return safe_torch_load(filename, map_location=map_location)


def fix_dataloader_workers(dataloader_cfg: Optional[dict]) -> None:
    """Turn ``persistent_workers`` off in a dataloader config with no workers."""
    if isinstance(dataloader_cfg, dict) and dataloader_cfg.get('num_workers', 0) == 0:
        if dataloader_cfg.get('persistent_workers', False):
            dataloader_cfg['persistent_workers'] = False


_init_dist_pytorch = mmengine_dist_utils._init_dist_pytorch


def _init_dist_pytorch_cpu_aware(backend: str, init_backend: str = 'torch', **kwargs):
    """mmengine's PyTorch launcher, with a CPU (gloo) path when CUDA is absent."""
    if torch.cuda.is_available() or init_backend != 'torch':
        return _init_dist_pytorch(backend, init_backend=init_backend, **kwargs)
    torch.distributed.init_process_group(backend='gloo', **kwargs)


def atomic_write(data: bytes, path: str) -> None:
    """Write ``data`` to ``path`` so that a reader (or a process killed half-way)
    sees the old file or the new one, never a part: write a temporary file in
    the same folder, flush it to disk, then rename it over ``path``."""
    path = str(path)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp{os.getpid()}'
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def _atomic_put(self, obj: bytes, filepath) -> None:
    atomic_write(obj, filepath)


_dump_config = Runner.dump_config


def _dump_config_keeping_earlier(self) -> None:
    """mmengine writes ``<work_dir>/<config name>.py`` at every start, so a run
    that fails on bad input replaced the dump of the run before it. Here the
    work-dir copy is written only when absent; every run's exact config is
    still in its own ``<timestamp>/vis_data/config.py``."""
    if self.cfg.filename is not None and osp.isfile(
            osp.join(self.work_dir, osp.basename(self.cfg.filename))):
        return
    _dump_config(self)


def apply_patches() -> None:
    """Install the safe checkpoint loader, atomic local writes for checkpoints
    (mmengine's ``LocalBackend.put``) and the CPU-aware launcher (idempotent)."""
    CheckpointLoader.register_scheme(prefixes='', loader=_load_from_local, force=True)
    LocalBackend.put = _atomic_put
    Runner.dump_config = _dump_config_keeping_earlier
    mmengine_dist_utils._init_dist_pytorch = _init_dist_pytorch_cpu_aware


apply_patches()
