# WKD: ResNet-10 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['./acckd_resnet10_clip-ncm_imagenet-lt.py']

model = dict(distill=dict(method='wkd'))
