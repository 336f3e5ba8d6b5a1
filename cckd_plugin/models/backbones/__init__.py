from .cifar_resnet import CifarResNet
from .clip_vision import CLIPVisionBackbone, create_open_clip
from .resnet10 import ResNet10

__all__ = ['CifarResNet', 'CLIPVisionBackbone', 'ResNet10', 'create_open_clip']
