# KD: ResNet-10 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet10_ncm.py']

model = dict(distill=dict(method='kd'))
