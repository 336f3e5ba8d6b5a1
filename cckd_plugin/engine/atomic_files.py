"""Files that appear whole or not at all: checkpoints, ``last_checkpoint``,
class-weight files and per-class results.

A process killed half-way through a write leaves the previous file (or none),
never a truncated one, so ``--resume`` and the cached head files stay usable.
"""
import contextlib
import io

import mmengine.hooks.checkpoint_hook as checkpoint_hook_module
from mmengine.fileio import LocalBackend, register_backend
from mmengine.hooks import CheckpointHook
from mmpretrain.registry import HOOKS

from ..fileio import atomic_write

#: the file backend name to give a CheckpointHook (``backend_args``)
ATOMIC_BACKEND = 'atomic_local'


class AtomicLocalBackend(LocalBackend):
    """mmengine's local file backend whose ``put`` / ``put_text`` are atomic;
    registered as ``'atomic_local'`` for ``CheckpointHook(backend_args=...)``."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write(obj, filepath)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write(obj.encode(encoding), filepath)


register_backend(ATOMIC_BACKEND, AtomicLocalBackend, force=True)


class _AtomicTextFile(io.StringIO):
    """An ``open(path, 'w')`` stand-in whose content lands atomically on close."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def close(self) -> None:
        if not self.closed:
            atomic_write(self.getvalue(), self.path)
        super().close()


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` whose checkpoints and ``last_checkpoint``
    are written atomically (every argument is ``CheckpointHook``'s).

    Checkpoints go through the ``'atomic_local'`` file backend (the default
    ``backend_args`` for local folders). mmengine writes ``last_checkpoint``
    with a plain ``open`` inside ``_save_checkpoint``; for the duration of that
    call only, and only in mmengine's checkpoint-hook module, ``open`` with
    mode ``'w'`` writes through :func:`atomic_write` instead.
    """

    def __init__(self, *args, backend_args=None, **kwargs):
        out_dir = kwargs.get('out_dir')
        if backend_args is None and (out_dir is None or '://' not in str(out_dir)):
            backend_args = dict(backend=ATOMIC_BACKEND)
        super().__init__(*args, backend_args=backend_args, **kwargs)

    def _save_checkpoint(self, runner) -> None:
        def atomic_open(file, mode='r', *args, **kwargs):
            if mode == 'w':
                return _AtomicTextFile(file)
            return open(file, mode, *args, **kwargs)

        with _module_open(atomic_open):
            super()._save_checkpoint(runner)


@contextlib.contextmanager
def _module_open(replacement):
    """``open`` inside mmengine's checkpoint-hook module, for one call."""
    had = 'open' in vars(checkpoint_hook_module)
    previous = vars(checkpoint_hook_module).get('open')
    checkpoint_hook_module.open = replacement
    try:
        yield
    finally:
        if had:
            checkpoint_hook_module.open = previous
        else:
            del checkpoint_hook_module.open
