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
* mmpretrain 1.2's ``LoRAModel`` drops every non-LoRA weight of the model
  that holds it from checkpoints; nothing here changes it: the plugin registers
  ``ScopedLoRAModel`` (``models/peft/scoped_lora_model.py``) and a distiller
  refuses a plain ``LoRAModel``.
* mmpretrain 1.2 imports its multimodal models (BLIP, ...) whenever
  ``pycocotools`` and ``transformers>=4.28`` are installed, and their code
  needs names that transformers 5 (which ``peft`` brings) removed, so
  ``import mmpretrain.models`` fails (``TypeError: NoneType takes no
  arguments``). :func:`skip_unimportable_multimodal_models` imports
  ``mmpretrain.models`` with those models left as mmpretrain's own
  placeholders (they raise "requires extra multi-modal dependencies" if built).

Importing :mod:`cckd_plugin` registers the safe loader once (a scheme of
mmengine's ``CheckpointLoader``, its own extension point). Atomic checkpoint
writes, the kept config dump and CPU distributed runs go through mmengine's
extension points instead (``cckd_plugin.engine``: a file backend and a
checkpoint hook, a ``runner_type``, an explicit call in the tools).
"""
import importlib.metadata
import os.path as osp
import pickle
import re
import sys
import zipfile
from typing import Callable, List, Optional, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

#: torch.load's errors for a file cut short or overwritten
_TRUNCATED = re.compile(r'PytorchStreamReader|zip archive|unexpected EOF|'
                        r'file in archive is not in a subdirectory|invalid header')


class CorruptCheckpointError(ValueError):
    """A checkpoint or weights file that is cut short or overwritten."""


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint holds a pickled object outside the allow-list."""


def _numpy_globals() -> List[object]:
    """numpy objects that appear in mmengine checkpoints (arrays, scalars, dtypes)."""
    core = getattr(np, '_core', None) or np.core
    found = [np.ndarray, np.dtype, core.multiarray._reconstruct, core.multiarray.scalar]
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        found += [
            getattr(dtypes, name) for name in dir(dtypes) if name.endswith('DType')
        ]
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


def _empty_bytes(*args) -> bytes:
    """Stand-in for ``bytes`` while unpickling.

    Pickle protocol 2 (``torch.save``'s) writes an empty ``bytes`` object, such
    as the data of an empty numpy array, as the call ``bytes()``; other bytes
    objects need no global. A general ``bytes`` would let a checkpoint make
    ``bytes(n)`` of any size, so only the empty call is served.
    """
    if args:
        raise pickle.UnpicklingError('Unsupported global: GLOBAL builtins.bytes called '
                                     'with arguments')
    return b''


_HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')
SAFE_GLOBALS: List[object] = [
    HistoryBuffer, *_numpy_globals(), (_history_buffer_statistic, 'builtins.getattr'),
    (_empty_bytes, 'builtins.bytes')
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
        if match is None:
            raise CorruptCheckpointError(_corrupt(filename, err)) from None
        raise UnsafeCheckpointError(
            f'refusing to load checkpoint {filename}: it carries the pickled '
            f'global {match.group(1) or match.group(2)!r}, which safe loading does '
            f'not allow') from None
    except (EOFError, zipfile.BadZipFile) as err:
        raise CorruptCheckpointError(_corrupt(filename, err)) from None
    except RuntimeError as err:
        if not _TRUNCATED.search(str(err)):
            raise
        raise CorruptCheckpointError(_corrupt(filename, err)) from None


def _corrupt(filename: str, err: BaseException) -> str:
    first = (str(err).strip().splitlines() or [type(err).__name__])[0]
    first = first.split('. ')[0].rstrip('.')  # torch appends paragraphs of advice
    if isinstance(err, pickle.UnpicklingError):
        first = 'not a torch file'
    return (f'{filename} is not a whole torch file (truncated or corrupted: {first}); '
            f'delete it (head and class-weight files are rebuilt), or point to another '
            f'file')


def _load_from_local(filename: str, map_location=None) -> dict:
    return safe_torch_load(filename, map_location=map_location)


def fix_dataloader_workers(dataloader_cfg: Optional[dict]) -> None:
    """Turn ``persistent_workers`` off in a dataloader config with no workers."""
    if isinstance(dataloader_cfg, dict) and dataloader_cfg.get('num_workers', 0) == 0:
        if dataloader_cfg.get('persistent_workers', False):
            dataloader_cfg['persistent_workers'] = False


def skip_unimportable_multimodal_models() -> None:
    """Import ``mmpretrain.models`` without its multimodal models where
    transformers >= 5 would make that import fail (module docstring); a no-op
    when ``mmpretrain.models`` is already imported or would import as it is."""
    from mmpretrain.utils import dependency
    if 'mmpretrain.models' in sys.modules or not dependency.WITH_MULTIMODAL:
        return
    try:
        major = int(importlib.metadata.version('transformers').split('.')[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return
    if major < 5:
        return
    dependency.WITH_MULTIMODAL = False
    try:
        import mmpretrain.models  # noqa: F401
    finally:
        dependency.WITH_MULTIMODAL = True


def apply_patches() -> None:
    """Register the safe checkpoint loader for local files with mmengine's
    ``CheckpointLoader`` (its extension point; idempotent) and make
    ``mmpretrain.models`` importable."""
    CheckpointLoader.register_scheme(prefixes='', loader=_load_from_local, force=True)
    skip_unimportable_multimodal_models()


apply_patches()
