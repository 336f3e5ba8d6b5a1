"""Save the tower of a trained ``CLIPVisionBackbone`` as an open_clip checkpoint.

    python tools/model_converters/export_open_clip.py CONFIG CHECKPOINT OUT.pt

CONFIG trained a classifier whose backbone is a ``CLIPVisionBackbone`` (for
example a tower pre-trained from scratch, ``frozen=False``). OUT.pt is the
state dict of the whole open_clip model of that architecture, its image tower
from CHECKPOINT and its text tower as built (unused by image-only teachers), so
that ``CLIPVisionBackbone(model_name=..., model_cfg=..., pretrained='OUT.pt')``
loads it exactly as it loads CLIP's released weights.
"""
import argparse
import io
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import torch
from mmengine.config import Config

from cckd_plugin.compat import safe_torch_load
from cckd_plugin.fileio import atomic_write
from cckd_plugin.models.backbones.clip_vision import create_open_clip


def export(config: str, checkpoint: str, out: str) -> int:
    """Write ``out``; returns how many image-tower tensors came from the checkpoint."""
    backbone = Config.fromfile(config).model.backbone
    if backbone.get('type') != 'CLIPVisionBackbone':
        raise SystemExit(f'{config}: model.backbone is {backbone.get("type")}, not '
                         f'CLIPVisionBackbone')
    torch.manual_seed(0)  # the (unused) text tower is the same in every export
    clip = create_open_clip(backbone.get('model_name', 'ViT-B-16'), None,
                            backbone.get('model_cfg'))
    state = safe_torch_load(checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    prefix = 'backbone.visual.'
    visual = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    missing = sorted(set(clip.visual.state_dict()) - set(visual))
    if missing:
        raise SystemExit(
            f'{checkpoint} lacks {len(missing)} tower weights (e.g. {missing[0]})')
    clip.visual.load_state_dict(visual, strict=True)
    buffer = io.BytesIO()
    torch.save(clip.state_dict(), buffer)
    atomic_write(buffer.getvalue(), out)
    return len(visual)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    args = parser.parse_args()
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    count = export(args.config, args.checkpoint, args.out)
    print(f'{args.out}: open_clip state dict, {count} image-tower tensors from '
          f'{args.checkpoint}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
