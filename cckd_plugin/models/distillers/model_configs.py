"""The teacher and student model configs of a distiller: read from a config
file or given inline, and the student's align layer (Section 3.4)."""
import copy
import os.path as osp
from typing import Optional, Union

from mmengine.config import Config


def spec_path(spec: Union[str, dict, None]) -> Optional[str]:
    """The config file a model spec reads (``'path.py'`` or
    ``dict(config='path.py', ...)``), else ``None``."""
    if isinstance(spec, str):
        return osp.normpath(spec)
    if isinstance(spec, dict) and isinstance(spec.get('config'), str):
        return osp.normpath(spec['config'])
    return None


def spec_label(spec: Union[str, dict, None], key: str) -> str:
    """How errors name a model spec: ``key (its file)`` or ``key``."""
    path = spec_path(spec)
    return f'{key} ({path})' if path else key


def spec_key(spec: Union[str, dict, None], key: str, sub: str) -> str:
    """How errors name the setting ``sub`` (``'head'``, ``'backbone'``) of a
    model spec: ``key.sub`` where the config sets it (inline, or beside
    ``config=``), else ``key (its file): sub``."""
    path = spec_path(spec)
    if path is None or (isinstance(spec, dict) and sub.split('.')[0] in spec):
        return f'{key}.{sub}'
    return f'{key} ({path}): {sub}'


def _without_deletes(value):
    if isinstance(value, dict):
        return {k: _without_deletes(v) for k, v in value.items() if k != '_delete_'}
    return value


def merge_overrides(base: dict, overrides: dict) -> dict:
    """``overrides`` merged into ``base`` key by key, as mmengine merges a
    config into its ``_base_``, except that a dict whose ``type`` differs from
    the one it meets replaces it (a swapped loss, tuner or head keeps none of
    the old one's arguments), as ``_delete_=True`` does."""
    out = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and not value.get(
                '_delete_') and value.get('type', old.get('type')) == old.get('type'):
            out[key] = merge_overrides(old, value)
        else:
            out[key] = _without_deletes(copy.deepcopy(value))
    return out


def _read_file(path: str, key: str) -> dict:
    path = osp.normpath(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{key} config not found: {path}')
    cfg = Config.fromfile(path)
    if 'model' not in cfg:
        raise ValueError(f'{key} config {path} defines no model')
    model = cfg.model.to_dict()
    if cfg.get('data_preprocessor') is not None:
        model.setdefault('data_preprocessor', cfg.data_preprocessor.to_dict())
    return model


def read_model_config(spec: Union[str, dict], key: str) -> dict:
    """A classifier config given inline, as the path of a config file (its
    ``model``, with the file's top-level ``data_preprocessor`` as its own when
    the model has none), or as ``dict(config=path, **overrides)``: that file's
    model with ``overrides`` merged in by :func:`merge_overrides`, so a config
    inheriting a distiller sets ``model.student.head.loss`` like any key.

    Args:
        spec: a model dict, a config file path, or ``dict(config=path, ...)``.
        key: the config key ``spec`` came from, for errors (``model.teacher``).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file has no ``model``.
    """
    if isinstance(spec, str):
        return _read_file(spec, key)
    spec = copy.deepcopy(dict(spec))
    path = spec.pop('config', None)
    if path is None:
        return spec
    return merge_overrides(_read_file(path, key), spec)


def student_config(distiller_cfg: dict) -> dict:
    """The student network a distiller config trains: ``model.student`` read
    (inline or from its file), with the align layer at the end of its encoder
    when ``model.distill.align`` is ``'encoder'`` and the student's feature
    size differs from the teacher's (what ``tools/model_converters/export_student.py``
    exports). Where the sizes are equal there is no layer (Section 3.4)."""
    from .distill_settings import resolve_distill
    student = read_model_config(distiller_cfg['student'], 'model.student')
    student.pop('data_preprocessor', None)  # the distiller normalises the student
    settings = resolve_distill(distiller_cfg['distill'])
    if settings.align == 'encoder':
        teacher = read_model_config(distiller_cfg['teacher'], 'model.teacher')
        dim = teacher_feature_dim(teacher)
        if dim is None:
            raise ValueError(
                'feature imitation needs model.teacher.head.in_channels (the '
                "teacher's feature size); set "
                'model.distill.feature_imitation=False')
        if settings.needs_align_layer(feature_dim(student), dim):
            student = aligned_student_config(student, dim)
    return student


def feature_dim(model_cfg: dict) -> Optional[int]:
    """The feature size a classifier's head reads (``head.in_channels``)."""
    return (model_cfg.get('head') or {}).get('in_channels')


def teacher_feature_dim(model_cfg: dict) -> Optional[int]:
    """The size of the teacher feature that feature imitation reads: the
    class token of a CLIP vision transformer whatever its head reads (a
    zero-shot head reads the projected feature; docs/conventions.md, section
    5), else the feature the head reads."""
    backbone = model_cfg.get('backbone') or {}
    if backbone.get('type') == 'CLIPVisionBackbone':
        width = clip_tower_width(backbone)
        if width is not None:
            return width
    return feature_dim(model_cfg)


def clip_tower_width(backbone: dict) -> Optional[int]:
    """The class-token width of an open_clip vision transformer, from its
    architecture config alone (nothing is built or downloaded); ``None`` for
    a tower that is not a transformer (open_clip's ResNets)."""
    arch = backbone.get('model_cfg')
    if arch is None:
        import open_clip
        arch = open_clip.get_model_config(backbone.get('model_name', 'ViT-B-16'))
    vision = dict((arch or {}).get('vision_cfg') or {})
    if isinstance(vision.get('layers'), (list, tuple)):  # ModifiedResNet
        return None
    return vision.get('width')


def aligned_student_config(student: dict, teacher_dim: int) -> dict:
    """The student with the paper's align layer at the end of its encoder.

    Section 3.4: "a linear layer is added at the end of the student model's
    feature encoder" to reach the teacher's feature size. The layer is
    MMPretrain's ``LinearNeck`` (no norm, no activation) after the student's
    own neck, so the head reads the aligned ``teacher_dim`` features and an
    exported student is a plain ``ImageClassifier`` that keeps the layer.

    Args:
        student: the student classifier config; its ``head.in_channels`` is
            the encoder's feature size.
        teacher_dim: the teacher's feature size.
    """
    student = copy.deepcopy(student)
    student_dim = feature_dim(student)
    if student_dim is None:
        raise ValueError('model.distill.align needs model.student.head.in_channels '
                         '(the feature size of the student encoder)')
    align = dict(type='LinearNeck', in_channels=student_dim, out_channels=teacher_dim,
                 gap_dim=0, norm_cfg=None, act_cfg=None)
    neck = student.get('neck')
    if neck is None:
        student['neck'] = align
    else:
        student['neck'] = (list(neck) if isinstance(neck,
                                                    (list,
                                                     tuple)) else [neck]) + [align]
    student['head']['in_channels'] = teacher_dim
    return student


def check_no_plain_lora_model(model_cfg: dict, key: str) -> None:
    """Refuse MMPretrain's ``LoRAModel`` anywhere in a distiller's student or
    teacher: its checkpoint hooks act on the whole distiller (the student and
    the priors would be left out of every checkpoint). ``ScopedLoRAModel`` is
    the same tuner with the hooks kept to itself.

    Raises:
        ValueError: one line naming the config key.
    """
    def walk(value, where):
        if isinstance(value, dict):
            if str(value.get('type', '')).split('.')[-1] == 'LoRAModel':
                raise ValueError(
                    f"{where}.type='LoRAModel' would take every non-LoRA weight of "
                    f'the distiller (the student, the priors) out of its checkpoints '
                    f"(mmpretrain 1.2): use type='ScopedLoRAModel', the same tuner "
                    f'with its checkpoint hooks kept to itself')
            for name, inner in value.items():
                walk(inner, f'{where}.{name}')
        elif isinstance(value, (list, tuple)):
            for i, inner in enumerate(value):
                walk(inner, f'{where}[{i}]')
    walk(model_cfg, key)
