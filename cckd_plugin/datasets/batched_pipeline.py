"""Whole batches of in-memory images through a batched form of the config's pipeline.

For datasets whose images already sit in memory (Fashion-MNIST, CIFAR), the
per-sample work of an MMPretrain pipeline (a dict per image, padding,
cropping, flipping and packing one small array at a time) costs more than the
student's training step. A loader's fetch of ``B`` indices instead runs the
same pipeline as array operations on the ``B`` images at once
(``__getitems__``, which PyTorch's data loader calls when a dataset has it):

* ``RandomCrop`` with constant padding: one padded batch, per-image offsets;
* ``RandomFlip``: a per-image mask;
* ``PackInputs``: a ``(C, H, W)`` uint8 tensor and a ``DataSample`` per image.

Any other transform (or option) makes the dataset fall back to the usual
per-sample pipeline, so a config stays an ordinary MMPretrain pipeline; its
views are then seeded per sample (``replayable_views.seeded_view``).

The random draws are a function of ``(seed, epoch, index, role)`` only: per
epoch, one table of crop offsets and flips for every index (``role`` tells a
sample from a class-balanced partner of it). A batch's draws therefore do not
depend on the batch it falls in, the process that loads it or what ran
before, so a resumed or distributed run draws what an uninterrupted one does.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmcv.transforms import RandomFlip
from mmpretrain.datasets.transforms import PackInputs, RandomCrop
from mmpretrain.structures import DataSample

from .replayable_views import ReplayableViewsMixin


class BatchedPipeline:
    """The batched equivalent of a pipeline of ``RandomCrop`` / ``RandomFlip`` /
    ``PackInputs``; build it with :meth:`compile`, which returns ``None`` for
    any other pipeline."""

    def __init__(self, crop: Optional[Tuple[int, int, int, float]],
                 flip: Optional[Tuple[float, str]]):
        self.crop = crop  # (crop_h, crop_w, padding, pad_val)
        self.flip = flip  # (prob, direction)

    @classmethod
    def compile(cls, transforms: Sequence) -> Optional['BatchedPipeline']:
        """From instantiated transforms (``dataset.pipeline.transforms``)."""
        crop = flip = None
        transforms = list(transforms)
        if not transforms or not isinstance(transforms[-1], PackInputs):
            return None
        pack = transforms[-1]
        if pack.input_key != 'img' or tuple(pack.algorithm_keys):
            return None
        for t in transforms[:-1]:
            if isinstance(t, RandomCrop) and crop is None and flip is None:
                padding = 0 if t.padding is None else t.padding
                if not isinstance(padding, int) or t.pad_if_needed or \
                        t.padding_mode != 'constant' or \
                        not isinstance(t.pad_val, (int, float)):
                    return None
                crop = (int(t.crop_size[0]), int(t.crop_size[1]), padding,
                        float(t.pad_val))
            elif isinstance(t, RandomFlip) and flip is None:
                prob, direction = t.prob, t.direction
                if not isinstance(prob, (int, float)) or \
                        direction not in ('horizontal', 'vertical'):
                    return None
                flip = (float(prob), direction)
            else:
                return None
        return cls(crop, flip)

    @property
    def random(self) -> bool:
        return self.crop is not None or self.flip is not None

    def draws(self, num_samples: int, image_hw: Tuple[int, int], seed: int, epoch: int,
              role: int) -> Dict[str, np.ndarray]:
        """The epoch's draws for every index ``(N,)``: crop offsets and flips."""
        rng = np.random.default_rng([seed, epoch, role])
        out = {}
        if self.crop is not None:
            crop_h, crop_w, pad, _ = self.crop
            room_h = image_hw[0] + 2 * pad - crop_h
            room_w = image_hw[1] + 2 * pad - crop_w
            if room_h < 0 or room_w < 0:
                raise ValueError(
                    f'RandomCrop: crop_size {(crop_h, crop_w)} exceeds the '
                    f'padded image {image_hw}')
            out['offset_h'] = rng.integers(0, room_h + 1, num_samples)
            out['offset_w'] = rng.integers(0, room_w + 1, num_samples)
        if self.flip is not None:
            out['flip'] = rng.random(num_samples) < self.flip[0]
        return out

    def __call__(self, images: np.ndarray, labels: np.ndarray, indices: np.ndarray,
                 draws: Dict[str, np.ndarray]) -> List[dict]:
        """Images ``(B, H, W)`` or ``(B, H, W, C)`` uint8 of dataset ``indices`` ->
        the ``B`` packed items ``dict(inputs=(C, H', W') tensor, data_samples)``."""
        if images.ndim == 3:
            images = images[..., None]
        batch = np.ascontiguousarray(images.transpose(0, 3, 1, 2))  # (B, C, H, W)
        flipped = np.zeros(len(indices), dtype=bool)
        if self.crop is not None:
            crop_h, crop_w, pad, pad_val = self.crop
            if pad:
                batch = np.pad(batch, ((0, 0), (0, 0), (pad, pad), (pad, pad)),
                               constant_values=pad_val).astype(images.dtype, copy=False)
            oh, ow = draws['offset_h'][indices], draws['offset_w'][indices]
            rows = oh[:, None] + np.arange(crop_h)[None]  # (B, crop_h)
            cols = ow[:, None] + np.arange(crop_w)[None]
            batch = batch[np.arange(len(indices))[:, None, None, None],
                          np.arange(batch.shape[1])[None, :, None, None],
                          rows[:, None, :, None], cols[:, None, None, :]]
        if self.flip is not None:
            flipped = draws['flip'][indices]
            axis = 3 if self.flip[1] == 'horizontal' else 2
            batch[flipped] = np.flip(batch[flipped], axis=axis)
        tensors = torch.from_numpy(np.ascontiguousarray(batch))
        shape = tuple(tensors.shape[2:])
        items = []
        for i, (index, label) in enumerate(zip(indices, labels)):
            sample = DataSample().set_gt_label(int(label))
            # PackInputs' meta keys, set without set_metainfo's deep copy
            sample.set_field(int(index), 'sample_idx', field_type='metainfo')
            sample.set_field(shape, 'img_shape', field_type='metainfo')
            if self.flip is not None:
                sample.set_field(bool(flipped[i]), 'flip', field_type='metainfo')
            items.append(dict(inputs=tensors[i], data_samples=sample))
        return items


class InMemoryBatchMixin(ReplayableViewsMixin):
    """Batched fetching for an MMPretrain ``BaseDataset`` whose ``data_list``
    holds the images (``img``) and labels (``gt_label``) themselves.

    ``__getitems__(indices)`` runs :class:`BatchedPipeline` when the pipeline
    compiles, else the per-sample pipeline with each view seeded
    (:class:`ReplayableViewsMixin`). ``set_epoch`` selects the epoch's draws
    (``EpochSeedHook`` calls it before every training epoch).
    """

    def _batched_state(self):
        state = getattr(self, '_batched', None)
        if state is None:
            self.full_init()
            plan = BatchedPipeline.compile(self.pipeline.transforms)
            images = labels = None
            if plan is not None:
                infos = [self.get_data_info(i) for i in range(len(self))]
                images = np.stack([info['img'] for info in infos])
                labels = np.asarray([info['gt_label'] for info in infos],
                                    dtype=np.int64)
            state = self._batched = dict(plan=plan, images=images, labels=labels,
                                         draws={})
        return state

    def fetch_batch(self, indices: Sequence[int], role: int = 0) -> List[dict]:
        """Items of ``indices``; ``role`` keeps a sample's draws apart from those
        of the same image drawn as a partner."""
        state = self._batched_state()
        plan = state['plan']
        if plan is None:  # a per-sample pipeline, each view seeded
            return super().fetch_batch(indices, role)
        indices = np.asarray(indices, dtype=np.int64)
        draws = {}
        if plan.random:
            cache = state['draws']  # this epoch's tables, one per role
            if cache.get('key') != (self._view_seed, self._view_epoch):
                cache.clear()
                cache['key'] = (self._view_seed, self._view_epoch)
            if role not in cache:
                cache[role] = plan.draws(len(self), state['images'].shape[1:3],
                                         self._view_seed, self._view_epoch, role)
            draws = cache[role]
        return plan(state['images'][indices], state['labels'][indices], indices, draws)

    def _copy_without_annotation(self, memo=None):
        """mmengine's copy for ``get_subset``, without the image cache of the
        full dataset (a subset builds its own)."""
        cached = self.__dict__.pop('_batched', None)
        try:
            return super()._copy_without_annotation(memo if memo is not None else {})
        finally:
            if cached is not None:
                self._batched = cached
