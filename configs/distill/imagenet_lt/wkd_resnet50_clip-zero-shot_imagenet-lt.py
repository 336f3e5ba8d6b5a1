# WKD: ResNet-50 student, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet50_zero-shot.py']

model = dict(distill=dict(method='wkd'))
