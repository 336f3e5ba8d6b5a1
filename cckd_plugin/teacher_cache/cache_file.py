"""The teacher replay cache: a frozen teacher's outputs on every view of a run,
written once (``tools/cache_teacher.py``) and read by any student of the same
views (``model.teacher_cache``; docs/teacher_cache.md).

A cache is a folder:

* ``key.json``: what the views depend on (the ``key``: teacher config and
  checkpoint hashes, data list, pipeline, sampler, seeds, batch size, world
  size, epochs, mixing) and the ``layout`` (rows, storage types);
* per rank ``r``, memory-mapped ``.npy`` files of ``rows`` entries each:
  ``rank{r}_logits.npy`` ``(rows, K)`` fp32 / fp16,
  ``rank{r}_features.npy`` ``(rows, D)`` fp32 / fp16 / int8 (int8 with a
  per-row scale ``rank{r}_feature_scales.npy``), and two guards per row,
  ``rank{r}_labels.npy`` (the image's label; a mixed image's partner label)
  and ``rank{r}_pixel_sums.npy`` (the sum of its raw pixels, float64);
* ``rank{r}.json``: the epochs written so far (an epoch is listed only once all
  its rows are on disk).

Rows of epoch ``e``, step ``s`` (``b`` samples): ``start = e * rows_per_epoch
+ s * batch_size * views``; the teacher's batch as the distiller builds it, the
``b`` real images, then (``views == 2``) their ``b`` mixed images.
"""
import json
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from ..fileio import atomic_write

LOGIT_STORAGE = ('fp32', 'fp16')
FEATURE_STORAGE = ('fp32', 'fp16', 'int8', 'none')
_NUMPY = dict(fp32=np.float32, fp16=np.float16, int8=np.int8)
# pixel sums of one image as the writer and the reader compute them may differ
# in the last bits only across devices; a different image differs by far more
PIXEL_SUM_RTOL = 1e-5


def row_bytes(num_classes: int, feature_dim: Optional[int], logits: str,
              features: str) -> int:
    """Bytes one cached row takes: logits, features (+ int8 scale), guards."""
    size = num_classes * np.dtype(_NUMPY[logits]).itemsize + 4 + 8
    if features != 'none' and feature_dim:
        size += feature_dim * np.dtype(_NUMPY[features]).itemsize
        size += 4 if features == 'int8' else 0
    return size


def key_difference(cached: Dict[str, Any], expected: Dict[str, Any]) -> Optional[str]:
    """``None`` if the keys agree, else what differs, for one line."""
    names = [k for k in sorted(set(cached) | set(expected))
             if cached.get(k) != expected.get(k)]
    if not names:
        return None
    shown = lambda v: v if not isinstance(v, str) or len(v) < 40 \
        else v[:12] + '...'  # noqa: E731  (hashes)
    return '; '.join(f'{k}: {shown(cached.get(k))!s} in the cache, '
                     f'{shown(expected.get(k))!s} here' for k in names)


def epoch_ranges(epochs) -> str:
    """``[0, 1, 2, 5]`` -> ``'0-2, 5'``."""
    parts, epochs = [], sorted(epochs)
    for e in epochs:
        if parts and e == parts[-1][1] + 1:
            parts[-1][1] = e
        else:
            parts.append([e, e])
    return ', '.join(f'{a}-{b}' if a != b else f'{a}' for a, b in parts)


class TeacherCacheError(ValueError):
    """A cache that does not fit the run (one line)."""


class TeacherCache:
    """One rank's view of a cache folder, for reading or writing.

    Args:
        path: the cache folder.
        rank: this process's rank (its own row files).
        writable: open the row files for writing (:meth:`create` returns the
            cache opened so).
    """

    def __init__(self, path: str, rank: int = 0, writable: bool = False):
        meta = osp.join(path, 'key.json')
        if not osp.isfile(meta):
            raise TeacherCacheError(f'model.teacher_cache={path!r}: no teacher cache '
                                    f'there (no key.json; write one with '
                                    f'tools/cache_teacher.py)')
        with open(meta) as f:
            stored = json.load(f)
        self.path, self.rank = path, rank
        self.key: Dict[str, Any] = stored['key']
        self.layout: Dict[str, Any] = stored['layout']
        mode = 'r+' if writable else 'r'
        self._files = {name: np.load(_row_file(path, rank, name), mmap_mode=mode)
                       for name in self._names(self.layout)}
        self.epochs: List[int] = self._read_epochs()

    # -- creation --------------------------------------------------------------
    @classmethod
    def create(cls, path: str, key: Dict[str, Any], layout: Dict[str, Any],
               rank: int = 0) -> 'TeacherCache':
        """A new cache folder for ``key`` (rank 0 writes ``key.json``), or the
        existing one when it was written for the same key and layout (its
        epochs already written are kept); another key is refused."""
        meta = osp.join(path, 'key.json')
        if osp.isfile(meta):
            with open(meta) as f:
                stored = json.load(f)
            diff = key_difference(stored['key'], key) or key_difference(
                stored['layout'], layout)
            if diff:
                raise TeacherCacheError(
                    f'{path} holds a teacher cache of another run ({diff}); '
                    f'choose another --out or delete it')
        elif rank == 0:
            os.makedirs(path, exist_ok=True)
            atomic_write(json.dumps(dict(key=key, layout=layout), indent=1,
                                    sort_keys=True), meta)
        os.makedirs(path, exist_ok=True)
        rows = layout['rows_per_epoch'] * layout['epochs']
        shapes = dict(logits=(rows, layout['num_classes']), labels=(rows, ),
                      pixel_sums=(rows, ), features=(rows, layout['feature_dim'] or 0),
                      feature_scales=(rows, ))
        dtypes = dict(logits=_NUMPY[layout['logits']], labels=np.int32,
                      pixel_sums=np.float64, feature_scales=np.float32,
                      features=_NUMPY.get(layout['features']))
        for name in cls._names(layout):
            file = _row_file(path, rank, name)
            if not osp.isfile(file):  # sparse until written
                np.lib.format.open_memmap(file, mode='w+', dtype=dtypes[name],
                                          shape=shapes[name]).flush()
        return cls(path, rank, writable=True)

    @staticmethod
    def _names(layout: Dict[str, Any]) -> List[str]:
        names = ['logits', 'labels', 'pixel_sums']
        if layout['features'] != 'none':
            names.append('features')
        if layout['features'] == 'int8':
            names.append('feature_scales')
        return names

    def _read_epochs(self) -> List[int]:
        file = osp.join(self.path, f'rank{self.rank}.json')
        if not osp.isfile(file):
            return []
        with open(file) as f:
            return sorted(json.load(f)['epochs'])

    # -- rows ------------------------------------------------------------------
    @property
    def has_features(self) -> bool:
        return self.layout['features'] != 'none'

    @property
    def views(self) -> int:
        """1: the real images only; 2: the real and the mixed ones."""
        return int(self.layout['views'])

    def _rows(self, epoch: int, step: int, samples: int) -> Tuple[int, int]:
        layout = self.layout
        if samples > layout['batch_size'] or step >= layout['steps_per_epoch']:
            raise TeacherCacheError(
                f'teacher cache {self.path}: step {step} of epoch {epoch} with '
                f'{samples} samples is not in it ({layout["steps_per_epoch"]} steps '
                f'of at most {layout["batch_size"]} per epoch)')
        start = epoch * layout['rows_per_epoch'] + step * layout['batch_size'] * \
            self.views
        return start, samples * self.views

    def write(self, epoch: int, step: int, logits: torch.Tensor,
              features: Optional[torch.Tensor], labels: torch.Tensor,
              pixels: torch.Tensor) -> None:
        """Store the teacher's outputs on one step's batch (``views * b`` rows:
        logits ``(R, K)``, features ``(R, D)``, the images' labels ``(R,)`` and
        raw pixels ``(R, C, H, W)``)."""
        start, rows = self._rows(epoch, step, logits.size(0) // self.views)
        if rows != logits.size(0):
            raise TeacherCacheError(f'teacher cache {self.path}: {logits.size(0)} '
                                    f'rows for a batch of {self.views} views')
        span = slice(start, start + rows)
        files = self._files
        files['logits'][span] = logits.float().cpu().numpy()
        files['labels'][span] = labels.cpu().numpy()
        files['pixel_sums'][span] = pixel_sums(pixels)
        if self.has_features:
            feats = features.float().cpu()
            if self.layout['features'] == 'int8':
                scale = feats.abs().amax(1).clamp_min(1e-12) / 127.0
                files['feature_scales'][span] = scale.numpy()
                feats = torch.round(feats / scale[:, None]).clamp(-127, 127)
            files['features'][span] = feats.numpy()

    def finish_epoch(self, epoch: int) -> None:
        """Flush the row files, then list ``epoch`` as written (atomically)."""
        for array in self._files.values():
            array.flush()
        self.epochs = sorted(set(self.epochs) | {int(epoch)})
        atomic_write(json.dumps(dict(epochs=self.epochs)),
                     osp.join(self.path, f'rank{self.rank}.json'))

    def read(self, epoch: int, step: int, samples: int, labels: torch.Tensor,
             pixels: torch.Tensor) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """The cached teacher ``(logits (R, K), features (R, D) or None)``, fp32,
        for one step's teacher batch of ``samples`` samples: ``R = b`` real
        images, or ``2b`` real and mixed ones (``views == 2`` only), with their
        labels ``(R,)`` and raw pixels ``(R, C, H, W)``. Each row's label and
        pixel sum must equal those of the image it is read for, or the cache is
        refused."""
        rows = pixels.size(0)
        wanted_views = rows // samples
        if wanted_views > self.views:
            raise TeacherCacheError(
                f'model.teacher_cache={self.path!r} holds the real images only; '
                f'this objective also needs the mixed ones (write the cache from '
                f'a config whose training set is a ClassBalancedPairDataset)')
        start, _ = self._rows(epoch, step, samples)
        span = slice(start, start + rows)
        files = self._files
        stored_labels = np.asarray(files['labels'][span])
        sums = np.asarray(files['pixel_sums'][span])
        here = pixel_sums(pixels)
        bad = np.flatnonzero((stored_labels != labels.cpu().numpy()) | ~np.isclose(
            sums, here, rtol=PIXEL_SUM_RTOL, atol=1e-3))
        if bad.size:
            row = int(bad[0])
            raise TeacherCacheError(
                f'model.teacher_cache={self.path!r}: epoch {epoch} step {step} row '
                f'{row} was cached for another image (label {stored_labels[row]}, '
                f'pixel sum {sums[row]:.6g}; here {int(labels[row])}, '
                f'{here[row]:.6g}): the run draws other views than the cache')
        device = pixels.device
        logits = torch.from_numpy(np.array(files['logits'][span], dtype=np.float32))
        feats = None
        if self.has_features:
            feats = torch.from_numpy(np.array(files['features'][span],
                                              dtype=np.float32))
            if self.layout['features'] == 'int8':
                scale = torch.from_numpy(np.array(files['feature_scales'][span]))
                feats = feats * scale[:, None]
        return logits.to(device), None if feats is None else feats.to(device)


def _row_file(path: str, rank: int, name: str) -> str:
    return osp.join(path, f'rank{rank}_{name}.npy')


def pixel_sums(pixels: torch.Tensor) -> np.ndarray:
    """Per image, the sum of its raw pixels ``(B, ...) -> (B,)`` in float64."""
    return pixels.detach().flatten(1).double().sum(1).cpu().numpy()
