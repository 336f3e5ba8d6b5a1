# WKD: ResNet-34 student, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet34_zero-shot.py']

model = dict(distill=dict(method='wkd'))
