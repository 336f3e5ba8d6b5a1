# ACCKD: ResNet-50 student, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet50_af-la.py']

model = dict(distill=dict(method='acckd'))
