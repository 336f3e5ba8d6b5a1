"""The teacher and student model configs of a distiller: read from a config
file or given inline, and the student's align layer (Section 3.4)."""
import copy
import os.path as osp
from typing import Optional, Union

from mmengine.config import Config


def read_model_config(spec: Union[str, dict], key: str) -> dict:
    """A classifier config given inline, or the ``model`` of a config file
    (with that file's top-level ``data_preprocessor`` as its own, when the
    model has none).

    Args:
        spec: a model dict, or the path of a config file.
        key: the config key ``spec`` came from, for errors (``model.teacher``).

    Raises:
        FileNotFoundError: ``spec`` is a path that does not exist.
        ValueError: the file has no ``model``.
    """
    if not isinstance(spec, str):
        return copy.deepcopy(dict(spec))
    spec = osp.normpath(spec)
    if not osp.isfile(spec):
        raise FileNotFoundError(f'{key} config not found: {spec}')
    cfg = Config.fromfile(spec)
    if 'model' not in cfg:
        raise ValueError(f'{key} config {spec} defines no model')
    model = cfg.model.to_dict()
    if cfg.get('data_preprocessor') is not None:
        model.setdefault('data_preprocessor', cfg.data_preprocessor.to_dict())
    return model


def student_config(distiller_cfg: dict) -> dict:
    """The student network a distiller config trains: ``model.student`` read
    (inline or from its file), with the align layer at the end of its encoder
    when ``model.distill.align`` is ``'encoder'`` and the student's feature
    size differs from the teacher's (what ``tools/export_student.py``
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
