# KD: ResNet-34 student, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT.
_base_ = ['./acckd_resnet34_clip-af-la_imagenet-lt.py']

model = dict(distill=dict(method='kd'))
