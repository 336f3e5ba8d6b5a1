"""A tiny open_clip architecture (random weights) standing in for ViT-B/16."""
import copy

TINY_VIT = {
    'embed_dim': 32,
    'vision_cfg': {'image_size': 32, 'layers': 2, 'width': 64, 'patch_size': 8,
                   'head_width': 32},
    'text_cfg': {'context_length': 16, 'vocab_size': 49408, 'width': 32, 'heads': 2,
                 'layers': 1},
}
TINY_RESNET = {
    'embed_dim': 32,
    'vision_cfg': {'image_size': 32, 'layers': [1, 1, 1, 1], 'width': 8,
                   'patch_size': None},
    'text_cfg': copy.deepcopy(TINY_VIT['text_cfg']),
}


def tiny_backbone(**kwargs):
    cfg = dict(type='CLIPVisionBackbone', model_name='tiny-vit', model_cfg=TINY_VIT)
    cfg.update(kwargs)
    return cfg
