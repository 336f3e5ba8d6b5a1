# CCKD: ResNet-10 student, CLIP ViT-B/16 zero-shot teacher, ImageNet-LT.
_base_ = ['./acckd_resnet10_clip-zero-shot_imagenet-lt.py']

model = dict(distill=dict(method='cckd'))
