# CCKD: ResNet-18 student, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet18_af-la.py']

model = dict(distill=dict(method='cckd'))
