"""Config keys that no class takes, found before anything is built.

mmengine passes a config section to its class's constructor, so a misspelt or
misplaced key ends in Python's ``TypeError: __init__() got an unexpected
keyword argument`` with neither the config key nor a correction. Here each of
``model`` (and a distiller's ``student`` / ``teacher`` classifiers given
inline or as a file with overrides), ``train_cfg``, ``val_cfg``, ``test_cfg``
and the metrics of ``val_evaluator`` / ``test_evaluator`` is compared with the
signature of the class it builds, and the first unknown key is named in one
line with the closest valid one."""
import difflib
import inspect
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from ..evaluation.metric_keys import evaluator_metrics, plain_dict
from ..models.distillers.model_configs import read_model_config

#: keys every config section may carry besides the constructor's arguments
REGISTRY_KEYS = ('type', '_scope_')
#: arguments mmengine's runner supplies to a loop itself
LOOP_SUPPLIED = ('runner', 'dataloader', 'evaluator')
#: evaluator sections whose metrics are checked like the loops
EVALUATORS = ('val_evaluator', 'test_evaluator')
#: the loop mmengine builds for a section without ``type``
DEFAULT_LOOPS = dict(train_cfg=lambda c: 'EpochBasedTrainLoop' if c.get('by_epoch')
                     else 'IterBasedTrainLoop' if 'by_epoch' in c else None,
                     val_cfg=lambda c: 'ValLoop', test_cfg=lambda c: 'TestLoop')


def constructor_arguments(cls: type,
                          supplied: Sequence[str] = ()) -> Optional[List[str]]:
    """The keyword arguments ``cls`` takes from a config, or ``None`` when it
    takes any (``**kwargs``)."""
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return [n for n, p in params.items() if n != 'self' and n not in supplied
            and p.kind is not inspect.Parameter.VAR_POSITIONAL]


def check_section_keys(section: dict, cls: type, key: str,
                       supplied: Sequence[str] = (),
                       hints: Optional[Dict[str, str]] = None) -> None:
    """Refuse a key of ``section`` (the config at ``key``) that ``cls`` does
    not take.

    Args:
        hints: a correction for a key that is valid elsewhere (``'head'`` ->
            ``'model.student.head'``), tried before the closest spelling.

    Raises:
        ValueError: one line naming the key, the class, a correction when one
            is close, and the keys the class takes.
    """
    accepted = constructor_arguments(cls, supplied)
    if accepted is None:
        return
    for name in section:
        if name in REGISTRY_KEYS or name in accepted or (
                name == 'by_epoch' and key == 'train_cfg'):
            continue
        hint = (hints or {}).get(name)
        if hint is None:
            close = difflib.get_close_matches(name, accepted, n=1, cutoff=0.75)
            hint = f'{key}.{close[0]}' if close else None
        fix = f': did you mean {hint}?' if hint else ''
        raise ValueError(f'{key}.{name} is not a setting of {cls.__name__}{fix} '
                         f'(it takes {", ".join(accepted)})')


def _registered(registry, kind) -> Optional[type]:
    if isinstance(kind, type):
        return kind
    if not isinstance(kind, str):
        return None
    try:
        return registry.get(kind)
    except Exception:  # an unknown type: the builder's own error names it
        return None


def check_config_keys(cfg: Config) -> None:
    """Every key of ``model``, a distiller's student and teacher (inline or a
    file's with overrides), the loop sections and the evaluators' metrics is
    an argument of the class it builds (classes that take ``**kwargs`` are
    left out).

    Raises:
        ValueError: one line, see :func:`check_section_keys`.
    """
    from mmpretrain.registry import LOOPS, METRICS, MODELS
    model = plain_dict(cfg.get('model'))
    cls = _registered(MODELS, (model or {}).get('type'))
    if cls is not None:
        hints = {}
        inner = {}
        if 'student' in (constructor_arguments(cls) or ()):  # a distiller
            classifier = MODELS.get('ImageClassifier')
            hints = {name: f'model.student.{name}'
                     for name in constructor_arguments(classifier) or ()
                     if name not in (constructor_arguments(cls) or ())}
            # inline, or a file's model with overrides (dict(config=..., ...))
            inner = {f'model.{part}': read_model_config(model[part], f'model.{part}')
                     for part in ('student', 'teacher')
                     if isinstance(model.get(part), dict)}
        check_section_keys(model, cls, 'model', hints=hints)
        for key, part in inner.items():
            part_cls = _registered(MODELS, (part or {}).get('type'))
            if part_cls is not None:
                check_section_keys(part, part_cls, key)
    for name, default in DEFAULT_LOOPS.items():
        loop = plain_dict(cfg.get(name))
        if not loop:
            continue
        loop_cls = _registered(LOOPS, loop.get('type') or default(loop))
        if loop_cls is not None:
            check_section_keys(loop, loop_cls, name, supplied=LOOP_SUPPLIED)
    for name in EVALUATORS:
        for key, metric in evaluator_metrics(cfg.get(name), name):
            metric_cls = _registered(METRICS, metric.get('type'))
            if metric_cls is not None:
                check_section_keys(metric, metric_cls, key)
