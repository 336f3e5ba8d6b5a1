"""Test helpers around the tiny open_clip architectures of the package."""
from cckd_plugin.models.backbones.tiny_clip import (TINY_RESNET, TINY_VIT,  # noqa: F401
                                                    shrink_clip_teacher)


def tiny_backbone(**kwargs):
    cfg = dict(type='CLIPVisionBackbone', model_name='tiny-vit', model_cfg=TINY_VIT)
    cfg.update(kwargs)
    return cfg
