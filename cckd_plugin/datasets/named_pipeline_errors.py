"""A data pipeline whose failures name the transform and the sample.

mmengine's ``Compose`` lets a transform's exception through as it is: OpenCV's
``!buf.empty()`` for an empty image file names no file, a colour transform on
one-channel images names no transform. Here the same pipeline re-raises any
such failure in one line: the dataset, the step, the transform and the image
file (or sample index)."""
from typing import Iterator, Optional

from mmengine.dataset import Compose


class PipelineStepError(RuntimeError):
    """A transform failed on a sample; the message names both."""


class NamedStepsCompose(Compose):
    """mmengine's ``Compose`` (the same transforms, in order, ``None`` ends
    the pipeline), naming the failing step.

    Args:
        pipeline: the dataset's ``Compose``.
        owner: how the message names the dataset (its class name).
    """

    def __init__(self, pipeline: Compose, owner: str):
        super().__init__(list(pipeline.transforms))
        self.owner = owner

    def __call__(self, data: dict) -> Optional[dict]:
        for step, transform in enumerate(self.transforms):
            try:
                data = transform(data)
            except PipelineStepError:
                raise
            except Exception as err:  # ``data`` is the failing transform's input
                sample = (data.get('img_path') or
                          f"sample {data.get('sample_idx', '?')}"
                          ) if isinstance(data, dict) else 'a sample'
                detail = ' '.join(str(err).split())  # OpenCV's are several lines
                raise PipelineStepError(
                    f'{self.owner} pipeline step {step + 1} of '
                    f'{len(self.transforms)} ({type(transform).__name__}) failed on '
                    f'{sample}: {type(err).__name__}: {detail}') from err
            if data is None:
                return None
        return data


def _datasets(dataset) -> Iterator[object]:
    """``dataset`` and every dataset it wraps (``dataset`` / ``datasets``)."""
    yield dataset
    inner = getattr(dataset, 'dataset', None)
    if inner is not None and inner is not dataset:
        yield from _datasets(inner)
    for part in getattr(dataset, 'datasets', None) or ():
        yield from _datasets(part)


def name_pipeline_errors(dataset) -> None:
    """Give every pipeline of ``dataset`` and the datasets it wraps a
    :class:`NamedStepsCompose` (once; the transforms stay the same objects)."""
    for part in _datasets(dataset):
        pipeline = getattr(part, 'pipeline', None)
        if isinstance(pipeline, Compose) and not isinstance(pipeline,
                                                            NamedStepsCompose):
            part.pipeline = NamedStepsCompose(pipeline, type(part).__name__)
