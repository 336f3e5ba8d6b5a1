from .cifar_resnet import CifarResNet
from .clip_vision import CLIPVisionBackbone, create_open_clip
from .packaged_weights import PACKAGED_WEIGHTS
from .resnet10 import ResNet10
from .timm_cnn import TimmCNNBackbone

__all__ = ['CifarResNet', 'CLIPVisionBackbone', 'PACKAGED_WEIGHTS', 'ResNet10',
           'TimmCNNBackbone', 'create_open_clip']
