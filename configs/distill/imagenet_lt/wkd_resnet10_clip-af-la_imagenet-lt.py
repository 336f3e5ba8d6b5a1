# WKD: ResNet-10 student, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt/resnet10_af-la.py']

model = dict(distill=dict(method='wkd'))
