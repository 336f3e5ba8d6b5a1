# ACCKD: ResNet-18 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet18_ncm.py']

model = dict(distill=dict(method='acckd'))
