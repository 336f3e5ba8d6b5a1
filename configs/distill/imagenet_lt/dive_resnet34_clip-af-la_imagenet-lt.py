# DiVE: ResNet-34 student, CLIP ViT-B/16 AdaptFormer + LA teacher, ImageNet-LT.
_base_ = ['../../_base_/distill/imagenet_lt_resnet18.py']

model = dict(
    student=dict(backbone=dict(depth=34)),
    distill=dict(method='dive'),
)
