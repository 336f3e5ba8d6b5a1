"""Tiny open_clip architectures (random weights) standing in for CLIP
ViT-B/16 and ResNet-50 in tests and CPU speed benchmarks."""
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


def shrink_clip_teacher(model_cfg: dict) -> dict:
    """Swap a CLIP teacher config's tower for the random ``TINY_VIT`` (in
    place): tuners, head type and everything else stay; files the head would
    load are dropped. An MMPretrain ``LoRAModel`` keeps its ViT at random
    weights (its ``init_cfg`` file dropped). Other teachers are returned
    unchanged."""
    backbone = model_cfg['backbone']
    if backbone['type'] in ('LoRAModel', 'ScopedLoRAModel'):
        backbone['module'].pop('init_cfg', None)
    if backbone['type'] == 'CLIPVisionBackbone':
        backbone.update(model_name='tiny-vit', model_cfg=TINY_VIT, pretrained=None)
        head = model_cfg['head']
        head['in_channels'] = 32 if backbone.get('out_type') == 'projected' else 64
        head.pop('init_weights_file', None)
        head.pop('weights_file', None)
        if 'clip' in head:
            head['clip'] = dict(model_name='tiny-vit', model_cfg=TINY_VIT)
    return model_cfg
