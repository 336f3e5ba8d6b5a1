# KD: ResNet-50 student, CLIP ViT-B/16 NCM teacher, ImageNet-LT.
_base_ = ['./acckd_resnet50_clip-ncm_imagenet-lt.py']

model = dict(distill=dict(method='kd'))
