# ResNet-50 on ImageNet-LT with the logit-adjusted loss.
_base_ = [
    '../_base_/models/resnet50.py',
    '../_base_/datasets/imagenet_lt.py',
    '../_base_/schedules/imagenet_lt_200e.py',
    '../_base_/default_runtime.py',
]
