"""Convert an open_clip ViT image tower to MMPretrain's ``VisionTransformer``.

    python tools/model_converters/open_clip_to_mmpretrain_vit.py SRC.pt OUT.pth

SRC.pt is a whole open_clip model's state dict (CLIP's released weights, or a
tower exported by ``export_open_clip.py``). OUT.pth holds ``state_dict``, the
weights of MMPretrain's ``VisionTransformer`` built with ``pre_norm=True``,
``final_norm=True``, ``out_type='cls_token'`` and
``norm_cfg=dict(type='LN', eps=1e-5)`` (open_clip's LayerNorm), and
``meta['vit_cfg']``, the keyword arguments that build it (printed too), so a
config can load it with ``init_cfg=dict(type='Pretrained', checkpoint=OUT)``,
for example under MMPretrain's ``LoRAModel``. Its class-token output equals
the ``CLIPVisionBackbone(out_type='cls_token')`` feature (tested). The joint
space projection (``proj``) is not part of it.
"""
import argparse
import io
import os.path as osp
import re
import sys
from typing import Dict, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import torch

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.fileio import atomic_write

#: open_clip block key suffix -> MMPretrain's ``TransformerEncoderLayer`` key
BLOCK_KEYS = {
    'ln_1': 'ln1', 'attn.in_proj_weight': 'attn.qkv.weight',
    'attn.in_proj_bias': 'attn.qkv.bias', 'attn.out_proj': 'attn.proj', 'ln_2': 'ln2',
    'mlp.c_fc': 'ffn.layers.0.0', 'mlp.c_proj': 'ffn.layers.1'
}
TOP_KEYS = {'conv1.weight': 'patch_embed.projection.weight', 'ln_pre': 'pre_norm',
            'ln_post': 'ln1'}
BLOCK = re.compile(r'transformer\.resblocks\.(\d+)\.(.+)')


def _rename(key: str) -> str:
    match = BLOCK.fullmatch(key)
    table, rest, prefix = (BLOCK_KEYS, match.group(2), f'layers.{match.group(1)}.') \
        if match else (TOP_KEYS, key, '')
    for old, new in table.items():
        if rest == old or rest.startswith(old + '.'):
            return prefix + new + rest[len(old):]
    raise ValueError(f'open_clip key visual.{key} has no MMPretrain ViT counterpart '
                     f'(only plain ViTs convert: no attention pooling, layer scale '
                     f'or patch dropout weights)')


def convert(state: Dict[str, torch.Tensor]) -> Tuple[Dict[str, torch.Tensor], dict]:
    """open_clip state dict -> (MMPretrain ViT state dict, its constructor args,
    ``arch.num_heads`` left ``None``: the weights do not tell it)."""
    state = {k[len('module.'):] if k.startswith('module.') else k: v
             for k, v in state.items()}
    visual = {k[len('visual.'):]: v for k, v in state.items()
              if k.startswith('visual.')}
    if 'conv1.weight' not in visual or 'class_embedding' not in visual:
        raise ValueError('not an open_clip ViT: no visual.conv1.weight or '
                         'visual.class_embedding')
    out = {'cls_token': visual.pop('class_embedding').reshape(1, 1, -1),
           'pos_embed': visual.pop('positional_embedding').unsqueeze(0)}
    visual.pop('proj', None)
    out.update({_rename(k): v for k, v in visual.items()})
    width, _, patch, _ = out['patch_embed.projection.weight'].shape
    layers = 1 + max(int(k.split('.')[1]) for k in out if k.startswith('layers.'))
    tokens = out['pos_embed'].shape[1] - 1
    grid = int(round(tokens**0.5))
    vit_cfg = dict(
        type='VisionTransformer',
        arch=dict(embed_dims=width, num_layers=layers, num_heads=None,
                  feedforward_channels=out['layers.0.ffn.layers.0.0.weight'].shape[0]),
        img_size=grid * patch, patch_size=patch, pre_norm=True, final_norm=True,
        out_type='cls_token', norm_cfg=dict(type='LN', eps=1e-5))
    return out, vit_cfg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='open_clip state dict (.pt)')
    parser.add_argument('out', help='MMPretrain checkpoint to write')
    parser.add_argument('--num-heads', type=int, required=True,
                        help='attention heads (open_clip: width // head_width; '
                        'ViT-B/16: 12); the weights do not tell')
    args = parser.parse_args()
    ckpt = safe_torch_load(args.src, map_location='cpu')
    state, vit_cfg = convert(ckpt.get('state_dict', ckpt))
    vit_cfg['arch']['num_heads'] = args.num_heads
    if vit_cfg['arch']['embed_dims'] % args.num_heads:
        raise SystemExit(f'--num-heads {args.num_heads} does not divide the width '
                         f'{vit_cfg["arch"]["embed_dims"]}')
    buffer = io.BytesIO()
    torch.save(dict(state_dict=state, meta=dict(vit_cfg=vit_cfg)), buffer)
    atomic_write(buffer.getvalue(), args.out)
    print(f'wrote {args.out}: {len(state)} tensors; builds with {vit_cfg}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
