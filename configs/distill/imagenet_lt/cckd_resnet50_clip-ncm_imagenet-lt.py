# CCKD: ResNet-50 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet50_ncm.py']

model = dict(distill=dict(method='cckd'))
